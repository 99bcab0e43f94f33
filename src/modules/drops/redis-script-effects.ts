/*
 * Journals what an offer script did besides its answer: holds that expired or were released,
 * holds the waitlist got (each written with the end of the wait it served), waits that ended.
 * The process whose script decided them writes them, so every script's effects go through here.
 */

import type { Logger } from 'pino';
import type { HoldJournal, JournalWaitEnd } from './hold-journal.js';
import type { BatchEffects } from './redis-claim-batches.js';
import type { HoldPlaces } from './redis-hold-places.js';
import { optionalArg, type StoredHold, storeHoldOf } from './redis-offer-keys.js';
import type { RunOfferScript } from './redis-offer-scripts.js';

/**
 * Scripts that may move units answer [answer, org, expired ids, promoted id/hold pairs, ended
 * waits (entry id/status pairs), extra].
 */
export type UnitsReply = [string | number, string, string[], string[], string[], unknown?];

export interface ScriptEffectsDeps {
  journal: HoldJournal;
  places: HoldPlaces;
  run: RunOfferScript;
  logger?: Logger | undefined;
}

export class ScriptEffects {
  constructor(private readonly deps: ScriptEffectsDeps) {}

  settle(offerId: string, reply: UnitsReply): void {
    const [, organizationId, expired, promoted, waitEnds] = reply;
    this.settleEffects(offerId, { organizationId, expired, promoted, waitEnds });
  }

  /**
   * Journals what a script ended (expired holds, waits) and began (the waitlist's holds, each
   * written with the end of the wait it served).
   */
  settleEffects(offerId: string, { organizationId, expired, promoted, waitEnds }: BatchEffects) {
    this.ended(expired, 'expired');
    this.waitsEnded(organizationId, waitEnds);
    const place = { offerId, organizationId };
    for (let index = 0; index < promoted.length; index += 2) {
      const id = promoted[index] as string;
      const encoded = promoted[index + 1] as string;
      const hold = storeHoldOf(id, offerId, organizationId, encoded);
      const entryId = (JSON.parse(encoded) as StoredHold).w ?? null;
      this.deps.journal.created(hold, entryId).then(
        () => this.deps.places.remember(id, place),
        (error: unknown) => {
          this.deps.logger?.error({ err: error, holdId: id }, 'waitlist hold not written');
          return this.revoke(offerId, id, null);
        },
      );
    }
  }

  /** Journals waits a script ended without a hold: pairs of entry id and status. */
  waitsEnded(organizationId: string, pairs: readonly string[] | undefined): void {
    if (!pairs || pairs.length === 0) return;
    const ends: JournalWaitEnd[] = [];
    for (let index = 0; index < pairs.length; index += 2) {
      ends.push(waitEndOf(pairs[index] as string, organizationId, pairs[index + 1] as string));
    }
    this.deps.journal.waitsEnded(ends);
  }

  ended(holdIds: readonly string[], status: 'expired' | 'released'): void {
    if (holdIds.length === 0) return;
    for (const holdId of holdIds) this.deps.places.forget(holdId);
    this.deps.journal.ended(holdIds, status);
  }

  /** Takes back a hold whose write failed: its units return, its key's answer is forgotten. */
  async revoke(offerId: string, holdId: string, key: string | null): Promise<void> {
    const args = [holdId, optionalArg(key)];
    await this.deps.run('revoke', offerId, args).catch((error: unknown) => {
      this.deps.logger?.error(
        { err: error, holdId },
        'unwritten hold not revoked; its units return at its deadline',
      );
    });
  }
}

/** A wait's end as the scripts note it: 'served:<hold id>', 'left' or 'expired'. */
export function waitEndOf(id: string, organizationId: string, ending: string): JournalWaitEnd {
  if (ending.startsWith('served:')) {
    return { id, organizationId, status: 'served', holdId: ending.slice('served:'.length) };
  }
  return { id, organizationId, status: ending === 'left' ? 'left' : 'expired' };
}
