import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { prepareKeyTables } from '../../lib/key-table.js';
import { bookedStatuses } from './book-rows.js';
import { loadOfferBook } from './embedded-book-loader.js';
import { BookWrites, storeHold } from './embedded-book-writes.js';
import type { HoldJournal } from './hold-journal.js';
import type { HoldsRepository } from './holds.repository.js';
import type { OfferBook } from './offer-book.js';
import type { BookHold, HoldWriter, OfferStatus, WaitingEntry } from './offer-book.types.js';
import type { OfferStockRepository } from './offer-stock.repository.js';
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
import { UnknownCodeWarnings } from './unknown-code-warnings.js';
import type { WaitlistRepository } from './waitlist.repository.js';

// Services name it by this file (their imports are theirs to move).
export { bookedStatuses };

/** A book is rebuilt from the rows of all four; see embedded-book-loader.ts. */
export interface EmbeddedOfferStoreDeps {
  offers: OffersRepository;
  holds: HoldsRepository;
  stock: OfferStockRepository;
  waitlist: WaitlistRepository;
  journal: HoldJournal;
  clock: Clock;
  logger?: Logger | undefined;
  /** How often expired holds are swept when no claim arrives to sweep them. */
  sweepIntervalMs?: number;
  /**
   * How long a closed offer's book stays in memory (late payments settle, retried claims get
   * their first answer) before it is dropped, once no payment is in flight. Default 1 hour.
   */
  closedBookMs?: number;
  /**
   * Shoppers expected in one drop's burst. `start()` prepares the memory their idempotency
   * answers take (see prepareKeyTables), so the first drop after a start does not stall on
   * fresh pages mid-burst. 0 or unset: none prepared.
   */
  expectedCrowd?: number | undefined;
}

const defaultClosedBookMs = 3_600_000;

/**
 * The default store: one OfferBook per armed offer in this process. A decision is one
 * synchronous step on the book (no await inside, so one event loop never sells a unit twice);
 * a new hold is acknowledged once the journal's group commit made it durable. After a restart
 * every book is rebuilt from the database (embedded-book-loader.ts); what the books decide is
 * written through BookWrites.
 */
export class EmbeddedOfferStore implements OfferStore {
  readonly kind = 'embedded';
  private readonly books = new Map<string, OfferBook>();
  private readonly writes: BookWrites;
  /** When each closed book closed: a drop's answers are kept for a while, not forever. */
  private readonly closedAt = new Map<string, number>();
  private sweeper: NodeJS.Timeout | undefined;
  /** Held here, not read through `writes` on every claim. */
  private readonly writeCreated: HoldWriter;
  private readonly unknownCodes: UnknownCodeWarnings;

  constructor(private readonly deps: EmbeddedOfferStoreDeps) {
    this.unknownCodes = new UnknownCodeWarnings(deps.logger);
    this.writes = new BookWrites(deps.journal, deps.logger);
    this.writeCreated = this.writes.created;
  }

  async recover(): Promise<void> {
    await this.deps.waitlist.expireWaitingOfEndedOffers(this.deps.clock.now());
    const offers = await this.deps.offers.listOffersInStatus(bookedStatuses);
    for (const offer of offers) await this.load(offer);
  }

  start(): void {
    const crowd = this.deps.expectedCrowd ?? 0;
    if (crowd > 0) {
      const began = performance.now();
      const bytes = prepareKeyTables(crowd);
      this.deps.logger?.info(
        {
          crowd,
          preparedMiB: Math.round(bytes / 2 ** 20),
          ms: Math.round(performance.now() - began),
        },
        'prepared answer tables for a drop crowd',
      );
    }
    const interval = this.deps.sweepIntervalMs ?? 250;
    this.sweeper = setInterval(() => this.sweepBooks(), interval);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.deps.journal.drain();
  }

  /** The book itself, for diagnostics and the in-process benchmark. */
  book(offerId: string): OfferBook | undefined {
    return this.books.get(offerId);
  }

  async open(offer: OfferRow): Promise<void> {
    if (!this.books.has(offer.id)) await this.load(offer);
  }

  async setStatus(offer: OfferRow, status: OfferStatus): Promise<void> {
    const book = this.books.get(offer.id) ?? (await this.load(offer));
    book.status = status;
  }

  async close(offerId: string): Promise<ClosedBook | null> {
    const book = this.books.get(offerId);
    if (!book) return null;
    const closing = book.close();
    this.closedAt.set(offerId, this.deps.clock.now().getTime());
    this.writes.ended(closing.released, 'released');
    this.writes.promoted(book);
    return { unsold: closing.unsold, unsoldByMarket: closing.unsoldByMarket };
  }

  async releaseMarket(offerId: string, market: string): Promise<number | null> {
    const book = this.books.get(offerId);
    if (!book) return null;
    const units = book.releaseMarket(market);
    this.writes.promoted(book);
    return units;
  }

  /**
   * Decides in one synchronous step. A refusal is answered in the same turn, without a
   * promise; a hold once durable. If its write fails the hold is taken back and the error
   * reaches the caller: nothing unwritten is ever acknowledged.
   */
  claim(
    offerId: string,
    request: StoreClaimRequest,
  ): StoreClaimOutcome | undefined | Promise<StoreClaimOutcome> {
    const book = this.books.get(offerId);
    if (!book) return undefined;
    const outcome = book.claim(request, this.writeCreated);
    // A new hold whose code is not the offer's was recorded without it (OfferBook).
    const code = request.offerCode;
    if (outcome.ok && code !== null && outcome.hold.offerCode === null && !outcome.replay) {
      this.unknownCodes.note(offerId, code, request.now);
    }
    this.writes.promoted(book);
    if (!outcome.ok) return outcome;
    return this.acknowledgeWhenDurable(book, outcome.hold, outcome.replay);
  }

  private async acknowledgeWhenDurable(
    book: OfferBook,
    hold: BookHold,
    replay: boolean,
  ): Promise<StoreClaimOutcome> {
    this.writes.track(hold.id, book.offerId);
    try {
      await hold.durable;
    } catch (error) {
      book.revokeHold(hold.id);
      this.writes.forget(hold.id);
      throw error;
    }
    return { ok: true, holdId: hold.id, expiresAt: hold.expiresAt, replay };
  }

  async releaseHold(holdId: string, now: number): Promise<boolean> {
    const book = this.bookOfHold(holdId);
    const hold = book?.releaseHold(holdId, now);
    if (!book || !hold) return false;
    this.writes.ended([hold], 'released');
    this.writes.promoted(book);
    return true;
  }

  async joinWaitlist(
    offerId: string,
    shopperId: string,
    quantity: number,
    market: string | null,
    idempotencyKey: string | null = null,
  ): Promise<WaitlistAnswer | undefined> {
    const book = this.books.get(offerId);
    if (!book) return undefined;
    const first = idempotencyKey === null ? undefined : book.waitAnswerOf(idempotencyKey);
    if (first) {
      // The first join may still be writing: its answer stands only once it is durable.
      await this.writes.joinWritten(first.entryId);
      return { ok: true, position: first.position };
    }
    if (book.status !== 'live')
      return { ok: false, code: book.status === 'paused' ? 'paused' : 'closed' };
    if (!book.servesMarket(market)) return { ok: false, code: 'not_in_market' };
    // Units given back would pass over a shopper at the limit: waiting would be for nothing.
    if (book.overLimit(shopperId, quantity)) return { ok: false, code: 'limit_reached' };
    const entry: WaitingEntry = {
      id: randomUUID(),
      shopperId,
      quantity,
      market,
      order: book.nextWaitingOrder,
      joinedAt: this.deps.clock.now().getTime(),
    };
    // The place is decided now, in line with claims; the answer waits for the entry's row.
    const position = book.addWaiting(entry);
    if (idempotencyKey !== null) {
      book.rememberWaitAnswer(idempotencyKey, { entryId: entry.id, position });
    }
    await this.writes.joined(book, entry, idempotencyKey, position);
    return { ok: true, position };
  }

  async standing(offerId: string, shopperId: string): Promise<Standing | undefined> {
    const standing = this.books.get(offerId)?.standingOf(shopperId);
    if (!standing || 'position' in standing) return standing;
    return { holdId: standing.hold.id, expiresAt: standing.hold.expiresAt };
  }

  async hold(holdId: string): Promise<StoreHold | undefined> {
    const book = this.bookOfHold(holdId);
    const hold = book?.getHold(holdId);
    return book && hold ? storeHold(book, hold) : undefined;
  }

  async beginCheckout(holdId: string, now: number): Promise<CheckoutStart> {
    const book = this.bookOfHold(holdId);
    const hold = book?.getHold(holdId);
    if (!book || !hold) return { ok: false, reason: 'missing' };
    if (hold.state === 'checking_out') return { ok: false, reason: 'busy' };
    if (!book.beginCheckout(holdId, now)) return { ok: false, reason: 'expired' };
    try {
      await hold.durable;
    } catch (error) {
      book.abortCheckout(holdId);
      throw error;
    }
    return { ok: true, hold: storeHold(book, hold) };
  }

  async abortCheckout(holdId: string): Promise<number> {
    return this.bookOfHold(holdId)?.abortCheckout(holdId) ?? 0;
  }

  async completeSale(holdId: string): Promise<void> {
    this.bookOfHold(holdId)?.completeSale(holdId);
    this.writes.forget(holdId);
  }

  async unsell(
    offerId: string,
    shopperId: string,
    quantity: number,
    restock: boolean,
    now: number,
    market: string | null,
  ): Promise<void> {
    const book = this.books.get(offerId);
    if (!book) return;
    book.unsell(shopperId, quantity, restock, now, market);
    this.writes.promoted(book);
  }

  counts(offerId: string): StoreCounts | undefined {
    const book = this.books.get(offerId);
    if (!book) return undefined;
    // Built field by field: spreading the book's counts into a literal cost about 2 µs a call
    // (every poll of an offer's live state asks).
    const { reserved, available, held, sold } = book.counts();
    return {
      reserved,
      available,
      held,
      sold,
      status: book.status,
      waitlist: book.waitlistLength,
      markets: book.marketCounts(),
    };
  }

  async countsMany(offerIds: readonly string[]): Promise<Map<string, StoreCounts>> {
    const answer = new Map<string, StoreCounts>();
    for (const offerId of offerIds) {
      const counts = this.counts(offerId);
      if (counts) answer.set(offerId, counts);
    }
    return answer;
  }

  async sweep(): Promise<void> {
    this.sweepBooks();
  }

  /** Expires due holds in every book and hands their units to waiting shoppers. */
  private sweepBooks(): void {
    const now = this.deps.clock.now().getTime();
    this.dropClosedBooks(now);
    for (const book of this.books.values()) {
      const expired = book.sweep(now);
      if (expired.length === 0) continue;
      this.writes.ended(expired, 'expired');
      this.writes.promoted(book);
    }
  }

  /**
   * Drops books closed long enough ago with no payment in flight: their idempotency answers
   * (one per shopper of a drop) would otherwise stay in memory for the life of the process.
   * A claim on a dropped offer is then answered from its row: closed.
   */
  private dropClosedBooks(now: number): void {
    const keepMs = this.deps.closedBookMs ?? defaultClosedBookMs;
    for (const [offerId, closedAt] of this.closedAt) {
      const book = this.books.get(offerId);
      if (book?.status !== 'closed') {
        this.closedAt.delete(offerId);
        continue;
      }
      if (now - closedAt < keepMs || book.openHolds > 0) continue;
      book.releaseAnswers();
      this.books.delete(offerId);
      this.closedAt.delete(offerId);
    }
  }

  /** For benchmarks and diagnostics: how many books are open. */
  get openBooks(): number {
    return this.books.size;
  }

  /** Loads (or reloads) an offer's book; holds that expired meanwhile go to the line first. */
  private async load(offer: OfferRow): Promise<OfferBook> {
    const { book, openHoldIds } = await loadOfferBook(this.deps, this.deps.journal, offer);
    for (const holdId of openHoldIds) this.writes.track(holdId, offer.id);
    this.books.set(offer.id, book);
    this.writes.ended(book.sweep(this.deps.clock.now().getTime()), 'expired');
    this.writes.promoted(book);
    return book;
  }

  private bookOfHold(holdId: string): OfferBook | undefined {
    const offerId = this.writes.offerOf(holdId);
    return offerId === undefined ? undefined : this.books.get(offerId);
  }
}
