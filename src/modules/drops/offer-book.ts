import { randomUUID } from 'node:crypto';
import { MinHeap } from './min-heap.js';

/**
 * The live state of one offer's reserved units, decided synchronously: no await happens
 * between reading the counts and changing them, so on one event loop no two claims can
 * both take the last unit. Counts are in offer units (one unit = one bundle: every component
 * times its quantity), so a bundle takes all of its components or none.
 *
 * Invariant, after every operation: reserved = available + held + sold, none negative.
 */
export type OfferStatus = 'draft' | 'approved' | 'armed' | 'live' | 'paused' | 'closed';

export type ClaimRefusal = 'sold_out' | 'paused' | 'closed' | 'limit_reached' | 'not_live';

export interface BookHold {
  id: string;
  shopperId: string;
  quantity: number;
  createdAt: number;
  expiresAt: number;
  /** `checking_out` pins a hold while its payment is in flight: it cannot expire then. */
  state: 'held' | 'checking_out';
  idempotencyKey: string | null;
  offerCode: string | null;
  trafficSource: string | null;
  /** Resolves once the hold is durable; an answer waits for it. */
  durable: Promise<void>;
}

export type ClaimOutcome =
  | { ok: true; hold: BookHold; replay: boolean }
  | { ok: false; code: ClaimRefusal };

export interface ClaimRequest {
  /** The new hold's id; generated only when a hold is actually created. */
  holdId?: string;
  shopperId: string;
  quantity: number;
  idempotencyKey: string | null;
  offerCode?: string | null;
  trafficSource?: string | null;
  now: number;
}

export interface BookSettings {
  offerId: string;
  organizationId: string;
  status: OfferStatus;
  reserved: number;
  sold: number;
  perBuyerLimit: number | null;
  holdTtlMs: number;
  /** A time-limited offer's window, in epoch milliseconds; null when open-ended. */
  opensAt?: number | null;
  closesAt?: number | null;
}

export interface BookCounts {
  reserved: number;
  available: number;
  held: number;
  sold: number;
}

const settled = Promise.resolve();

// Refusals are the common answer in a drop (thousands of shoppers, hundreds of units): they
// are shared constants so the hot path allocates nothing for them.
const refusals: Record<ClaimRefusal, ClaimOutcome> = {
  sold_out: Object.freeze({ ok: false, code: 'sold_out' }),
  paused: Object.freeze({ ok: false, code: 'paused' }),
  closed: Object.freeze({ ok: false, code: 'closed' }),
  limit_reached: Object.freeze({ ok: false, code: 'limit_reached' }),
  not_live: Object.freeze({ ok: false, code: 'not_live' }),
};
const nothingPromoted: BookHold[] = [];

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
  private readonly answers = new Map<string, ClaimOutcome>();
  private readonly waitlist: Array<{ shopperId: string; quantity: number }> = [];

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

  getHold(holdId: string): BookHold | undefined {
    return this.holds.get(holdId);
  }

  unitsOf(shopperId: string): number {
    return this.unitsByShopper.get(shopperId) ?? 0;
  }

  /**
   * Decides a claim. Expired holds are returned first, so units come back at the deadline
   * even between sweeps. A repeated idempotency key gets the first answer.
   */
  claim(request: ClaimRequest, onCreate: (hold: BookHold) => Promise<void>): ClaimOutcome {
    const key = request.idempotencyKey;
    if (key !== null) {
      const first = this.answers.get(key);
      if (first) return first.ok ? { ...first, replay: true } : first;
    }
    // Shoppers already waiting get released units before a newcomer: first come, first served.
    const expired = this.expireDue(request.now);
    this.afterRelease(expired.length > 0, request.now);
    const outcome = this.decide(request, onCreate);
    if (key !== null) this.answers.set(key, outcome);
    return outcome;
  }

  private decide(request: ClaimRequest, onCreate: (hold: BookHold) => Promise<void>): ClaimOutcome {
    if (this.status === 'closed') return refusals.closed;
    if (this.status === 'paused') return refusals.paused;
    if (this.status !== 'live') return refusals.not_live;
    if (this.closesAt !== null && request.now >= this.closesAt) return refusals.closed;
    if (this.opensAt !== null && request.now < this.opensAt) return refusals.not_live;
    const owned = this.unitsOf(request.shopperId);
    if (this.perBuyerLimit !== null && owned + request.quantity > this.perBuyerLimit) {
      return refusals.limit_reached;
    }
    if (this.available < request.quantity) return refusals.sold_out;
    const hold = this.addHold({
      id: request.holdId ?? randomUUID(),
      shopperId: request.shopperId,
      quantity: request.quantity,
      createdAt: request.now,
      expiresAt: request.now + this.holdTtlMs,
      state: 'held',
      idempotencyKey: request.idempotencyKey,
      offerCode: request.offerCode ?? null,
      trafficSource: request.trafficSource ?? null,
      durable: settled,
    });
    hold.durable = onCreate(hold);
    return { ok: true, hold, replay: false };
  }

  /** Puts a hold back into the book: on creation, and when recovering after a restart. */
  addHold(hold: BookHold): BookHold {
    this.holds.set(hold.id, hold);
    this.heldUnits += hold.quantity;
    this.unitsByShopper.set(hold.shopperId, this.unitsOf(hold.shopperId) + hold.quantity);
    this.expiries.push(hold.expiresAt, hold.id);
    if (hold.idempotencyKey !== null) {
      this.answers.set(hold.idempotencyKey, { ok: true, hold, replay: false });
    }
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
    if (hold.idempotencyKey !== null) this.answers.delete(hold.idempotencyKey);
  }

  /** Returns every hold whose deadline has passed; they leave the book at once. */
  expireDue(now: number): BookHold[] {
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
  sweep(now: number): BookHold[] {
    const expired = this.expireDue(now);
    this.afterRelease(expired.length > 0, now);
    return expired;
  }

  /**
   * Remembers the answer given to an idempotency key whose hold has ended (recovery after a
   * restart), so a late retry gets it again instead of a second hold.
   */
  rememberAnswer(hold: BookHold): void {
    if (hold.idempotencyKey !== null) {
      this.answers.set(hold.idempotencyKey, { ok: true, hold, replay: false });
    }
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
  unsell(shopperId: string, quantity: number, restock: boolean, now: number): void {
    this.soldUnits -= quantity;
    this.unitsByShopper.set(shopperId, Math.max(0, this.unitsOf(shopperId) - quantity));
    if (!restock) this.reservedUnits -= quantity;
    this.afterRelease(restock, now);
  }

  /** Joins the queue for units released later. */
  joinWaitlist(shopperId: string, quantity: number): number {
    this.waitlist.push({ shopperId, quantity });
    return this.waitlist.length;
  }

  /** Holds created for waitlisted shoppers since the last call, to be persisted. */
  private promoted: BookHold[] = [];

  takePromotedHolds(): BookHold[] {
    if (this.promoted.length === 0) return nothingPromoted;
    const promoted = this.promoted;
    this.promoted = [];
    return promoted;
  }

  private afterRelease(released: boolean, now: number): void {
    if (!released || this.status !== 'live') return;
    while (this.waitlist.length > 0) {
      const next = this.waitlist[0] as { shopperId: string; quantity: number };
      if (this.available < next.quantity) return;
      this.waitlist.shift();
      const owned = this.unitsOf(next.shopperId);
      if (this.perBuyerLimit !== null && owned + next.quantity > this.perBuyerLimit) continue;
      this.promoted.push(
        this.addHold({
          id: randomUUID(),
          shopperId: next.shopperId,
          quantity: next.quantity,
          createdAt: now,
          expiresAt: now + this.holdTtlMs,
          state: 'held',
          idempotencyKey: null,
          offerCode: null,
          trafficSource: 'waitlist',
          durable: settled,
        }),
      );
    }
  }

  private dropHold(hold: BookHold, returnUnits: boolean): void {
    this.holds.delete(hold.id);
    if (!returnUnits) return;
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
  close(): { unsold: number; released: BookHold[] } {
    this.status = 'closed';
    const released: BookHold[] = [];
    for (const hold of [...this.holds.values()]) {
      if (hold.state !== 'held') continue;
      this.dropHold(hold, true);
      released.push(hold);
    }
    const unsold = this.reservedUnits - this.soldUnits - this.heldUnits;
    this.reservedUnits -= unsold;
    this.waitlist.length = 0;
    return { unsold, released };
  }

  /**
   * Where a shopper stands: their open hold (for instance one the waitlist just gave them),
   * else their place in the waitlist, else nothing.
   */
  standingOf(shopperId: string): { hold: BookHold } | { position: number } | undefined {
    for (const hold of this.holds.values()) if (hold.shopperId === shopperId) return { hold };
    const index = this.waitlist.findIndex((entry) => entry.shopperId === shopperId);
    return index >= 0 ? { position: index + 1 } : undefined;
  }

  get waitlistLength(): number {
    return this.waitlist.length;
  }
}
