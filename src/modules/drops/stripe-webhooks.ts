import Stripe from 'stripe';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import type { PaymentReconciler } from './payment-reconciler.js';

/** What a verified webhook was about and what it did, for the log line. */
export interface StripeWebhookReceipt {
  eventId: string;
  type: string;
  paymentIntentId: string | null;
  /** False for event types Mydrop does not subscribe to; they are acknowledged and ignored. */
  handled: boolean;
  /** What handling it did: settled payments, a refund recorded on an order, or nothing. */
  outcome: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies Stripe webhooks against the endpoint's signing secret and reconciles payments:
 * - `payment_intent.succeeded`: the checkout's payment attempts (found by the hold named in
 *   the PaymentIntent's metadata) still `charging` are settled at once, the same way as by the
 *   sweep: a payment whose hold ended without an order is refunded;
 * - `charge.refunded`: a refund of a paid order made outside Mydrop (the Stripe dashboard) is
 *   recorded on the order and told as `order.refunded`.
 * Stripe sends an event again until it gets a 2xx, and may send it twice: each effect is
 * written before the answer and applies once (a settled attempt or a recorded refund is not
 * settled or recorded again). The signature covers the raw body bytes, so callers must pass
 * them untouched.
 */
export class StripeWebhookReceiver {
  /** Stripe's default: a signed event older than five minutes is treated as a replay. */
  private readonly toleranceSeconds = 300;

  constructor(
    private readonly deps: { webhookSecret: string; clock: Clock; reconciler: PaymentReconciler },
  ) {}

  async receive(rawBody: Buffer, signature: string | undefined): Promise<StripeWebhookReceipt> {
    const event = this.verify(rawBody, signature);
    const receipt = (paymentIntentId: string | null, outcome: string, handled = true) => ({
      eventId: event.id,
      type: event.type,
      paymentIntentId,
      handled,
      outcome,
    });
    switch (event.type) {
      case 'payment_intent.succeeded': {
        const intent = event.data.object;
        const holdId = intent.metadata?.mydropHoldId;
        if (!holdId || !uuidPattern.test(holdId)) {
          return receipt(intent.id, 'not a Mydrop checkout');
        }
        const settled = await this.deps.reconciler.paymentSucceeded('stripe', holdId);
        return receipt(intent.id, settled.length > 0 ? settled.join(', ') : 'nothing to settle');
      }
      case 'payment_intent.payment_failed':
        // Nothing was charged; the checkout told the shopper.
        return receipt(event.data.object.id, 'nothing to do');
      case 'charge.refunded': {
        const charge = event.data.object;
        const intent = charge.payment_intent;
        const intentId = typeof intent === 'string' ? intent : (intent?.id ?? null);
        const refunded = charge.amount_refunded;
        if (!intentId || !Number.isSafeInteger(refunded) || refunded <= 0) {
          return receipt(intentId, 'no refund of a PaymentIntent');
        }
        const order = await this.deps.reconciler.refundedAtProvider('stripe', intentId, refunded);
        return receipt(
          intentId,
          order ? `refund recorded on order ${order.id}` : 'nothing to record',
        );
      }
      default:
        return receipt(null, 'ignored', false);
    }
  }

  private verify(rawBody: Buffer, signature: string | undefined): Stripe.Event {
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
    return event;
  }
}
