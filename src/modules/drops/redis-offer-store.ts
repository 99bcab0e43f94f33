import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { type DropsRepository, marketShareOf, type OfferRow } from './drops.repository.js';
import { bookedStatuses } from './embedded-offer-store.js';
import type { HoldJournal } from './hold-journal.js';
import type { ClaimRefusal, OfferStatus } from './offer-book.js';
import type {
  CheckoutStart,
  ClosedBook,
  OfferStore,
  Standing,
  StoreClaimOutcome,
  StoreClaimRequest,
  StoreCounts,
  StoreHold,
  WaitlistAnswer,
} from './offer-store.js';
import { type BatchEffects, ClaimBatches } from './redis-claim-batches.js';
import { HoldPlaces } from './redis-hold-places.js';
import {
  loadArgs,
  type OfferKeys,
  offerIndexKey,
  offerKeys,
  optionalArg,
  parseAnswer,
  storeHoldOf,
} from './redis-offer-keys.js';
import { readCounts, readStanding } from './redis-offer-reads.js';
import { type OfferScriptName, offerScripts, runOfferScript } from './redis-offer-scripts.js';

export interface RedisOfferStoreDeps {
  /** Shared with the rest of the process: the store neither opens nor quits it. */
  redis: Redis;
  /** Namespace of every key, such as `mydrop:`. */
  prefix: string;
  repository: DropsRepository;
  journal: HoldJournal;
  clock: Clock;
  logger?: Logger | undefined;
  /** How often expired holds are swept when no claim arrives to sweep them. */
  sweepIntervalMs?: number;
  /**
   * Returns offer units to the catalog: a payment stuck after its process died is aborted
   * by the sweeper, and if its offer closed meanwhile the hold's units leave the offer.
   */
  returnUnsold?: (
    organizationId: string,
    offerId: string,
    units: number,
    market: string | null,
  ) => Promise<void>;
}

/** Ids a script may give to waitlisted shoppers in one call; the next call goes on. */
const spareHoldIds = 8;
/** A closed offer's keys stay this long, for late payments and retried claims. */
const closedOfferTtlSeconds = 7 * 24 * 3600;
/** A payment pinned this long past its hold's deadline lost its process. */
const stuckCheckoutMs = 5 * 60_000;

/** Scripts that may move units answer [answer, org, expired ids, promoted id/hold pairs, extra]. */
type UnitsReply = [string | number, string, string[], string[], unknown?, unknown?];

/**
 * Offers shared by several processes through Redis: each decision is one Lua script
 * (redis-offer-scripts.ts) over the offer's keys, with OfferBook's rules. A hold is
 * acknowledged once the journal made it durable; ended holds and waitlist holds a script
 * reports are journaled here, by the process whose script decided them.
 */
export class RedisOfferStore implements OfferStore {
  readonly kind = 'redis';
  private readonly places: HoldPlaces;
  private readonly settling = new Set<string>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  private readonly batches: ClaimBatches;

  constructor(private readonly deps: RedisOfferStoreDeps) {
    this.places = new HoldPlaces(deps.repository);
    this.batches = new ClaimBatches(
      (offerId, args) => this.run('claims', offerId, args),
      (offerId, effects) => this.settleEffects(offerId, effects),
    );
  }

  async recover(): Promise<void> {
    const offers = await this.deps.repository.listOffersInStatus(bookedStatuses);
    for (const offer of offers) await this.open(offer);
  }

  start(): void {
    this.sweeper = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((error: unknown) => this.deps.logger?.error({ err: error }, 'offer sweep failed'))
        .finally(() => {
          this.sweeping = undefined;
        });
    }, this.deps.sweepIntervalMs ?? 250);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.sweeping;
    await this.deps.journal.drain();
  }

  async open(offer: OfferRow): Promise<void> {
    const keys = this.keysOf(offer.id);
    // Loaded already (by this process or another): the live state wins over the rows. The
    // script checks again, atomically, in case two processes load at once.
    if ((await this.deps.redis.exists(keys.state)) === 0) {
      const [sold, holds, bought, markets] = await Promise.all([
        this.deps.repository.soldUnits(offer.id),
        this.deps.repository.listHolds(offer.id),
        this.deps.repository.unitsBoughtByShopper(offer.id),
        this.deps.repository.listMarketReserves(offer.id),
      ]);
      const now = this.deps.clock.now().getTime();
      const shares = markets.map(marketShareOf);
      const args = [...loadArgs(offer, sold, holds, now, bought, shares), ...spareIds()];
      const reply = await this.moveUnits('load', offer.id, args);
      if (reply) this.settle(offer.id, reply);
    }
    // After the load, so a sweep that found no state and dropped the id cannot drop it again.
    await this.deps.redis.sadd(offerIndexKey(this.deps.prefix), offer.id);
  }

  async setStatus(offer: OfferRow, status: OfferStatus): Promise<void> {
    await this.open(offer);
    await this.run('setStatus', offer.id, [status]);
  }

  async close(offerId: string): Promise<ClosedBook | null> {
    const reply = await this.moveUnits('close', offerId, [closedOfferTtlSeconds]);
    if (!reply) return null;
    this.ended(reply[2], 'released');
    // cjson writes an empty table as {}: no market, nothing per market.
    const unsoldByMarket = JSON.parse(String(reply[4])) as Record<string, number>;
    return { unsold: Number(reply[0]), unsoldByMarket };
  }

  async releaseMarket(offerId: string, market: string): Promise<number | null> {
    const reply = await this.run('releaseMarket', offerId, [market]);
    return reply === null ? null : Number(reply);
  }

  async claim(offerId: string, request: StoreClaimRequest): Promise<StoreClaimOutcome | undefined> {
    const answer = await this.decideClaim(offerId, request);
    // Redis lost the offer (restarted empty, or flushed) while it is still on sale: rebuild it
    // from the database once and decide again, instead of refusing every shopper.
    if (answer === undefined && (await this.reopen(offerId))) {
      return this.decideClaim(offerId, request);
    }
    return answer;
  }

  /**
   * A retry may be answered with a hold another process decided and has not written yet, or
   * never will (it died in between). Whoever answers makes the hold durable first: this
   * process writes the same row from Redis (the first insert wins, the other does nothing).
   */
  private async makeDurable(offerId: string, organizationId: string, holdId: string) {
    if (await this.places.find(holdId)) return;
    const encoded = await this.deps.redis.hget(this.keysOf(offerId).holds, holdId);
    if (!encoded) {
      // The hold ended meanwhile: it was written if anyone was ever told of it.
      await this.places.durable(holdId);
      return;
    }
    await this.deps.journal.created(storeHoldOf(holdId, offerId, organizationId, encoded));
    this.places.remember(holdId, { offerId, organizationId });
  }

  /** Loads a booked offer whose keys are missing; true when it was loaded. */
  private async reopen(offerId: string): Promise<boolean> {
    const offer = await this.deps.repository.findOfferById(offerId);
    if (!offer || !bookedStatuses.includes(offer.status as OfferStatus)) return false;
    await this.open(offer);
    return true;
  }

  private async decideClaim(
    offerId: string,
    request: StoreClaimRequest,
  ): Promise<StoreClaimOutcome | undefined> {
    const decided = await this.batches.decide(offerId, request);
    if (!decided) return undefined;
    const answer = parseAnswer(decided.answer);
    if (!answer.ok) return answer;
    if (decided.replayed) {
      await this.makeDurable(offerId, decided.organizationId, answer.holdId);
      return { ...answer, replay: true };
    }
    const { holdId } = decided;
    const place = { offerId, organizationId: decided.organizationId };
    try {
      await this.deps.journal.created({
        ...place,
        id: holdId,
        shopperId: request.shopperId,
        quantity: request.quantity,
        createdAt: request.now,
        expiresAt: answer.expiresAt,
        idempotencyKey: request.idempotencyKey,
        offerCode: request.offerCode,
        trafficSource: request.trafficSource,
        market: decided.market,
      });
    } catch (error) {
      await this.revoke(offerId, holdId, request.idempotencyKey);
      throw error;
    }
    this.places.remember(holdId, place);
    return { ...answer, replay: false };
  }

  async releaseHold(holdId: string, now: number): Promise<boolean> {
    const place = await this.places.find(holdId);
    if (!place) return false;
    const reply = await this.moveUnits('release', place.offerId, [holdId, now, ...spareIds()]);
    if (!reply) return false;
    this.settle(place.offerId, reply);
    if (reply[0] !== 1) return false;
    this.ended([holdId], 'released');
    return true;
  }

  async joinWaitlist(
    offerId: string,
    shopperId: string,
    quantity: number,
    market: string | null,
  ): Promise<WaitlistAnswer | undefined> {
    const args = [shopperId, quantity, optionalArg(market)];
    const reply = await this.run('joinWaitlist', offerId, args);
    if (reply === null) return undefined;
    if (typeof reply === 'number') return { ok: true, position: reply };
    return { ok: false, code: reply as ClaimRefusal };
  }

  async standing(offerId: string, shopperId: string): Promise<Standing | undefined> {
    const standing = await readStanding(this.deps.redis, this.deps.prefix, offerId, shopperId);
    // A waitlist hold is shown before its write may have committed; the shopper acts on it next.
    if (standing && 'holdId' in standing) await this.places.durable(standing.holdId);
    return standing;
  }

  async hold(holdId: string): Promise<StoreHold | undefined> {
    const place = await this.places.find(holdId);
    if (!place) return undefined;
    const encoded = await this.deps.redis.hget(this.keysOf(place.offerId).holds, holdId);
    return encoded ? storeHoldOf(holdId, place.offerId, place.organizationId, encoded) : undefined;
  }

  async beginCheckout(holdId: string, now: number): Promise<CheckoutStart> {
    // Only a durable hold has a place: one acknowledged here, or one whose row was found.
    const place = await this.places.find(holdId);
    if (!place) return { ok: false, reason: 'missing' };
    const reply = String(await this.run('beginCheckout', place.offerId, [holdId, now]));
    if (reply === 'missing' || reply === 'busy' || reply === 'expired') {
      return { ok: false, reason: reply };
    }
    return { ok: true, hold: storeHoldOf(holdId, place.offerId, place.organizationId, reply) };
  }

  async abortCheckout(holdId: string): Promise<number> {
    const place = await this.places.find(holdId);
    return place ? (await this.abortCheckoutOf(place.offerId, holdId)).leaving : 0;
  }

  async completeSale(holdId: string): Promise<void> {
    const place = await this.places.find(holdId);
    if (place) await this.completeSaleOf(place.offerId, holdId);
  }

  async unsell(
    offerId: string,
    shopperId: string,
    quantity: number,
    restock: boolean,
    now: number,
    market: string | null,
  ): Promise<void> {
    const args = [shopperId, quantity, restock ? 1 : 0, now, optionalArg(market), ...spareIds()];
    const reply = await this.moveUnits('unsell', offerId, args);
    if (reply) this.settle(offerId, reply);
  }

  async counts(offerId: string): Promise<StoreCounts | undefined> {
    return (await this.countsMany([offerId])).get(offerId);
  }

  countsMany(offerIds: readonly string[]): Promise<Map<string, StoreCounts>> {
    return readCounts(this.deps.redis, this.deps.prefix, offerIds);
  }

  /**
   * Expires due holds of every offer and hands their units to waiting shoppers; then settles
   * payments stuck long past their deadline (their process died): the order decides.
   */
  async sweep(): Promise<void> {
    const index = offerIndexKey(this.deps.prefix);
    const now = this.deps.clock.now().getTime();
    const offerIds = await this.deps.redis.smembers(index);
    await Promise.all(
      offerIds.map(async (offerId) => {
        const keys = this.keysOf(offerId);
        const args = [now, now - stuckCheckoutMs, ...spareIds()];
        const reply = await this.moveUnits('sweep', offerId, args);
        if (!reply) {
          // Its keys expired after closing. Back in if an open() loaded it meanwhile.
          await this.deps.redis.srem(index, offerId);
          if ((await this.deps.redis.exists(keys.state)) === 1) {
            await this.deps.redis.sadd(index, offerId);
          }
          return;
        }
        this.settle(offerId, reply);
        for (const holdId of reply[4] as string[]) await this.settleStuckPayment(offerId, holdId);
      }),
    );
  }

  private async settleStuckPayment(offerId: string, holdId: string): Promise<void> {
    if (this.settling.has(holdId)) return;
    this.settling.add(holdId);
    try {
      if (await this.deps.repository.findOrderByHold(holdId)) {
        await this.completeSaleOf(offerId, holdId);
        return;
      }
      const { leaving, market } = await this.abortCheckoutOf(offerId, holdId);
      if (leaving > 0) {
        const place = await this.places.find(holdId);
        const organizationId = place?.organizationId ?? (await this.organizationOf(offerId));
        if (this.deps.returnUnsold && organizationId) {
          await this.deps.returnUnsold(organizationId, offerId, leaving, market);
        } else {
          this.deps.logger?.warn(
            { offerId, holdId, units: leaving },
            'stuck payment of a closed offer aborted: its units left the offer',
          );
        }
      }
    } finally {
      this.settling.delete(holdId);
    }
  }

  private async organizationOf(offerId: string): Promise<string | undefined> {
    return (await this.deps.repository.findOfferById(offerId))?.organizationId;
  }

  private async abortCheckoutOf(
    offerId: string,
    holdId: string,
  ): Promise<{ leaving: number; market: string | null }> {
    const [units, market] = (await this.run('abortCheckout', offerId, [holdId])) as [
      number,
      string,
    ];
    const leaving = Number(units);
    // The hold left a closed offer unpaid: its row ends too.
    if (leaving > 0) this.ended([holdId], 'released');
    return { leaving, market: market === '' ? null : market };
  }

  private async completeSaleOf(offerId: string, holdId: string): Promise<void> {
    await this.run('completeSale', offerId, [holdId]);
    this.places.forget(holdId);
  }

  /** Takes back a hold whose write failed: its units return, its key's answer is forgotten. */
  private async revoke(offerId: string, holdId: string, key: string | null): Promise<void> {
    const args = [holdId, optionalArg(key)];
    await this.run('revoke', offerId, args).catch((error: unknown) => {
      this.deps.logger?.error(
        { err: error, holdId },
        'unwritten hold not revoked; its units return at its deadline',
      );
    });
  }

  /** Journals what a script did besides its answer: holds expired, holds given to the waitlist. */
  private settle(offerId: string, reply: UnitsReply): void {
    const [, organizationId, expired, promoted] = reply;
    this.settleEffects(offerId, { organizationId, expired, promoted });
  }

  /** Journals what a script ended (expired holds) and began (the waitlist's holds). */
  private settleEffects(offerId: string, { organizationId, expired, promoted }: BatchEffects) {
    this.ended(expired, 'expired');
    const place = { offerId, organizationId };
    for (let index = 0; index < promoted.length; index += 2) {
      const id = promoted[index] as string;
      const hold = storeHoldOf(id, offerId, organizationId, promoted[index + 1] as string);
      this.deps.journal.created(hold).then(
        () => this.places.remember(id, place),
        (error: unknown) => {
          this.deps.logger?.error({ err: error, holdId: id }, 'waitlist hold not written');
          return this.revoke(offerId, id, null);
        },
      );
    }
  }

  private ended(holdIds: readonly string[], status: 'expired' | 'released'): void {
    if (holdIds.length === 0) return;
    for (const holdId of holdIds) this.places.forget(holdId);
    this.deps.journal.ended(holdIds, status);
  }

  private keysOf(offerId: string): OfferKeys {
    return offerKeys(this.deps.prefix, offerId);
  }

  /** Runs a script that may move units (its reply has the expired and promoted holds). */
  private moveUnits(
    script: OfferScriptName,
    offerId: string,
    args: ReadonlyArray<string | number>,
  ): Promise<UnitsReply | null> {
    return this.run(script, offerId, args) as Promise<UnitsReply | null>;
  }

  private run(
    script: OfferScriptName,
    offerId: string,
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> {
    return runOfferScript(this.deps.redis, offerScripts[script], this.keysOf(offerId).all, args);
  }
}

function spareIds(): string[] {
  return Array.from({ length: spareHoldIds }, () => randomUUID());
}
