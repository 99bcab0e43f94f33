import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { bookedStatuses, readBookRows } from './book-rows.js';
import type { HoldJournal } from './hold-journal.js';
import type { HoldsRepository } from './holds.repository.js';
import type { OfferStatus } from './offer-book.types.js';
import { marketShareOf, type OfferStockRepository } from './offer-stock.repository.js';
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
import type { OfferRow, OffersRepository } from './offers.repository.js';
import type { OrdersRepository } from './orders.repository.js';
import { RedisClaims } from './redis-claims.js';
import { HoldCheckouts } from './redis-hold-checkouts.js';
import { HoldPlaces } from './redis-hold-places.js';
import {
  loadArgs,
  type OfferKeys,
  offerIndexKey,
  offerKeys,
  optionalArg,
  storeHoldOf,
} from './redis-offer-keys.js';
import { readCounts, readStanding } from './redis-offer-reads.js';
import {
  type OfferScriptName,
  offerScripts,
  type RunOfferScript,
  runOfferScript,
} from './redis-offer-scripts.js';
import { ScriptEffects, type UnitsReply } from './redis-script-effects.js';
import { WaitlistJoins } from './redis-waitlist-joins.js';
import type { WaitlistRepository } from './waitlist.repository.js';

export interface RedisOfferStoreDeps {
  /** Shared with the rest of the process: the store neither opens nor quits it. */
  redis: Redis;
  /** Namespace of every key, such as `mydrop:`. */
  prefix: string;
  /** An offer's keys are rebuilt from the rows of the first four (book-rows.ts). */
  offers: OffersRepository;
  holds: HoldsRepository;
  stock: OfferStockRepository;
  waitlist: WaitlistRepository;
  /** Decides a payment its process left pinned: an order means the hold sold. */
  orders: OrdersRepository;
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

/**
 * Offers shared by several processes through Redis: each decision is one Lua script
 * (redis-offer-scripts.ts) over the offer's keys, with OfferBook's rules. A hold is
 * acknowledged once the journal made it durable; ended holds and waitlist holds a script
 * reports are journaled by the process whose script decided them (ScriptEffects). So is the
 * waitlist: a join is acknowledged once its row is committed, and a restart (or a Redis that
 * lost the offer's keys) puts the waiting entries back in line from their rows.
 *
 * Claims (RedisClaims), joins (WaitlistJoins) and payments (HoldCheckouts) each have their own
 * part; this class opens, sweeps and closes offers and hands every other call to its part.
 */
export class RedisOfferStore implements OfferStore {
  readonly kind = 'redis';
  private readonly places: HoldPlaces;
  private readonly effects: ScriptEffects;
  private readonly claims: RedisClaims;
  private readonly joins: WaitlistJoins;
  private readonly checkouts: HoldCheckouts;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private readonly run: RunOfferScript = (script, offerId, args) =>
    runOfferScript(this.deps.redis, offerScripts[script], this.keysOf(offerId).all, args);

  constructor(private readonly deps: RedisOfferStoreDeps) {
    this.places = new HoldPlaces(deps.holds);
    this.effects = new ScriptEffects({ ...deps, places: this.places, run: this.run });
    // Each part takes what it uses of these.
    const parts = {
      ...deps,
      run: this.run,
      places: this.places,
      effects: this.effects,
      reopen: (offerId: string) => this.reopen(offerId),
    };
    this.claims = new RedisClaims(parts);
    this.joins = new WaitlistJoins(parts);
    this.checkouts = new HoldCheckouts(parts);
  }

  async recover(): Promise<void> {
    await this.deps.waitlist.expireWaitingOfEndedOffers(this.deps.clock.now());
    const offers = await this.deps.offers.listOffersInStatus(bookedStatuses);
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
      const { sold, holds, bought, markets, waiting, waitAnswers } = await readBookRows(
        this.deps,
        offer,
      );
      const now = this.deps.clock.now().getTime();
      const shares = markets.map(marketShareOf);
      const waitlist = { waiting, answers: waitAnswers };
      const args = [...loadArgs(offer, sold, holds, now, bought, shares, waitlist), ...spareIds()];
      const reply = await this.moveUnits('load', offer.id, args);
      if (reply) this.effects.settle(offer.id, reply);
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
    this.effects.ended(reply[2], 'released');
    this.effects.waitsEnded(reply[1], reply[4]);
    // cjson writes an empty table as {}: no market, nothing per market.
    const unsoldByMarket = JSON.parse(String(reply[5])) as Record<string, number>;
    return { unsold: Number(reply[0]), unsoldByMarket };
  }

  async releaseMarket(offerId: string, market: string): Promise<number | null> {
    const reply = await this.moveUnits('releaseMarket', offerId, [market]);
    if (!reply) return null;
    this.effects.settle(offerId, reply);
    return Number(reply[0]);
  }

  claim(offerId: string, request: StoreClaimRequest): Promise<StoreClaimOutcome | undefined> {
    return this.claims.claim(offerId, request);
  }

  /** Loads a booked offer whose keys are missing; true when it was loaded. */
  private async reopen(offerId: string): Promise<boolean> {
    const offer = await this.deps.offers.findOfferById(offerId);
    if (!offer || !bookedStatuses.includes(offer.status as OfferStatus)) return false;
    await this.open(offer);
    return true;
  }

  async releaseHold(holdId: string, now: number): Promise<boolean> {
    const place = await this.places.find(holdId);
    if (!place) return false;
    const reply = await this.moveUnits('release', place.offerId, [holdId, now, ...spareIds()]);
    if (!reply) return false;
    this.effects.settle(place.offerId, reply);
    if (reply[0] !== 1) return false;
    this.effects.ended([holdId], 'released');
    return true;
  }

  joinWaitlist(
    offerId: string,
    shopperId: string,
    quantity: number,
    market: string | null,
    idempotencyKey: string | null = null,
  ): Promise<WaitlistAnswer | undefined> {
    return this.joins.join(offerId, shopperId, quantity, market, idempotencyKey);
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

  beginCheckout(holdId: string, now: number): Promise<CheckoutStart> {
    return this.checkouts.begin(holdId, now);
  }

  abortCheckout(holdId: string): Promise<number> {
    return this.checkouts.abort(holdId);
  }

  completeSale(holdId: string): Promise<void> {
    return this.checkouts.complete(holdId);
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
    if (reply) this.effects.settle(offerId, reply);
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
        this.effects.settle(offerId, reply);
        for (const holdId of reply[5] as string[])
          await this.checkouts.settleStuck(offerId, holdId);
      }),
    );
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
}

function spareIds(): string[] {
  return Array.from({ length: spareHoldIds }, () => randomUUID());
}
