/*
 * Joining an offer's waitlist on Redis: the place is decided by a script, in line with claims,
 * and answered once the entry's row is committed. Another process may serve or pass the entry
 * before its row exists, so a join is recorded in `joining` until written, and whoever answers
 * a join (or a retry of it) writes its row first.
 */

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import type { HoldJournal } from './hold-journal.js';
import type { ClaimRefusal } from './offer-book.types.js';
import type { WaitlistAnswer } from './offer-store.js';
import { type JoiningEntry, optionalArg } from './redis-offer-keys.js';
import type { RunOfferScript } from './redis-offer-scripts.js';
import { type ScriptEffects, waitEndOf } from './redis-script-effects.js';

/** The join script's answer when it did not refuse: [kind, 'w:<position>:<id>', joining, org]. */
type JoinReply = ['joined' | 'replay', string, string, string];

export interface WaitlistJoinsDeps {
  run: RunOfferScript;
  effects: ScriptEffects;
  journal: HoldJournal;
  clock: Clock;
  /** Loads a booked offer whose keys are missing; true when it was loaded. */
  reopen: (offerId: string) => Promise<boolean>;
  logger?: Logger | undefined;
}

export class WaitlistJoins {
  constructor(private readonly deps: WaitlistJoinsDeps) {}

  async join(
    offerId: string,
    shopperId: string,
    quantity: number,
    market: string | null,
    idempotencyKey: string | null,
  ): Promise<WaitlistAnswer | undefined> {
    const now = this.deps.clock.now().getTime();
    const entryId = randomUUID();
    const key = optionalArg(idempotencyKey);
    const args = [shopperId, quantity, optionalArg(market), key, entryId, now];
    let reply = await this.deps.run('joinWaitlist', offerId, args);
    // Redis lost the offer while it is on sale: rebuild it (its line too) and decide again.
    if (reply === null && (await this.deps.reopen(offerId))) {
      reply = await this.deps.run('joinWaitlist', offerId, args);
    }
    if (reply === null) return undefined;
    if (typeof reply === 'string') return { ok: false, code: reply as ClaimRefusal };
    const [kind, answer, joining, organizationId] = reply as JoinReply;
    const position = Number(answer.slice(2, answer.indexOf(':', 2)));
    const id = answer.slice(answer.indexOf(':', 2) + 1);
    // A retry whose first join is still unwritten (in flight elsewhere, or its process died)
    // writes the same row itself before answering: the first insert wins, the other does nothing.
    if (kind === 'replay') {
      if (joining !== '') await this.writeJoin(offerId, organizationId, id, joining);
      return { ok: true, position };
    }
    try {
      await this.writeJoin(offerId, organizationId, id, joining);
    } catch (error) {
      await this.unjoin(offerId, id, idempotencyKey);
      throw error;
    }
    return { ok: true, position };
  }

  /**
   * Commits a join's row, then takes it out of `joining`. A wait that ended before the row
   * existed (another process served it, or passed it by) is written again now, after the row.
   */
  private async writeJoin(
    offerId: string,
    organizationId: string,
    entryId: string,
    joining: string,
  ): Promise<void> {
    const entry = JSON.parse(joining) as JoiningEntry;
    await this.deps.journal.joined({
      id: entryId,
      offerId,
      organizationId,
      shopperId: entry.s,
      quantity: entry.q,
      market: entry.m ?? null,
      order: entry.o,
      joinedAt: entry.t,
      idempotencyKey: entry.k ?? null,
      position: entry.p,
    });
    try {
      const ending = String(await this.deps.run('joinWritten', offerId, [entryId]));
      if (ending !== '') this.deps.journal.waitsEnded([waitEndOf(entryId, organizationId, ending)]);
    } catch (error) {
      // The row is durable: the join stands. Only an early end may be left unwritten.
      this.deps.logger?.warn({ err: error, entryId }, 'written join not confirmed to Redis');
    }
  }

  /** Takes back a join whose row was not written, with a hold it got meanwhile. */
  private async unjoin(offerId: string, entryId: string, key: string | null): Promise<void> {
    try {
      const args = [entryId, optionalArg(key)];
      const ending = String(await this.deps.run('unjoin', offerId, args));
      if (!ending.startsWith('served:')) return;
      const holdId = ending.slice('served:'.length);
      await this.deps.effects.revoke(offerId, holdId, null);
      this.deps.effects.ended([holdId], 'released');
    } catch (error) {
      this.deps.logger?.error({ err: error, entryId }, 'unwritten join not taken back');
    }
  }
}
