import Stripe from 'stripe';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';

/** What a verified webhook was about, for the log line. */
export interface StripeWebhookReceipt {
  eventId: string;
  type: string;
  paymentIntentId: string | null;
  /** False for event types Mydrop does not subscribe to; they are acknowledged and ignored. */
  handled: boolean;
}

/**
 * Verifies Stripe webhooks against the endpoint's signing secret and reads the payment events.
 * The signature covers the raw body bytes, so callers must pass them untouched.
 */
export class StripeWebhookReceiver {
  /** Stripe's default: a signed event older than five minutes is treated as a replay. */
  private readonly toleranceSeconds = 300;

  constructor(private readonly deps: { webhookSecret: string; clock: Clock }) {}

  receive(rawBody: Buffer, signature: string | undefined): StripeWebhookReceipt {
    if (!signature) {
      throw new AppError('invalid', 'The Stripe-Signature header is missing', {
        header: 'stripe-signature',
      });
    }
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(
        rawBody,
        signature,
        this.deps.webhookSecret,
        this.toleranceSeconds,
        undefined,
        this.deps.clock.now().getTime(),
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new AppError('invalid', `The Stripe-Signature header does not verify: ${reason}`, {
        header: 'stripe-signature',
      });
    }
    const receipt = (paymentIntentId: string | null, handled = true) => ({
      eventId: event.id,
      type: event.type,
      paymentIntentId,
      handled,
    });
    // Orders are created synchronously at checkout, so these events record nothing yet.
    // Reconciliation hooks in here: a payment_intent.succeeded with no order for its
    // PaymentIntent (checkout timed out after Stripe charged, or the hold ended first) must
    // be refunded; a charge.refunded made in the Stripe dashboard should mark the order.
    switch (event.type) {
      case 'payment_intent.succeeded':
      case 'payment_intent.payment_failed':
        return receipt(event.data.object.id);
      case 'charge.refunded': {
        const intent = event.data.object.payment_intent;
        return receipt(typeof intent === 'string' ? intent : (intent?.id ?? null));
      }
      default:
        return receipt(null, false);
    }
  }
}
