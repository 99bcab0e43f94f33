import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import type { AppError } from '../../lib/errors.js';
import type { AuditRecorder } from '../audit/index.js';
import type { EventPublisher } from '../notifications/index.js';
import type { CheckoutPaymentsRepository } from './checkout-payments.repository.js';
import { type PaymentAttempt, storedAnswer } from './payment-attempt.js';
import type { PaymentProvider } from './payment-provider.js';

export interface PaymentRefundsDeps {
  repository: CheckoutPaymentsRepository;
  clock: Clock;
  paymentProviders: Record<string, PaymentProvider>;
  events: EventPublisher;
  audit: AuditRecorder;
  logger?: Logger | undefined;
}

/**
 * Refunds of charges no order was written for: by the checkout itself when the hold ended
 * before its order, by the sweep and the provider's webhooks for a checkout that died. Each is
 * told to finance once, by whichever process settled the attempt.
 */
export class PaymentRefunds {
  constructor(private readonly deps: PaymentRefundsDeps) {}

  /**
   * Refunds a charge no order was written for, records the attempt `refunded` and tells
   * finance (log, `payment.refunded` event, audit entry). False when another process settled
   * the attempt first (the refund, made with the provider's idempotency, is the same one).
   */
  async refundUnordered(
    attempt: PaymentAttempt,
    reference: string,
    reason: 'hold_ended' | 'no_order',
    answer?: AppError,
  ): Promise<boolean> {
    const provider = this.deps.paymentProviders[attempt.provider];
    if (!provider) throw new Error(`payment provider ${attempt.provider} is not configured`);
    await provider.refund(reference, attempt.amountMinor);
    const marked = await this.deps.repository.recordOutcome(
      attempt.id,
      {
        status: 'refunded',
        providerReference: reference,
        answer: answer ? storedAnswer(answer) : undefined,
      },
      this.deps.clock.now(),
    );
    if (marked) await this.announceRefund(attempt, reference, reason);
    return marked;
  }

  private async announceRefund(attempt: PaymentAttempt, reference: string, reason: string) {
    // Like order events, never the payment reference for subscribers; the audit keeps it.
    const data = {
      paymentId: attempt.id,
      holdId: attempt.holdId,
      offerId: attempt.offerId,
      provider: attempt.provider,
      amountMinor: attempt.amountMinor,
      currency: attempt.currency,
      reason,
    };
    this.deps.logger?.warn(data, 'payment refunded: no order was written for it');
    try {
      await this.deps.events.publish(attempt.organizationId, 'payment.refunded', data);
      await this.deps.audit.record({
        organizationId: attempt.organizationId,
        actor: null,
        action: 'payment.refunded',
        subjectType: 'checkout_payment',
        subjectId: attempt.id,
        data: { ...data, providerReference: reference },
      });
    } catch (error) {
      this.deps.logger?.error({ err: error, paymentId: attempt.id }, 'payment.refunded not told');
    }
  }
}
