import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, isAppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { keyReused } from './checkout-attempts.js';
import type { CheckoutPaymentsRepository, OrderedAttempt } from './checkout-payments.repository.js';
import {
  errorOf,
  type PaymentAttempt,
  paymentAttemptGraceMs,
  storedAnswer,
  willBeRefunded,
} from './payment-attempt.js';
import type { ChargeRequest } from './payment-provider.js';
import type { PaymentRefunds } from './payment-refunds.js';

export type { PaymentAttempt } from './payment-attempt.js';

/** A checkout request sent with an Idempotency-Key. */
export interface KeyedCheckout {
  key: string;
  /** The body's fingerprint: the same key with another body is not a retry. */
  fingerprint: string;
}

/** The first attempt with this key paid for the hold: its order is the answer. */
export class AnsweredBefore extends Error {
  constructor(readonly orderId: string) {
    super('this Idempotency-Key was answered with an order');
  }
}

/** The first attempt with this key is still running, in another process. */
export class StillRunning extends Error {}

/** The charge went through but the database refused the order: the hold ended first. */
export class OrderRefused extends Error {
  constructor(readonly reference: string) {
    super('the order was refused after the charge');
  }
}

export interface CheckoutPaymentsDeps {
  repository: CheckoutPaymentsRepository;
  clock: Clock;
  refunds: PaymentRefunds;
  logger?: Logger | undefined;
  /** See paymentAttemptGraceMs. */
  graceMs?: number | undefined;
  /** How long a retry waits for a running first attempt with its key: 15 s. */
  answerWaitMs?: number | undefined;
  /** How often a waiting retry looks again. */
  answerPollMs?: number | undefined;
}

/**
 * Durable payment attempts of checkouts (problem: a charge whose process died before its order
 * was written was never refunded). A row is written before the provider is called; its outcome
 * is recorded once known, `ordered` in the order's own group commit. The sweep and the
 * provider's webhooks (payment-reconciler.ts) settle the attempts left `charging`; a charge
 * without an order is refunded by payment-refunds.ts.
 *
 * The row also keeps the checkout's Idempotency-Key and the first answer, so a retry that lands
 * on another process waits for or replays that answer.
 */
export class CheckoutPayments {
  constructor(private readonly deps: CheckoutPaymentsDeps) {}

  /**
   * Writes the attempt: one insert, before any charge. With a key this hold already used,
   * throws the first answer (AnsweredBefore, its AppError), StillRunning, or a 400 for a key
   * sent with another body.
   */
  async begin(
    hold: { id: string; organizationId: string; offerId: string },
    provider: string,
    keyed: KeyedCheckout | null,
    request: ChargeRequest,
  ): Promise<PaymentAttempt> {
    const now = this.deps.clock.now();
    // Stripe's webhooks name the hold, so a payment can be matched to its attempt. The same on
    // every re-issue: a provider compares a repeated key's parameters. camelCase keys, as every
    // key of the request: the database layer reads JSON keys back camel-cased.
    const sent: ChargeRequest = {
      ...request,
      metadata: { ...request.metadata, mydropHoldId: hold.id, mydropOfferId: hold.offerId },
    };
    const attempt: PaymentAttempt = {
      id: newId(),
      organizationId: hold.organizationId,
      holdId: hold.id,
      offerId: hold.offerId,
      provider,
      amountMinor: sent.amountMinor,
      currency: sent.currency,
      request: sent,
    };
    const row = {
      id: attempt.id,
      organizationId: attempt.organizationId,
      holdId: attempt.holdId,
      offerId: attempt.offerId,
      provider,
      providerKey: sent.idempotencyKey,
      amountMinor: sent.amountMinor,
      currency: sent.currency,
      paymentMethod: sent.token,
      chargeRequest: JSON.stringify(sent),
      idempotencyKey: keyed?.key ?? null,
      requestFingerprint: keyed?.fingerprint ?? null,
      createdAt: now,
      updatedAt: now,
    };
    if (await this.deps.repository.insertAttempt(row)) return attempt;
    if (!keyed) throw new Error('unreachable: an attempt without a key cannot conflict');
    // Returns only when the key's first attempt was lost without an answer, and let go of it.
    await this.replayAnswer(hold.id, keyed);
    if (await this.deps.repository.insertAttempt(row)) return attempt;
    throw new StillRunning();
  }

  /**
   * The answer this hold's first attempt with the key gave, thrown; nothing when there is none
   * (or the attempt was lost: its process died before answering, and the key is let go).
   */
  async replayAnswer(holdId: string, keyed: KeyedCheckout): Promise<void> {
    const row = await this.deps.repository.findByKey(holdId, keyed.key);
    if (!row) return;
    if (row.requestFingerprint !== keyed.fingerprint) throw keyReused();
    // An error answered first stays the answer, even if the payment was later ordered.
    if (row.answer) throw errorOf(row.answer);
    if (row.orderId) throw new AnsweredBefore(row.orderId);
    const runningSince = this.deps.clock.now().getTime() - row.createdAt.getTime();
    if (runningSince < this.graceMs) throw new StillRunning();
    if (!(await this.deps.repository.releaseUnansweredKey(row.id, keyed.key))) {
      throw new StillRunning(); // It answered just now: the next look finds the answer.
    }
  }

  /**
   * Runs a keyed checkout until it has an answer: while the key's first attempt runs in another
   * process, looks again every poll, for a bounded time, then answers a retryable 409.
   */
  async untilAnswered<T>(run: () => Promise<T>): Promise<T | { orderId: string; replay: true }> {
    const waitMs = this.deps.answerWaitMs ?? 15_000;
    const pollMs = this.deps.answerPollMs ?? 100;
    // Real time, not the injected clock: this waits for another process to do its work.
    const started = Date.now();
    for (;;) {
      try {
        return await run();
      } catch (error) {
        if (error instanceof AnsweredBefore) return { orderId: error.orderId, replay: true };
        if (!(error instanceof StillRunning)) throw error;
      }
      if (Date.now() - started >= waitMs) {
        throw new AppError(
          'conflict',
          'The first checkout with this Idempotency-Key is still running; retry with the same key',
          { field: 'idempotency-key', retryable: true },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Marks orders' attempts `ordered` inside the orders' transaction (the group commit). */
  recordOrdered(trx: Db, ordered: readonly OrderedAttempt[]): Promise<void> {
    return this.deps.repository.markOrdered(trx, ordered, this.deps.clock.now());
  }

  /**
   * Records what an attempt became when its checkout failed, and answers the error to give the
   * shopper. What the shopper is told decides the attempt's status: declined, 3-D Secure asked
   * (nothing charged), refused request (nothing charged); an unknown outcome (the provider did
   * not answer) stays `charging` for the sweep. A fault lets the key go: a retry runs again.
   */
  async recordFailure(attempt: PaymentAttempt, error: unknown): Promise<unknown> {
    const now = this.deps.clock.now();
    try {
      if (error instanceof OrderRefused) return await this.refundRefusedOrder(attempt, error);
      if (!isAppError(error)) {
        await this.deps.repository.recordOutcome(attempt.id, { releaseKey: true }, now);
        return error;
      }
      if (error.code === 'payment_requires_action') {
        // The answer carries the PaymentIntent's client secret, which is never stored: a retry
        // with the key runs again and gets the same PaymentIntent from the provider.
        await this.deps.repository.recordOutcome(
          attempt.id,
          { status: 'requires_action', releaseKey: true },
          now,
        );
        return error;
      }
      const status =
        error.code === 'payment_declined'
          ? 'declined'
          : error.code === 'invalid'
            ? 'failed'
            : undefined;
      await this.deps.repository.recordOutcome(
        attempt.id,
        { status, answer: storedAnswer(error) },
        now,
      );
    } catch (recordError) {
      // The shopper still gets the real answer; the attempt stays for the sweep.
      this.deps.logger?.error(
        { err: recordError, paymentId: attempt.id },
        'checkout payment outcome not recorded',
      );
      if (error instanceof OrderRefused) return willBeRefunded(attempt);
    }
    return error;
  }

  private async refundRefusedOrder(attempt: PaymentAttempt, refused: OrderRefused) {
    const refunded = new AppError(
      'hold_expired',
      'This hold ended before payment completed; the charge was refunded',
      { holdId: attempt.holdId },
    );
    try {
      await this.deps.refunds.refundUnordered(attempt, refused.reference, 'hold_ended', refunded);
      return refunded;
    } catch (error) {
      this.deps.logger?.error(
        { err: error, paymentId: attempt.id, holdId: attempt.holdId },
        'refund of a charge without an order failed; the payment sweep refunds it',
      );
      const later = willBeRefunded(attempt);
      await this.deps.repository.recordOutcome(
        attempt.id,
        { providerReference: refused.reference, answer: storedAnswer(later) },
        this.deps.clock.now(),
      );
      return later;
    }
  }

  private get graceMs(): number {
    return this.deps.graceMs ?? paymentAttemptGraceMs;
  }
}
