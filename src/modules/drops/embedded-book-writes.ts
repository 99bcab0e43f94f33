/*
 * What the embedded store writes of its books' decisions, through the journal: new holds,
 * holds the waitlist gave (each with the end of the wait it served), holds and waits that
 * ended, joins. It also knows which offer each open hold is in, as a shopper names a hold by
 * id alone, and which joins are not committed yet, as a hold the waitlist gives waits for its
 * join's row too. Apart from the store so that its decisions read without the bookkeeping.
 */

import type { Logger } from 'pino';
import type { HoldJournal, JournalWaitEnd } from './hold-journal.js';
import type { OfferBook } from './offer-book.js';
import type { BookHold, HoldWriter, WaitingEntry } from './offer-book.types.js';
import type { StoreHold } from './offer-store.js';

export class BookWrites {
  private readonly offerOfHold = new Map<string, string>();
  /** Waitlist joins not yet committed: a hold the waitlist gives them waits for them too. */
  private readonly unwrittenJoins = new Map<string, Promise<void>>();

  /** Writes a book's new hold: one function for every claim, not a closure per decision. */
  readonly created: HoldWriter = (hold, book) => this.journal.created(storeHold(book, hold));

  constructor(
    private readonly journal: HoldJournal,
    private readonly logger?: Logger | undefined,
  ) {}

  /** The offer of an open hold; undefined once it ended or when unknown. */
  offerOf(holdId: string): string | undefined {
    return this.offerOfHold.get(holdId);
  }

  track(holdId: string, offerId: string): void {
    this.offerOfHold.set(holdId, offerId);
  }

  forget(holdId: string): void {
    this.offerOfHold.delete(holdId);
  }

  ended(holds: readonly BookHold[], status: 'expired' | 'released'): void {
    if (holds.length === 0) return;
    for (const hold of holds) this.offerOfHold.delete(hold.id);
    this.journal.ended(
      holds.map((hold) => hold.id),
      status,
    );
  }

  /**
   * Commits a join decided on the book, before it is answered. If the write fails the entry
   * leaves the line again (had it been served meanwhile, its hold is taken back with it) and a
   * retry with the key is decided afresh.
   */
  async joined(
    book: OfferBook,
    entry: WaitingEntry,
    idempotencyKey: string | null,
    position: number,
  ): Promise<void> {
    const written = this.journal.joined({
      ...entry,
      offerId: book.offerId,
      organizationId: book.organizationId,
      idempotencyKey,
      position,
    });
    this.unwrittenJoins.set(entry.id, written);
    try {
      await written;
    } catch (error) {
      book.removeWaiting(entry.id);
      if (idempotencyKey !== null) book.forgetWaitAnswer(idempotencyKey, entry.id);
      throw error;
    } finally {
      this.unwrittenJoins.delete(entry.id);
    }
  }

  /** Settles once the join is committed (at once if it is): its answer stands only then. */
  async joinWritten(entryId: string): Promise<void> {
    await this.unwrittenJoins.get(entryId);
  }

  /**
   * Persists what the waitlist decided: holds given to waiting shoppers after units came back
   * (expiry, release, cancellation), each with the end of its shopper's wait in the same
   * write, and waits that ended without a hold (limit reached, offer or market closed).
   */
  promoted(book: OfferBook): void {
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
    if (passed.length > 0) this.journal.waitsEnded(passed);
    for (const hold of promoted) {
      this.offerOfHold.set(hold.id, book.offerId);
      const entryId = servedBy.get(hold.id) ?? null;
      const written = this.journal.created(storeHold(book, hold), entryId);
      // Served before its own join committed: the hold stands only once both have.
      const join = entryId === null ? undefined : this.unwrittenJoins.get(entryId);
      hold.durable = join ? Promise.all([join, written]).then(() => {}) : written;
      hold.durable.catch((error: unknown) => {
        this.logger?.error({ err: error, holdId: hold.id }, 'waitlist hold not written');
        book.revokeHold(hold.id);
        this.offerOfHold.delete(hold.id);
        // Its row may have committed without the join's: it ends (a no-op when it did not).
        this.journal.ended([hold.id], 'released');
      });
    }
  }
}

export function storeHold(book: OfferBook, hold: BookHold): StoreHold {
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
