import type { Logger } from 'pino';
import type { NewRow } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { DropsRepository, OfferRow } from './drops.repository.js';
import { GroupCommitter } from './group-committer.js';
import {
  type BookHold,
  type ClaimOutcome,
  type ClaimRequest,
  OfferBook,
  type OfferStatus,
} from './offer-book.js';

type HoldWrite =
  | { kind: 'created'; row: NewRow<'holds'> }
  | { kind: 'ended'; id: string; status: 'expired' | 'released' };

/** Statuses whose offers have reserved units and therefore a book in memory. */
export const bookedStatuses: readonly OfferStatus[] = ['armed', 'live', 'paused'];

export interface DropEngineDeps {
  repository: DropsRepository;
  clock: Clock;
  logger?: Logger | undefined;
  /** How often expired holds are swept when no claim arrives to sweep them. */
  sweepIntervalMs?: number;
}

/**
 * Keeps one OfferBook per offer with reserved units, makes its decisions durable through group
 * commit, sweeps expired holds, and rebuilds every book from the database after a restart.
 */
export class DropEngine {
  private readonly books = new Map<string, OfferBook>();
  private readonly offerOfHold = new Map<string, string>();
  private readonly committer: GroupCommitter<HoldWrite>;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly deps: DropEngineDeps) {
    this.committer = new GroupCommitter((writes) => this.writeBatch(writes));
  }

  /** Rebuilds the books of armed, live and paused offers from their rows, holds and orders. */
  async recover(): Promise<void> {
    const offers = await this.deps.repository.listOffersInStatus(bookedStatuses);
    for (const offer of offers) await this.openBook(offer);
  }

  start(): void {
    const interval = this.deps.sweepIntervalMs ?? 250;
    this.sweeper = setInterval(() => this.sweep(), interval);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.committer.drain();
  }

  book(offerId: string): OfferBook | undefined {
    return this.books.get(offerId);
  }

  offerIdOfHold(holdId: string): string | undefined {
    return this.offerOfHold.get(holdId);
  }

  /** Loads (or reloads) an offer's book: reserved units, units sold, holds still open. */
  async openBook(offer: OfferRow): Promise<OfferBook> {
    const [sold, holds] = await Promise.all([
      this.deps.repository.soldUnits(offer.id),
      this.deps.repository.listHolds(offer.id),
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
    });
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
        durable: Promise.resolve(),
      };
      if (hold.status !== 'held') {
        book.rememberAnswer(restored);
        continue;
      }
      book.addHold(restored);
      this.offerOfHold.set(hold.id, offer.id);
    }
    this.books.set(offer.id, book);
    this.persistEnded(book.sweep(this.deps.clock.now().getTime()), 'expired');
    this.persistPromoted(book);
    return book;
  }

  closeBook(offerId: string): void {
    this.books.delete(offerId);
  }

  /**
   * Decides a claim in one synchronous step, then waits until the new hold is durable. If the
   * write fails the hold is taken back and the error reaches the caller: nothing unwritten is
   * ever acknowledged.
   */
  claim(book: OfferBook, request: ClaimRequest): ClaimOutcome | Promise<ClaimOutcome> {
    const outcome = book.claim(request, (hold) => this.persistCreated(book, hold));
    this.persistPromoted(book);
    // A refusal has nothing to make durable: it is answered in the same turn, no promise.
    if (!outcome.ok) return outcome;
    return this.acknowledgeWhenDurable(book, outcome);
  }

  private async acknowledgeWhenDurable(
    book: OfferBook,
    outcome: ClaimOutcome & { ok: true },
  ): Promise<ClaimOutcome> {
    this.offerOfHold.set(outcome.hold.id, book.offerId);
    try {
      await outcome.hold.durable;
    } catch (error) {
      book.revokeHold(outcome.hold.id);
      this.offerOfHold.delete(outcome.hold.id);
      throw error;
    }
    return outcome;
  }

  releaseHold(book: OfferBook, holdId: string): BookHold | undefined {
    const hold = book.releaseHold(holdId, this.deps.clock.now().getTime());
    if (hold) this.persistEnded([hold], 'released');
    this.persistPromoted(book);
    return hold;
  }

  /** Ends holds that a closing offer dropped. */
  recordReleased(holds: readonly BookHold[]): void {
    this.persistEnded(holds, 'released');
  }

  /** Persists waitlist promotions after units came back (expiry, release, cancellation). */
  persistPromoted(book: OfferBook): void {
    for (const hold of book.takePromotedHolds()) {
      this.offerOfHold.set(hold.id, book.offerId);
      hold.durable = this.persistCreated(book, hold);
      hold.durable.catch((error: unknown) => {
        this.deps.logger?.error({ err: error, holdId: hold.id }, 'waitlist hold not written');
        book.revokeHold(hold.id);
      });
    }
  }

  sweep(): void {
    const now = this.deps.clock.now().getTime();
    for (const book of this.books.values()) {
      const expired = book.sweep(now);
      if (expired.length === 0) continue;
      this.persistEnded(expired, 'expired');
      this.persistPromoted(book);
    }
  }

  private persistCreated(book: OfferBook, hold: BookHold): Promise<void> {
    return this.committer.enqueue({
      kind: 'created',
      row: {
        id: hold.id,
        organizationId: book.organizationId,
        offerId: book.offerId,
        shopperId: hold.shopperId,
        quantity: hold.quantity,
        status: 'held',
        idempotencyKey: hold.idempotencyKey,
        offerCode: hold.offerCode,
        trafficSource: hold.trafficSource,
        createdAt: new Date(hold.createdAt),
        expiresAt: new Date(hold.expiresAt),
      },
    });
  }

  /**
   * Ended holds need no acknowledgement: if the write is lost, recovery sees the deadline has
   * passed and expires them again.
   */
  private persistEnded(holds: readonly BookHold[], status: 'expired' | 'released'): void {
    for (const hold of holds) {
      this.offerOfHold.delete(hold.id);
      this.committer.enqueue({ kind: 'ended', id: hold.id, status }).catch((error: unknown) => {
        this.deps.logger?.warn(
          { err: error, holdId: hold.id },
          'ended hold not written; recovery will redo it',
        );
      });
    }
  }

  private async writeBatch(writes: HoldWrite[]): Promise<void> {
    const created: NewRow<'holds'>[] = [];
    const ended: Array<{ id: string; status: 'expired' | 'released' }> = [];
    for (const write of writes) {
      if (write.kind === 'created') created.push(write.row);
      else ended.push({ id: write.id, status: write.status });
    }
    await this.deps.repository.writeHoldBatch(created, ended, this.deps.clock.now());
  }

  /** For benchmarks and diagnostics: how many books are open. */
  get openBooks(): number {
    return this.books.size;
  }
}
