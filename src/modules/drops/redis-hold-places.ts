import { setTimeout as sleep } from 'node:timers/promises';
import type { HoldsRepository } from './holds.repository.js';

/** The offer and organisation of a hold whose row is durable. */
export interface HoldPlace {
  offerId: string;
  organizationId: string;
}

/** How long an answer waits for a hold written by another process (real time, not the clock). */
const durableWaitMs = 2000;
const durablePollMs = 20;
const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Finds the offer of a hold for the Redis store. A script can write only the keys of one
 * offer's hash slot, so a hold -> offer key cannot be kept beside the hold: the hold's row is
 * the index instead (it is durable before the hold is acknowledged), with the answers of
 * recent look-ups kept in a bounded map. Having a place therefore also means being durable.
 */
export class HoldPlaces {
  private readonly places = new Map<string, HoldPlace>();

  constructor(
    private readonly holds: HoldsRepository,
    private readonly capacity = 10_000,
  ) {}

  /** Undefined when the hold has no row (unknown, or not written yet). */
  async find(holdId: string): Promise<HoldPlace | undefined> {
    const known = this.places.get(holdId);
    // A malformed id would make the uuid column's cast fail: it is simply unknown.
    if (known || !uuidShape.test(holdId)) return known;
    const row = await this.holds.findHold(holdId);
    return row ? this.remember(holdId, row) : undefined;
  }

  /**
   * Waits until the hold's row is committed: an answer may name a hold that another process
   * (or a waitlist promotion here) decided and is still writing. Throws after two seconds.
   */
  async durable(holdId: string): Promise<HoldPlace> {
    const deadline = Date.now() + durableWaitMs;
    for (;;) {
      const place = await this.find(holdId);
      if (place) return place;
      if (Date.now() >= deadline) {
        throw new Error(`hold ${holdId} was not written within ${durableWaitMs} ms`);
      }
      await sleep(durablePollMs);
    }
  }

  remember(holdId: string, place: HoldPlace): HoldPlace {
    if (this.places.size >= this.capacity) {
      const oldest = this.places.keys().next();
      if (!oldest.done) this.places.delete(oldest.value);
    }
    const entry = { offerId: place.offerId, organizationId: place.organizationId };
    this.places.set(holdId, entry);
    return entry;
  }

  /** An ended hold needs no place any more (a stale one is harmless: the script says missing). */
  forget(holdId: string): void {
    this.places.delete(holdId);
  }
}
