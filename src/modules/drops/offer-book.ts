import { randomUUID } from 'node:crypto';
import { hashKey, KeyTable } from '../../lib/key-table.js';
import {
  closePools,
  type MarketPool,
  marketCountsOf,
  poolAvailable,
  poolsOf,
  releasePool,
} from './market-pools.js';
import { MinHeap } from './min-heap.js';
import type {
  BookCounts,
  BookHold,
  BookSettings,
  ClaimOutcome,
  ClaimRefusal,
  ClaimRequest,
  HoldWriter,
  MarketCounts,
  OfferStatus,
  WaitAnswer,
  WaitingEntry,
  WaitlistEnd,
} from './offer-book.types.js';
import { OfferWaitlist } from './offer-waitlist.js';

// Services and the repository name these by this file (their own imports are theirs to move).
export type { ClaimRefusal, MarketShare, OfferStatus } from './offer-book.types.js';

const settled = Promise.resolve();

/**
 * How long a refusal is kept for a retry with the same idempotency key: at least this long
 * after it was given (between one and two windows; Stripe keeps its keys 24 hours too). Holds'
 * answers are kept as long as the book, as their rows keep the key in the database. Refusals
 * are one per shopper: without a bound, a month-long offer would keep every viewer's.
 */
export const answerWindowMs = 24 * 3_600_000;

// Refusals are the common answer in a drop (thousands of shoppers, hundreds of units): they
// are shared constants so the hot path allocates nothing for them.
const refusals: Record<ClaimRefusal, ClaimOutcome> = {
  sold_out: Object.freeze({ ok: false, code: 'sold_out' }),
  paused: Object.freeze({ ok: false, code: 'paused' }),
  closed: Object.freeze({ ok: false, code: 'closed' }),
  limit_reached: Object.freeze({ ok: false, code: 'limit_reached' }),
  not_live: Object.freeze({ ok: false, code: 'not_live' }),
  not_in_market: Object.freeze({ ok: false, code: 'not_in_market' }),
};
const noneExpired: readonly BookHold[] = Object.freeze([]);

/**
 * The live state of one offer's reserved units, decided synchronously: no await happens
 * between reading the counts and changing them, so on one event loop no two claims can
 * both take the last unit. Counts are in offer units (one unit = one bundle: every component
 * times its quantity), so a bundle takes all of its components or none.
 *
 * Invariant, after every operation: reserved = available + held + sold, none negative.
 *
 * Everything a claim reads or changes is a field of this class (or of a market's pool record),
 * read with nothing in between; the operations that change those same counts stay beside it.
 * The waitlist (OfferWaitlist) and the pools' setup and reports (market-pools.ts) live apart:
 * a claim reaches the line only when units come back.
 */
export class OfferBook {
  readonly offerId: string;
  readonly organizationId: string;
  status: OfferStatus;
  perBuyerLimit: number | null;
  holdTtlMs: number;
  opensAt: number | null;
  closesAt: number | null;
  private reservedUnits: number;
  private heldUnits = 0;
  private soldUnits: number;
  private readonly holds = new Map<string, BookHold>();
  private readonly unitsByShopper = new Map<string, number>();
  private readonly expiries = new MinHeap<string>();
  /** First answers that made a hold, by idempotency key. */
  private readonly answers = new KeyTable<ClaimOutcome>();
  /**
   * First answers that were refusals: this window's and the previous window's. A drop's
   * crowd puts hundreds of thousands of keys here (see KeyTable for why it is not a Map).
   */
  private refused = new KeyTable<ClaimOutcome>();
  private refusedBefore = new KeyTable<ClaimOutcome>();
  /** When the refusals next move a window on; the first decision or sweep starts the clock. */
  private forgetRefusalsAt = Number.NEGATIVE_INFINITY;
  private readonly waitlist = new OfferWaitlist();
  /**
   * Per-market reserves: each market's units are claimed by its own shoppers only. The
   * offer's totals above stay the sums of its pools. Null when the offer is not split.
   */
  private readonly pools: Map<string, MarketPool> | null;
  /** Looked up on every hold made: a set built once, when the book loads. */
  private readonly offerCodes: ReadonlySet<string>;

  constructor(settings: BookSettings) {
    this.offerId = settings.offerId;
    this.organizationId = settings.organizationId;
    this.status = settings.status;
    this.reservedUnits = settings.reserved;
    this.soldUnits = settings.sold;
    this.perBuyerLimit = settings.perBuyerLimit;
    this.holdTtlMs = settings.holdTtlMs;
    this.opensAt = settings.opensAt ?? null;
    this.closesAt = settings.closesAt ?? null;
    this.pools = poolsOf(settings.markets);
    this.offerCodes = new Set(settings.offerCodes ?? []);
  }

  /**
   * The claim's code when it is one of the offer's own, else null: a code the offer does not
   * have (a misconfigured link or overlay) is never a refusal, so it cannot lose a drop, but
   * it is not recorded as attribution either.
   */
  attributedCode(code: string | null | undefined): string | null {
    return code != null && this.offerCodes.has(code) ? code : null;
  }

  /** Whether the reserve is split by market. */
  get splitByMarket(): boolean {
    return this.pools !== null;
  }

  /** Each market's counts (split offers only), in offer units, by market code. */
  marketCounts(): MarketCounts[] {
    return this.pools === null ? [] : marketCountsOf(this.pools);
  }

  /**
   * Whether a shopper of `market` may wait or claim here: any market when the offer is not
   * split, else one with a reserve.
   */
  servesMarket(market: string | null | undefined): boolean {
    return this.pools === null || (market != null && this.pools.has(market));
  }

  counts(): BookCounts {
    return {
      reserved: this.reservedUnits,
      available: this.reservedUnits - this.heldUnits - this.soldUnits,
      held: this.heldUnits,
      sold: this.soldUnits,
    };
  }

  get available(): number {
    return this.reservedUnits - this.heldUnits - this.soldUnits;
  }

  /** Whether `quantity` units are free for a shopper of `market` (its own reserve, if split). */
  hasUnitsFor(market: string | null, quantity: number): boolean {
    if (this.available < quantity) return false;
    if (this.pools === null) return true;
    const pool = this.poolOf(market);
    return pool !== undefined && !pool.released && poolAvailable(pool) >= quantity;
  }

  getHold(holdId: string): BookHold | undefined {
    return this.holds.get(holdId);
  }

  unitsOf(shopperId: string): number {
    return this.unitsByShopper.get(shopperId) ?? 0;
  }

  /** Whether `quantity` more units would take the shopper past the per-buyer limit. */
  overLimit(shopperId: string, quantity: number): boolean {
    return this.perBuyerLimit !== null && this.unitsOf(shopperId) + quantity > this.perBuyerLimit;
  }

  /**
   * Decides a claim. Expired holds are returned first, so units come back at the deadline
   * even between sweeps. A repeated idempotency key gets the first answer.
   */
  claim(request: ClaimRequest, onCreate: HoldWriter): ClaimOutcome {
    if (request.now >= this.forgetRefusalsAt) this.moveRefusalsOn(request.now);
    const key = request.idempotencyKey;
    // The key is hashed once for every table it is looked up in or added to.
    const hash = key === null ? 0 : hashKey(key);
    if (key !== null) {
      const first = this.firstAnswer(key, hash);
      if (first) return first.ok ? { ok: true, hold: first.hold, replay: true } : first;
    }
    // Shoppers already waiting get released units before a newcomer: first come, first served.
    const expired = this.expireDue(request.now);
    this.afterRelease(expired.length > 0, request.now);
    const outcome = this.decide(request, onCreate);
    // A hold's answer was kept by addHold.
    if (key !== null && !outcome.ok) this.refused.set(key, hash, outcome);
    return outcome;
  }

  private firstAnswer(key: string, hash: number): ClaimOutcome | undefined {
    const first = this.answers.get(key, hash) ?? this.refused.get(key, hash);
    if (first !== undefined || this.refusedBefore.size === 0) return first;
    return this.refusedBefore.get(key, hash);
  }

  /** The previous window's refusals are forgotten; this window's become the previous ones. */
  private moveRefusalsOn(now: number): void {
    // A closed offer's book leaves memory within the hour (and its Redis keys expire).
    if (this.status === 'closed') return;
    const started = this.forgetRefusalsAt !== Number.NEGATIVE_INFINITY;
    this.forgetRefusalsAt = now + answerWindowMs;
    if (!started) return;
    this.refusedBefore.release();
    this.refusedBefore = this.refused;
    this.refused = new KeyTable();
  }

  private decide(request: ClaimRequest, onCreate: HoldWriter): ClaimOutcome {
    if (this.status === 'closed') return refusals.closed;
    if (this.status === 'paused') return refusals.paused;
    if (this.status !== 'live') return refusals.not_live;
    if (this.closesAt !== null && request.now >= this.closesAt) return refusals.closed;
    if (this.opensAt !== null && request.now < this.opensAt) return refusals.not_live;
    const market = this.pools === null ? null : (request.market ?? null);
    const pool = market === null ? undefined : this.pools?.get(market);
    if (this.pools !== null && pool === undefined) return refusals.not_in_market;
    if (this.available < request.quantity) return refusals.sold_out;
    if (pool !== undefined && (pool.released || poolAvailable(pool) < request.quantity)) {
      return refusals.sold_out;
    }
    // Sold out comes first: the shopper's units are looked up only when units are left.
    if (this.overLimit(request.shopperId, request.quantity)) return refusals.limit_reached;
    const hold = this.addHold({
      id: request.holdId ?? randomUUID(),
      shopperId: request.shopperId,
      quantity: request.quantity,
      createdAt: request.now,
      expiresAt: request.now + this.holdTtlMs,
      state: 'held',
      idempotencyKey: request.idempotencyKey,
      offerCode: this.attributedCode(request.offerCode),
      trafficSource: request.trafficSource ?? null,
      market,
      durable: settled,
    });
    hold.durable = onCreate(hold, this);
    return { ok: true, hold, replay: false };
  }

  /** Puts a hold back into the book: on creation, and when recovering after a restart. */
  addHold(hold: BookHold): BookHold {
    this.holds.set(hold.id, hold);
    this.heldUnits += hold.quantity;
    const pool = this.poolOf(hold.market);
    if (pool) pool.held += hold.quantity;
    this.unitsByShopper.set(hold.shopperId, this.unitsOf(hold.shopperId) + hold.quantity);
    this.expiries.push(hold.expiresAt, hold.id);
    this.rememberAnswer(hold);
    return hold;
  }

  /** After a restart: units a shopper bought count toward the per-buyer limit. */
  restoreBought(shopperId: string, units: number): void {
    this.unitsByShopper.set(shopperId, this.unitsOf(shopperId) + units);
  }

  /** Undoes a claim whose write failed, so an unacknowledged hold does not keep units. */
  revokeHold(holdId: string): void {
    const hold = this.holds.get(holdId);
    if (!hold) return;
    this.dropHold(hold, true);
    const key = hold.idempotencyKey;
    if (key !== null) this.answers.delete(key, hashKey(key));
  }

  /**
   * The book is let go (closed, nothing in flight): its answers' memory goes to the books to
   * come, so the next drop's crowd does not wait on fresh pages from the operating system.
   */
  releaseAnswers(): void {
    this.answers.release();
    this.refused.release();
    this.refusedBefore.release();
  }

  /** Returns every hold whose deadline has passed; they leave the book at once. */
  expireDue(now: number): readonly BookHold[] {
    // Most claims find nothing due: answer without allocating.
    if (this.expiries.size === 0 || (this.expiries.peekKey() as number) > now) return noneExpired;
    const expired: BookHold[] = [];
    while (this.expiries.size > 0 && (this.expiries.peekKey() as number) <= now) {
      const hold = this.holds.get(this.expiries.pop() as string);
      if (hold?.state !== 'held' || hold.expiresAt > now) continue;
      this.dropHold(hold, true);
      expired.push(hold);
    }
    return expired;
  }

  /** Expires due holds and hands their units to the waitlist; answers the expired holds. */
  sweep(now: number): readonly BookHold[] {
    if (now >= this.forgetRefusalsAt) this.moveRefusalsOn(now);
    const expired = this.expireDue(now);
    this.afterRelease(expired.length > 0, now);
    return expired;
  }

  /**
   * Remembers the answer given to an idempotency key whose hold has ended (recovery after a
   * restart), so a late retry gets it again instead of a second hold.
   */
  rememberAnswer(hold: BookHold): void {
    const key = hold.idempotencyKey;
    if (key !== null) this.answers.set(key, hashKey(key), { ok: true, hold, replay: false });
  }

  /** Pins a hold for payment. Answers false when it is gone or past its deadline. */
  beginCheckout(holdId: string, now: number): boolean {
    const hold = this.holds.get(holdId);
    if (hold?.state !== 'held' || hold.expiresAt <= now) return false;
    hold.state = 'checking_out';
    return true;
  }

  /**
   * Payment failed: the hold stays until its own deadline. If the offer closed meanwhile the
   * units leave the offer; the answer is how many must go back to the catalog.
   */
  abortCheckout(holdId: string): number {
    const hold = this.holds.get(holdId);
    if (hold?.state !== 'checking_out') return 0;
    if (this.status === 'closed') {
      this.dropHold(hold, true);
      this.reservedUnits -= hold.quantity;
      const pool = this.poolOf(hold.market);
      if (pool) pool.reserved -= hold.quantity;
      return hold.quantity;
    }
    hold.state = 'held';
    this.expiries.push(hold.expiresAt, hold.id);
    return 0;
  }

  /** The order is durable: the held units are sold. */
  completeSale(holdId: string): void {
    const hold = this.holds.get(holdId);
    if (!hold) return;
    this.holds.delete(holdId);
    this.heldUnits -= hold.quantity;
    this.soldUnits += hold.quantity;
    const pool = this.poolOf(hold.market);
    if (pool) {
      pool.held -= hold.quantity;
      pool.sold += hold.quantity;
    }
  }

  /** A shopper gives a hold back before it expires. */
  releaseHold(holdId: string, now: number): BookHold | undefined {
    const hold = this.holds.get(holdId);
    if (hold?.state !== 'held') return undefined;
    this.dropHold(hold, true);
    this.afterRelease(true, now);
    return hold;
  }

  /** A sold order was cancelled or returned; restocked units are available again. */
  unsell(
    shopperId: string,
    quantity: number,
    restock: boolean,
    now: number,
    market: string | null = null,
  ): void {
    this.soldUnits -= quantity;
    this.unitsByShopper.set(shopperId, Math.max(0, this.unitsOf(shopperId) - quantity));
    if (!restock) this.reservedUnits -= quantity;
    const pool = this.poolOf(market);
    if (pool) {
      pool.sold -= quantity;
      if (!restock) pool.reserved -= quantity;
    }
    this.afterRelease(restock, now);
  }

  /**
   * A market's reserve reached its TTL: its unused units leave the offer (the caller returns
   * them to the catalog) and its shoppers get no more units; its waiting shoppers leave the
   * line. Units its open holds give back later leave at the next call. Answers the units.
   */
  releaseMarket(market: string): number {
    const pool = this.pools?.get(market);
    if (!pool) return 0;
    const unused = releasePool(pool);
    this.reservedUnits -= unused;
    this.waitlist.endMarket(market);
    return unused;
  }

  /**
   * Joins the queue for units released later (of the shopper's market, when split); answers
   * the place in line. The store uses addWaiting, to write the entry before answering.
   */
  joinWaitlist(shopperId: string, quantity: number, market: string | null = null, now = 0): number {
    return this.addWaiting({
      id: randomUUID(),
      shopperId,
      quantity,
      market,
      order: this.waitlist.nextWaitingOrder,
      joinedAt: now,
    });
  }

  /** The `order` of the next shopper to join: after everyone in line, restored ones too. */
  get nextWaitingOrder(): number {
    return this.waitlist.nextWaitingOrder;
  }

  /**
   * Puts an entry at the end of the line, on a join and when recovering (in `order`); answers
   * its place in line, 1 for the first.
   */
  addWaiting(entry: WaitingEntry): number {
    if (this.pools === null) entry.market = null;
    return this.waitlist.add(entry);
  }

  /** Whether waiting may still bring a shopper of `market` units (its reserve is not released). */
  acceptsWaiting(market: string | null): boolean {
    if (this.pools === null) return true;
    const pool = market === null ? undefined : this.pools.get(market);
    return pool !== undefined && !pool.released;
  }

  /**
   * Takes back a join whose write failed. Answers false when the entry is no longer in line
   * (it was served meanwhile: the caller takes back its hold too).
   */
  removeWaiting(entryId: string): boolean {
    return this.waitlist.remove(entryId);
  }

  /** The first answer to a join with this Idempotency-Key, if one was given. */
  waitAnswerOf(key: string): WaitAnswer | undefined {
    return this.waitlist.answerOf(key);
  }

  /** Remembers a keyed join's answer: when it is decided, and when recovering from its row. */
  rememberWaitAnswer(key: string, answer: WaitAnswer): void {
    this.waitlist.rememberAnswer(key, answer);
  }

  /** Forgets the key's answer if it names the entry (a join whose write failed). */
  forgetWaitAnswer(key: string, entryId: string): void {
    this.waitlist.forgetAnswer(key, entryId);
  }

  /** Waits that ended since the last call, in the order they ended, to be persisted. */
  takeWaitlistEnds(): WaitlistEnd[] {
    return this.waitlist.takeEnds();
  }

  /** Holds created for waitlisted shoppers since the last call, to be persisted. */
  takePromotedHolds(): BookHold[] {
    return this.waitlist.takePromoted();
  }

  /** Units came back: while the offer is live, the waitlist gets them before a newcomer. */
  private afterRelease(released: boolean, now: number): void {
    if (released && this.status === 'live') this.waitlist.serve(this, now);
  }

  private poolOf(market: string | null): MarketPool | undefined {
    return market === null || this.pools === null ? undefined : this.pools.get(market);
  }

  private dropHold(hold: BookHold, returnUnits: boolean): void {
    this.holds.delete(hold.id);
    if (!returnUnits) return;
    const pool = this.poolOf(hold.market);
    if (pool) pool.held -= hold.quantity;
    this.heldUnits -= hold.quantity;
    this.unitsByShopper.set(
      hold.shopperId,
      Math.max(0, this.unitsOf(hold.shopperId) - hold.quantity),
    );
  }

  /**
   * Closing: open holds end and unsold units leave the offer (back to the catalog's stock).
   * Holds whose payment is in flight stay until it settles. Answers the units that left.
   */
  close(): { unsold: number; released: BookHold[]; unsoldByMarket: Record<string, number> } {
    this.status = 'closed';
    const released: BookHold[] = [];
    for (const hold of [...this.holds.values()]) {
      if (hold.state !== 'held') continue;
      this.dropHold(hold, true);
      released.push(hold);
    }
    const unsold = this.reservedUnits - this.soldUnits - this.heldUnits;
    this.reservedUnits -= unsold;
    const unsoldByMarket = closePools(this.pools);
    this.waitlist.endAll();
    return { unsold, released, unsoldByMarket };
  }

  /**
   * Where a shopper stands: their open hold (for instance one the waitlist just gave them),
   * else their place in the waitlist, else nothing.
   */
  standingOf(shopperId: string): { hold: BookHold } | { position: number } | undefined {
    for (const hold of this.holds.values()) if (hold.shopperId === shopperId) return { hold };
    const position = this.waitlist.positionOf(shopperId);
    return position === undefined ? undefined : { position };
  }

  get waitlistLength(): number {
    return this.waitlist.length;
  }

  /** Holds still open (held or being paid for). */
  get openHolds(): number {
    return this.holds.size;
  }
}
