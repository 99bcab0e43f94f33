import { randomUUID } from 'node:crypto';
import type { StoreClaimRequest } from './offer-store.js';
import { optionalArg } from './redis-offer-keys.js';

/** One claim as the batch script decided it, before the store makes a new hold durable. */
export interface BatchedDecision {
  /** 'h:<expiresAt>:<holdId>' or 'r:<refusal>' (parseAnswer). */
  answer: string;
  /** The key's first answer, given again. */
  replayed: boolean;
  /** The market the hold's units came from; null when the offer is not split. */
  market: string | null;
  /** The id the hold got if this claim made one. */
  holdId: string;
  organizationId: string;
}

/**
 * What a script changed besides its answer: holds that expired, holds the waitlist got, waits
 * that ended without a hold.
 */
export interface BatchEffects {
  organizationId: string;
  expired: string[];
  /** Pairs of hold id and stored hold (JSON). */
  promoted: string[];
  /** Pairs of waitlist entry id and how its wait ended ('left' | 'expired'). */
  waitEnds: string[];
}

interface PendingClaim {
  request: StoreClaimRequest;
  holdId: string;
  resolve(decision: BatchedDecision | undefined): void;
  reject(error: unknown): void;
}

type ClaimsReply = [string, string[], string[], Array<string | number>, string[]] | null;

/**
 * Claims on one offer go to Redis as batches (the `claims` script decides a batch in order, as
 * if one by one): the keys, the book's state and the script's own overhead are paid once per
 * batch instead of once per claim. A claim goes at once when no call for its offer is in
 * flight (with the others of the same turn); while one is, claims wait and leave together when
 * it answers. Light traffic is not delayed, heavy traffic makes large batches.
 */
export class ClaimBatches {
  private readonly pending = new Map<string, PendingClaim[]>();
  /** Script calls in flight per offer. */
  private readonly inFlight = new Map<string, number>();
  /** Offers whose first claims of this turn will leave at the end of the turn. */
  private readonly scheduled = new Set<string>();

  constructor(
    private readonly run: (offerId: string, args: Array<string | number>) => Promise<unknown>,
    private readonly settle: (offerId: string, effects: BatchEffects) => void,
    private readonly maxBatch = 256,
  ) {}

  /** Undefined when Redis has no book for the offer. */
  decide(offerId: string, request: StoreClaimRequest): Promise<BatchedDecision | undefined> {
    return new Promise((resolve, reject) => {
      let batch = this.pending.get(offerId);
      if (!batch) {
        batch = [];
        this.pending.set(offerId, batch);
      }
      batch.push({ request, holdId: randomUUID(), resolve, reject });
      if (batch.length >= this.maxBatch) {
        this.flush(offerId);
      } else if (!this.inFlight.has(offerId) && !this.scheduled.has(offerId)) {
        this.scheduled.add(offerId);
        queueMicrotask(() => {
          this.scheduled.delete(offerId);
          if (!this.inFlight.has(offerId)) this.flush(offerId);
        });
      }
    });
  }

  private flush(offerId: string): void {
    const batch = this.pending.get(offerId);
    if (!batch) return;
    this.pending.delete(offerId);
    this.inFlight.set(offerId, (this.inFlight.get(offerId) ?? 0) + 1);
    const args: Array<string | number> = [batch.length];
    for (const { request, holdId } of batch) {
      args.push(
        request.now,
        request.quantity,
        request.shopperId,
        optionalArg(request.idempotencyKey),
        optionalArg(request.offerCode),
        optionalArg(request.trafficSource),
        holdId,
        optionalArg(request.market),
      );
    }
    // The seed of the ids the waitlist's holds get (the script counts on from it).
    args.push(randomUUID());
    const fail = (error: unknown) => {
      for (const entry of batch) entry.reject(error);
    };
    this.run(offerId, args)
      .then((value) => {
        try {
          this.answer(offerId, batch, value as ClaimsReply);
        } catch (error) {
          fail(error);
        }
      }, fail)
      .finally(() => this.landed(offerId));
  }

  /** A call answered: the claims that waited for it leave now. */
  private landed(offerId: string): void {
    const left = (this.inFlight.get(offerId) ?? 1) - 1;
    if (left > 0) {
      this.inFlight.set(offerId, left);
      return;
    }
    this.inFlight.delete(offerId);
    this.flush(offerId);
  }

  private answer(offerId: string, batch: PendingClaim[], reply: ClaimsReply): void {
    if (!reply) {
      for (const entry of batch) entry.resolve(undefined);
      return;
    }
    const [organizationId, expired, promoted, answers, waitEnds] = reply;
    this.settle(offerId, { organizationId, expired, promoted, waitEnds });
    batch.forEach((entry, index) => {
      const market = answers[index * 3 + 2];
      entry.resolve({
        answer: String(answers[index * 3]),
        replayed: answers[index * 3 + 1] === 1,
        market: market ? String(market) : null,
        holdId: entry.holdId,
        organizationId,
      });
    });
  }
}
