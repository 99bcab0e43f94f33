import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { prepareKeyTables } from '../../lib/key-table.js';
import {
  type DropsRepository,
  marketShareOf,
  type OfferRow,
  type WaitlistRow,
} from './drops.repository.js';
import type { HoldJournal, JournalWaitEnd } from './hold-journal.js';
import {
  type BookHold,
  type HoldWriter,
  OfferBook,
  type OfferStatus,
  type WaitingEntry,
} from './offer-book.js';
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
import { UnknownCodeWarnings } from './unknown-code-warnings.js';

/** Statuses whose offers have reserved units and therefore a book. */
export const bookedStatuses: readonly OfferStatus[] = ['armed', 'live', 'paused'];

export interface EmbeddedOfferStoreDeps {
  repository: DropsRepository;
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
 * every book is rebuilt from the database.
 */
export class EmbeddedOfferStore implements OfferStore {
  readonly kind = 'embedded';
  private readonly books = new Map<string, OfferBook>();
  private readonly offerOfHold = new Map<string, string>();
  /** Waitlist joins not yet committed: a hold the waitlist gives them waits for them too. */
  private readonly unwrittenJoins = new Map<string, Promise<void>>();
  /** When each closed book closed: a drop's answers are kept for a while, not forever. */
  private readonly closedAt = new Map<string, number>();
  private sweeper: NodeJS.Timeout | undefined;
  /** Writes a book's new hold: one function for every claim, not a closure per decision. */
  private readonly writeCreated: HoldWriter = (hold, book) => this.journalCreated(book, hold);
  private readonly unknownCodes: UnknownCodeWarnings;

  constructor(private readonly deps: EmbeddedOfferStoreDeps) {
    this.unknownCodes = new UnknownCodeWarnings(deps.logger);
  }

  async recover(): Promise<void> {
    await this.deps.repository.expireWaitingOfEndedOffers(this.deps.clock.now());
    const offers = await this.deps.repository.listOffersInStatus(bookedStatuses);
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
    this.recordEnded(closing.released, 'released');
    this.persistPromoted(book);
    return { unsold: closing.unsold, unsoldByMarket: closing.unsoldByMarket };
  }

  async releaseMarket(offerId: string, market: string): Promise<number | null> {
    const book = this.books.get(offerId);
    if (!book) return null;
    const units = book.releaseMarket(market);
    this.persistPromoted(book);
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
    this.persistPromoted(book);
    if (!outcome.ok) return outcome;
    return this.acknowledgeWhenDurable(book, outcome.hold, outcome.replay);
  }

  private async acknowledgeWhenDurable(
    book: OfferBook,
    hold: BookHold,
    replay: boolean,
  ): Promise<StoreClaimOutcome> {
    this.offerOfHold.set(hold.id, book.offerId);
    try {
      await hold.durable;
    } catch (error) {
      book.revokeHold(hold.id);
      this.offerOfHold.delete(hold.id);
      throw error;
    }
    return { ok: true, holdId: hold.id, expiresAt: hold.expiresAt, replay };
  }

  async releaseHold(holdId: string, now: number): Promise<boolean> {
    const book = this.bookOfHold(holdId);
    const hold = book?.releaseHold(holdId, now);
    if (!book || !hold) return false;
    this.recordEnded([hold], 'released');
    this.persistPromoted(book);
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
      await this.unwrittenJoins.get(first.entryId);
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
    const written = this.deps.journal.joined({
      ...entry,
      offerId,
      organizationId: book.organizationId,
      idempotencyKey,
      position,
    });
    this.unwrittenJoins.set(entry.id, written);
    try {
      await written;
    } catch (error) {
      // Out of line again; had it been served meanwhile, its hold is taken back with it. A
      // retry with the key is decided afresh.
      book.removeWaiting(entry.id);
      if (idempotencyKey !== null) book.forgetWaitAnswer(idempotencyKey, entry.id);
      throw error;
    } finally {
      this.unwrittenJoins.delete(entry.id);
    }
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
    this.offerOfHold.delete(holdId);
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
    this.persistPromoted(book);
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
      this.recordEnded(expired, 'expired');
      this.persistPromoted(book);
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

  /**
   * Loads (or reloads) an offer's book: reserved units, units sold, holds still open, shoppers
   * waiting (in line as they joined). Holds that expired meanwhile then go to the line first.
   */
  private async load(offer: OfferRow): Promise<OfferBook> {
    const [sold, holds, bought, markets, waiting, waitAnswers] = await Promise.all([
      this.deps.repository.soldUnits(offer.id),
      this.deps.repository.listHolds(offer.id),
      this.deps.repository.unitsBoughtByShopper(offer.id),
      this.deps.repository.listMarketReserves(offer.id),
      this.deps.repository.listWaiting(offer.organizationId, offer.id),
      this.deps.repository.listWaitlistAnswers(offer.organizationId, offer.id),
    ]);
    const book = new OfferBook({
      offerId: offer.id,
      organizationId: offer.organizationId,
      status: offer.status as OfferStatus,
      reserved: offer.reservedUnits,
      sold,
      perBuyerLimit: offer.perBuyerLimit,
      holdTtlMs: offer.holdTtlSeconds * 1000,
      opensAt: offer.startsAt?.getTime() ?? null,
      closesAt: offer.endsAt?.getTime() ?? null,
      markets: markets.length > 0 ? markets.map(marketShareOf) : null,
      offerCodes: (await this.deps.repository.listCodes(offer.organizationId, [offer.id])).map(
        (row) => row.code,
      ),
    });
    // The per-buyer limit counts what each shopper already bought, not only open holds.
    for (const { shopperId, units } of bought) book.restoreBought(shopperId, units);
    for (const hold of holds) {
      const restored: BookHold = {
        id: hold.id,
        shopperId: hold.shopperId,
        quantity: hold.quantity,
        createdAt: hold.createdAt.getTime(),
        expiresAt: hold.expiresAt.getTime(),
        state: 'held',
        idempotencyKey: hold.idempotencyKey,
        offerCode: hold.offerCode,
        trafficSource: hold.trafficSource,
        market: hold.market,
        durable: Promise.resolve(),
      };
      if (hold.status !== 'held') {
        book.rememberAnswer(restored);
        continue;
      }
      book.addHold(restored);
      this.offerOfHold.set(hold.id, offer.id);
    }
    this.restoreWaitlist(book, waiting);
    for (const answer of waitAnswers) {
      book.rememberWaitAnswer(answer.idempotencyKey, {
        entryId: answer.id,
        position: answer.position,
      });
    }
    this.books.set(offer.id, book);
    this.recordEnded(book.sweep(this.deps.clock.now().getTime()), 'expired');
    this.persistPromoted(book);
    return book;
  }

  /** Puts waiting shoppers back in line; those who can no longer get units there expire. */
  private restoreWaitlist(book: OfferBook, waiting: readonly WaitlistRow[]): void {
    const onSale = bookedStatuses.includes(book.status);
    const expired: JournalWaitEnd[] = [];
    for (const row of waiting) {
      if (!onSale || !book.acceptsWaiting(row.market)) {
        expired.push({ id: row.id, organizationId: row.organizationId, status: 'expired' });
        continue;
      }
      book.addWaiting({
        id: row.id,
        shopperId: row.shopperId,
        quantity: row.quantity,
        market: row.market,
        order: row.queueOrder,
        joinedAt: row.joinedAt.getTime(),
      });
    }
    if (expired.length > 0) this.deps.journal.waitsEnded(expired);
  }

  private bookOfHold(holdId: string): OfferBook | undefined {
    const offerId = this.offerOfHold.get(holdId);
    return offerId === undefined ? undefined : this.books.get(offerId);
  }

  /**
   * Persists what the waitlist decided: holds given to waiting shoppers after units came back
   * (expiry, release, cancellation), each with the end of its shopper's wait in the same
   * write, and waits that ended without a hold (limit reached, offer or market closed).
   */
  private persistPromoted(book: OfferBook): void {
    const ends = book.takeWaitlistEnds();
    const promoted = book.takePromotedHolds();
    if (ends.length === 0 && promoted.length === 0) return;
    const servedBy = new Map<string, string>();
    const passed: JournalWaitEnd[] = [];
    for (const end of ends) {
      if (end.status === 'served') servedBy.set(end.holdId, end.entryId);
      else
        passed.push({ id: end.entryId, organizationId: book.organizationId, status: end.status });
    }
    if (passed.length > 0) this.deps.journal.waitsEnded(passed);
    for (const hold of promoted) {
      this.offerOfHold.set(hold.id, book.offerId);
      const entryId = servedBy.get(hold.id) ?? null;
      const written = this.deps.journal.created(storeHold(book, hold), entryId);
      // Served before its own join committed: the hold stands only once both have.
      const join = entryId === null ? undefined : this.unwrittenJoins.get(entryId);
      hold.durable = join ? Promise.all([join, written]).then(() => {}) : written;
      hold.durable.catch((error: unknown) => {
        this.deps.logger?.error({ err: error, holdId: hold.id }, 'waitlist hold not written');
        book.revokeHold(hold.id);
        this.offerOfHold.delete(hold.id);
        // Its row may have committed without the join's: it ends (a no-op when it did not).
        this.deps.journal.ended([hold.id], 'released');
      });
    }
  }

  private journalCreated(book: OfferBook, hold: BookHold): Promise<void> {
    return this.deps.journal.created(storeHold(book, hold));
  }

  private recordEnded(holds: readonly BookHold[], status: 'expired' | 'released'): void {
    if (holds.length === 0) return;
    for (const hold of holds) this.offerOfHold.delete(hold.id);
    this.deps.journal.ended(
      holds.map((hold) => hold.id),
      status,
    );
  }
}

function storeHold(book: OfferBook, hold: BookHold): StoreHold {
  return {
    id: hold.id,
    offerId: book.offerId,
    organizationId: book.organizationId,
    shopperId: hold.shopperId,
    quantity: hold.quantity,
    createdAt: hold.createdAt,
    expiresAt: hold.expiresAt,
    state: hold.state,
    idempotencyKey: hold.idempotencyKey,
    offerCode: hold.offerCode,
    trafficSource: hold.trafficSource,
    market: hold.market,
  };
}
