import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { type DropsRepository, marketShareOf, type OfferRow } from './drops.repository.js';
import { bookedStatuses } from './embedded-offer-store.js';
import type { HoldJournal, JournalWaitEnd } from './hold-journal.js';
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
  type JoiningEntry,
  loadArgs,
  type OfferKeys,
  offerIndexKey,
  offerKeys,
  optionalArg,
  parseAnswer,
  type StoredHold,
  storeHoldOf,
} from './redis-offer-keys.js';
import { readCounts, readStanding } from './redis-offer-reads.js';
import { type OfferScriptName, offerScripts, runOfferScript } from './redis-offer-scripts.js';
import { UnknownCodeWarnings } from './unknown-code-warnings.js';

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

/**
 * Scripts that may move units answer [answer, org, expired ids, promoted id/hold pairs, ended
 * waits (entry id/status pairs), extra].
 */
type UnitsReply = [string | number, string, string[], string[], string[], unknown?];

/** The join script's answer when it did not refuse: [kind, 'w:<position>:<id>', joining, org]. */
type JoinReply = ['joined' | 'replay', string, string, string];

/**
 * Offers shared by several processes through Redis: each decision is one Lua script
 * (redis-offer-scripts.ts) over the offer's keys, with OfferBook's rules. A hold is
 * acknowledged once the journal made it durable; ended holds and waitlist holds a script
 * reports are journaled here, by the process whose script decided them. So is the waitlist: a
 * join is acknowledged once its row is committed, and a restart (or a Redis that lost the
 * offer's keys) puts the waiting entries back in line from their rows.
 */
export class RedisOfferStore implements OfferStore {
  readonly kind = 'redis';
  private readonly places: HoldPlaces;
  private readonly settling = new Set<string>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  private readonly batches: ClaimBatches;
  /**
   * Each booked offer's codes, loaded once per process: codes change only before arming, so
   * they never change while the offer takes claims.
   */
  private readonly codesByOffer = new Map<string, Promise<ReadonlySet<string> | undefined>>();
  private readonly unknownCodes: UnknownCodeWarnings;

  constructor(private readonly deps: RedisOfferStoreDeps) {
    this.unknownCodes = new UnknownCodeWarnings(deps.logger);
    this.places = new HoldPlaces(deps.repository);
    this.batches = new ClaimBatches(
      (offerId, args) => this.run('claims', offerId, args),
      (offerId, effects) => this.settleEffects(offerId, effects),
    );
  }

  async recover(): Promise<void> {
    await this.deps.repository.expireWaitingOfEndedOffers(this.deps.clock.now());
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
      const [sold, holds, bought, markets, waiting, answers] = await Promise.all([
        this.deps.repository.soldUnits(offer.id),
        this.deps.repository.listHolds(offer.id),
        this.deps.repository.unitsBoughtByShopper(offer.id),
        this.deps.repository.listMarketReserves(offer.id),
        this.deps.repository.listWaiting(offer.organizationId, offer.id),
        this.deps.repository.listWaitlistAnswers(offer.organizationId, offer.id),
      ]);
      const now = this.deps.clock.now().getTime();
      const shares = markets.map(marketShareOf);
      const waitlist = { waiting, answers };
      const args = [...loadArgs(offer, sold, holds, now, bought, shares, waitlist), ...spareIds()];
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
    this.waitsEnded(reply[1], reply[4]);
    // cjson writes an empty table as {}: no market, nothing per market.
    const unsoldByMarket = JSON.parse(String(reply[5])) as Record<string, number>;
    return { unsold: Number(reply[0]), unsoldByMarket };
  }

  async releaseMarket(offerId: string, market: string): Promise<number | null> {
    const reply = await this.moveUnits('releaseMarket', offerId, [market]);
    if (!reply) return null;
    this.settle(offerId, reply);
    return Number(reply[0]);
  }

  async claim(offerId: string, asked: StoreClaimRequest): Promise<StoreClaimOutcome | undefined> {
    const request = asked.offerCode === null ? asked : await this.attribute(offerId, asked);
    const answer = await this.decideClaim(offerId, request);
    if (answer?.ok && !answer.replay && asked.offerCode !== null && request.offerCode === null) {
      this.unknownCodes.note(offerId, asked.offerCode, asked.now);
    }
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

  /**
   * The claim with its code kept only when it is one of the offer's own (as OfferBook's
   * attributedCode): a wrong code never refuses a claim, it only goes unrecorded.
   */
  private async attribute(offerId: string, request: StoreClaimRequest) {
    let codes = this.codesByOffer.get(offerId);
    if (codes === undefined) {
      codes = this.loadCodes(offerId);
      this.codesByOffer.set(offerId, codes);
      // Not kept for an offer without a book yet: its codes may still change.
      const forget = () => this.codesByOffer.delete(offerId);
      codes.then((found) => found ?? forget(), forget);
    }
    const known = await codes;
    if (known === undefined || known.has(request.offerCode ?? '')) return request;
    return { ...request, offerCode: null };
  }

  private async loadCodes(offerId: string): Promise<ReadonlySet<string> | undefined> {
    const offer = await this.deps.repository.findOfferById(offerId);
    const booked =
      offer && (offer.status === 'closed' || bookedStatuses.includes(offer.status as OfferStatus));
    if (!offer || !booked) return undefined;
    const rows = await this.deps.repository.listCodes(offer.organizationId, [offer.id]);
    return new Set(rows.map((row) => row.code));
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
    idempotencyKey: string | null = null,
  ): Promise<WaitlistAnswer | undefined> {
    const now = this.deps.clock.now().getTime();
    const entryId = randomUUID();
    const key = optionalArg(idempotencyKey);
    const args = [shopperId, quantity, optionalArg(market), key, entryId, now];
    let reply = await this.run('joinWaitlist', offerId, args);
    // Redis lost the offer while it is on sale: rebuild it (its line too) and decide again.
    if (reply === null && (await this.reopen(offerId))) {
      reply = await this.run('joinWaitlist', offerId, args);
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
      const ending = String(await this.run('joinWritten', offerId, [entryId]));
      if (ending !== '') this.deps.journal.waitsEnded([waitEndOf(entryId, organizationId, ending)]);
    } catch (error) {
      // The row is durable: the join stands. Only an early end may be left unwritten.
      this.deps.logger?.warn({ err: error, entryId }, 'written join not confirmed to Redis');
    }
  }

  /** Takes back a join whose row was not written, with a hold it got meanwhile. */
  private async unjoin(offerId: string, entryId: string, key: string | null): Promise<void> {
    try {
      const ending = String(await this.run('unjoin', offerId, [entryId, optionalArg(key)]));
      if (!ending.startsWith('served:')) return;
      const holdId = ending.slice('served:'.length);
      await this.revoke(offerId, holdId, null);
      this.ended([holdId], 'released');
    } catch (error) {
      this.deps.logger?.error({ err: error, entryId }, 'unwritten join not taken back');
    }
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
        for (const holdId of reply[5] as string[]) await this.settleStuckPayment(offerId, holdId);
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

  /**
   * Journals what a script did besides its answer: holds expired, holds given to the waitlist,
   * waits ended.
   */
  private settle(offerId: string, reply: UnitsReply): void {
    const [, organizationId, expired, promoted, waitEnds] = reply;
    this.settleEffects(offerId, { organizationId, expired, promoted, waitEnds });
  }

  /**
   * Journals what a script ended (expired holds, waits) and began (the waitlist's holds, each
   * written with the end of the wait it served).
   */
  private settleEffects(
    offerId: string,
    { organizationId, expired, promoted, waitEnds }: BatchEffects,
  ) {
    this.ended(expired, 'expired');
    this.waitsEnded(organizationId, waitEnds);
    const place = { offerId, organizationId };
    for (let index = 0; index < promoted.length; index += 2) {
      const id = promoted[index] as string;
      const encoded = promoted[index + 1] as string;
      const hold = storeHoldOf(id, offerId, organizationId, encoded);
      const entryId = (JSON.parse(encoded) as StoredHold).w ?? null;
      this.deps.journal.created(hold, entryId).then(
        () => this.places.remember(id, place),
        (error: unknown) => {
          this.deps.logger?.error({ err: error, holdId: id }, 'waitlist hold not written');
          return this.revoke(offerId, id, null);
        },
      );
    }
  }

  /** Journals waits a script ended without a hold: pairs of entry id and status. */
  private waitsEnded(organizationId: string, pairs: readonly string[] | undefined): void {
    if (!pairs || pairs.length === 0) return;
    const ends: JournalWaitEnd[] = [];
    for (let index = 0; index < pairs.length; index += 2) {
      ends.push(waitEndOf(pairs[index] as string, organizationId, pairs[index + 1] as string));
    }
    this.deps.journal.waitsEnded(ends);
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

/** A wait's end as the scripts note it: 'served:<hold id>', 'left' or 'expired'. */
function waitEndOf(id: string, organizationId: string, ending: string): JournalWaitEnd {
  if (ending.startsWith('served:')) {
    return { id, organizationId, status: 'served', holdId: ending.slice('served:'.length) };
  }
  return { id, organizationId, status: ending === 'left' ? 'left' : 'expired' };
}

function spareIds(): string[] {
  return Array.from({ length: spareHoldIds }, () => randomUUID());
}
