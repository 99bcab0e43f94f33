import type {
  BookCounts,
  BookHold,
  ClaimRefusal,
  MarketCounts,
  OfferStatus,
} from './offer-book.types.js';
import type { OfferRow } from './offers.repository.js';

/*
 * Where the live state of armed offers is kept and decided: reserved units, cart holds,
 * idempotent answers, the waitlist. Two implementations keep the same rules (OfferBook's):
 * - embedded (the default): one book per offer in this process, decided synchronously;
 * - Redis (with REDIS_URL): several processes share offers, one atomic Lua script per decision,
 *   every key of an offer in one hash slot.
 * Either way, a hold is acknowledged only once its row is durable in the database, and the
 * database has the last word on a sale (the order insert checks the hold row and the offer's
 * sold count against its reserve).
 */

/** A hold as a store answers it: the book's hold, named with its offer, without its write. */
export interface StoreHold extends Omit<BookHold, 'durable'> {
  offerId: string;
  organizationId: string;
}

export type StoreClaimOutcome =
  | { ok: true; holdId: string; expiresAt: number; replay: boolean }
  | { ok: false; code: ClaimRefusal };

export interface StoreClaimRequest {
  shopperId: string;
  quantity: number;
  idempotencyKey: string | null;
  offerCode: string | null;
  trafficSource: string | null;
  /** The shopper's market; an offer reserved per market serves its markets only. */
  market: string | null;
  now: number;
}

export interface StoreCounts extends BookCounts {
  status: OfferStatus;
  waitlist: number;
  /** Per market, when the reserve is split by market; empty otherwise. */
  markets: MarketCounts[];
}

/** What closing a book returned: unsold offer units, in all and per market (split offers). */
export interface ClosedBook {
  unsold: number;
  unsoldByMarket: Record<string, number>;
}

export type CheckoutStart =
  | { ok: true; hold: StoreHold }
  | { ok: false; reason: 'missing' | 'expired' | 'busy' };

export type WaitlistAnswer = { ok: true; position: number } | { ok: false; code: ClaimRefusal };

export type Standing = { holdId: string; expiresAt: number } | { position: number };

export interface OfferStore {
  readonly kind: 'embedded' | 'redis';
  /** Loads the books of armed, live and paused offers (after a restart). */
  recover(): Promise<void>;
  /** Starts sweeping expired holds. */
  start(): void;
  /** Stops sweeping and waits for pending writes. */
  stop(): Promise<void>;
  /** Expires due holds of every open book now (the timer does it every 250 ms). */
  sweep(): Promise<void>;

  /** Opens an offer's book from its row (after arming); an open book is left as it is. */
  open(offer: OfferRow): Promise<void>;
  /** Moves an open book (opened from `offer` when missing) to a new status. */
  setStatus(offer: OfferRow, status: OfferStatus): Promise<void>;
  /**
   * Closes the book: open holds end (persisted as released), unsold units leave the offer.
   * Answers how many offer units left, or null when there was no book.
   */
  close(offerId: string): Promise<ClosedBook | null>;
  /**
   * A market's reserve reached its TTL: its unused units leave the offer and its shoppers get
   * no more. Answers the units that left (for the caller to return to the catalog), or null
   * when the offer has no book. Called again, it answers units given back since.
   */
  releaseMarket(offerId: string, market: string): Promise<number | null>;

  /**
   * Decides a claim. `undefined` means the offer has no book (unknown, closed, not armed).
   * A refusal may be answered synchronously; a hold only once it is durable.
   */
  claim(
    offerId: string,
    request: StoreClaimRequest,
  ): StoreClaimOutcome | undefined | Promise<StoreClaimOutcome | undefined>;
  /** A shopper gives a hold back; false when it is not held (unknown, ended, paying). */
  releaseHold(holdId: string, now: number): Promise<boolean>;
  /**
   * Joins the waitlist, answered once the entry is durable; undefined when the offer has no
   * book. A join with the key of an earlier one gets that join's answer and adds no entry.
   */
  joinWaitlist(
    offerId: string,
    shopperId: string,
    quantity: number,
    market: string | null,
    idempotencyKey?: string | null,
  ): Promise<WaitlistAnswer | undefined>;
  /** The shopper's open hold, else their place in the waitlist, else undefined. */
  standing(offerId: string, shopperId: string): Promise<Standing | undefined>;

  /** An open hold (held or checking out); undefined once it ended or when unknown. */
  hold(holdId: string): Promise<StoreHold | undefined>;
  /** Pins a hold for payment once it is durable. */
  beginCheckout(holdId: string, now: number): Promise<CheckoutStart>;
  /**
   * Payment failed: the hold goes back to held until its deadline. Answers the offer units
   * that must return to the catalog because the offer closed meanwhile.
   */
  abortCheckout(holdId: string, now: number): Promise<number>;
  /** The order is durable: the hold's units are sold. */
  completeSale(holdId: string): Promise<void>;
  /** A sold order was cancelled or returned: restocked units are on sale again. */
  unsell(
    offerId: string,
    shopperId: string,
    quantity: number,
    restock: boolean,
    now: number,
    market: string | null,
  ): Promise<void>;

  /** Live counts of an open book; undefined when it has none. */
  counts(offerId: string): StoreCounts | undefined | Promise<StoreCounts | undefined>;
  /** Counts of several books at once (for lists). */
  countsMany(offerIds: readonly string[]): Promise<Map<string, StoreCounts>>;
}
