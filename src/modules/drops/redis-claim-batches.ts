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

/** What a batch changed besides its answers: holds that expired, holds the waitlist got. */
export interface BatchEffects {
  organizationId: string;
  expired: string[];
  /** Pairs of hold id and stored hold (JSON). */
  promoted: string[];
}

interface PendingClaim {
  request: StoreClaimRequest;
  holdId: string;
  resolve(decision: BatchedDecision | undefined): void;
  reject(error: unknown): void;
}

type ClaimsReply = [string, string[], string[], Array<string | number>] | null;

/**
 * Claims on one offer that arrive in the same turn of the event loop go to Redis as one
 * script call (the `claims` script decides them in order, as if one by one): the keys, the
 * book's state and the script's own overhead are paid once per batch instead of once per
 * claim. A batch leaves when the event loop has read what arrived (setImmediate), or at once
 * when it is full.
 */
export class ClaimBatches {
  private readonly pending = new Map<string, PendingClaim[]>();

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
        const fresh: PendingClaim[] = [];
        this.pending.set(offerId, fresh);
        setImmediate(() => this.flush(offerId, fresh));
        batch = fresh;
      }
      batch.push({ request, holdId: randomUUID(), resolve, reject });
      if (batch.length >= this.maxBatch) this.flush(offerId, batch);
    });
  }

  private flush(offerId: string, batch: PendingClaim[]): void {
    // Already sent because it filled up.
    if (this.pending.get(offerId) !== batch) return;
    this.pending.delete(offerId);
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
    this.run(offerId, args).then(
      (value) => this.answer(offerId, batch, value as ClaimsReply),
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  }

  private answer(offerId: string, batch: PendingClaim[], reply: ClaimsReply): void {
    if (!reply) {
      for (const entry of batch) entry.resolve(undefined);
      return;
    }
    const [organizationId, expired, promoted, answers] = reply;
    this.settle(offerId, { organizationId, expired, promoted });
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
