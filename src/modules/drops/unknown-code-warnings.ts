import type { Logger } from 'pino';

/** At most one warning per offer this often, however many claims carry a wrong code. */
export const unknownCodeWarningEveryMs = 60_000;

/**
 * Tells operations that claims carry an offer code the offer does not have (a stream link or
 * overlay set up with another offer's code, or a typo): those holds sell but are not
 * attributed. A drop sends such claims by the thousand, so the warning is per offer and rate
 * limited, with how many there were since the last one. Counts are this process's.
 */
export class UnknownCodeWarnings {
  private readonly byOffer = new Map<string, { warnedAt: number; total: number; warned: number }>();

  constructor(
    private readonly logger: Logger | undefined,
    private readonly everyMs = unknownCodeWarningEveryMs,
  ) {}

  /** A hold was made without attribution because `offerCode` is not one of the offer's. */
  note(offerId: string, offerCode: string, now: number): void {
    let seen = this.byOffer.get(offerId);
    if (seen === undefined) {
      seen = { warnedAt: Number.NEGATIVE_INFINITY, total: 0, warned: 0 };
      this.byOffer.set(offerId, seen);
    }
    seen.total++;
    if (now - seen.warnedAt < this.everyMs) return;
    this.logger?.warn(
      {
        offerId,
        offerCode,
        unknownCodeHolds: seen.total,
        sinceLastWarning: seen.total - seen.warned,
      },
      "claims carry an offer code that is not the offer's: held without attribution",
    );
    seen.warnedAt = now;
    seen.warned = seen.total;
  }

  /** Holds made with an unknown code for the offer, in this process. */
  countOf(offerId: string): number {
    return this.byOffer.get(offerId)?.total ?? 0;
  }
}
