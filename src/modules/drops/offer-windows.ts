import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import type { AuditRecorder } from '../audit/index.js';
import type { JobHandlerRegistry, JobScheduler } from '../notifications/index.js';
import { bookedStatuses } from './embedded-offer-store.js';
import type { OfferStatus } from './offer-book.js';
import type { OfferReserves } from './offer-reserves.js';
import type { OfferRow, OffersRepository } from './offers.repository.js';

export interface OfferWindowsDeps {
  offers: OffersRepository;
  clock: Clock;
  audit: AuditRecorder;
  /** Durable: an offer whose window ends while the server is down closes when it is back. */
  scheduler: JobScheduler;
  reserves: OfferReserves;
}

/** The job that closes an armed offer when its window (`endsAt`) ends. */
export const offerWindowJobKind = 'offer.window_ended';
const offerWindowJobKey = (offerId: string) => `offer-window:${offerId}`;

/**
 * Time-limited offers close by themselves when their window ends: a durable job per offer,
 * scheduled when it is armed (the window is frozen from approval on, so the job never moves).
 */
export class OfferWindows {
  constructor(private readonly deps: OfferWindowsDeps) {}

  /** Registers what runs the window jobs; once, at start-up. */
  registerJobs(registry: JobHandlerRegistry): void {
    registry.handle(offerWindowJobKind, async (job) => {
      const offerId = job.payload.offerId;
      if (typeof offerId === 'string') await this.closeEnded(job.organizationId, offerId);
    });
  }

  /**
   * Before an offer with a window is armed: refuses a window already over (its units would
   * only go back at once) and schedules the close. Scheduled before the reserve, so no armed
   * offer is left without its job; the job does nothing if arming fails.
   */
  async scheduleClose(row: OfferRow): Promise<void> {
    if (!row.endsAt) return;
    if (row.endsAt <= this.deps.clock.now()) {
      throw new AppError(
        'conflict',
        `The offer's window ended at ${row.endsAt.toISOString()}: there is nothing to arm`,
        { rule: 'window_ended', endsAt: row.endsAt.toISOString() },
      );
    }
    await this.schedule(row.organizationId, row.id, row.endsAt);
  }

  /**
   * Schedules the close of every armed, live or paused offer with a window, at start-up:
   * offers armed by a version without window jobs get theirs. Scheduling again is harmless
   * (one job per offer, by key). Answers how many were scheduled.
   */
  async scheduleMissing(): Promise<number> {
    const booked = await this.deps.offers.listOffersInStatus(bookedStatuses);
    const windowed = booked.filter((row) => row.endsAt !== null);
    for (const row of windowed) {
      if (row.endsAt) await this.schedule(row.organizationId, row.id, row.endsAt);
    }
    return windowed.length;
  }

  /**
   * A time-limited offer's window ended: it closes as a manual close does (open holds end,
   * unsold units go back to stock, `offer.closed` in the audit trail). Run by the durable job
   * at `endsAt`, at least once: an offer already closed, or not armed, is left as it is.
   * Answers whether it closed the offer.
   */
  async closeEnded(organizationId: string, offerId: string): Promise<boolean> {
    const row = await this.deps.offers.findOffer(organizationId, offerId);
    if (!row?.endsAt || !bookedStatuses.includes(row.status as OfferStatus)) return false;
    if (row.endsAt > this.deps.clock.now()) {
      // Early (a clock behind the one that scheduled it): the scheduler retries later.
      throw new Error(`The window of offer ${offerId} ends at ${row.endsAt.toISOString()}`);
    }
    const unsold = await this.deps.reserves.returnOnClose(row);
    await this.deps.audit.record({
      organizationId,
      actor: null,
      action: 'offer.closed',
      subjectType: 'offer',
      subjectId: offerId,
      reason: "The offer's window ended",
      data: { from: row.status, unsoldReturned: unsold, endsAt: row.endsAt.toISOString() },
    });
    return true;
  }

  private async schedule(organizationId: string, offerId: string, endsAt: Date): Promise<void> {
    await this.deps.scheduler.schedule({
      organizationId,
      kind: offerWindowJobKind,
      key: offerWindowJobKey(offerId),
      runAt: endsAt,
      payload: { offerId },
    });
  }
}
