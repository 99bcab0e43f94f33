import Stripe from 'stripe';
import {
  type ChargeRequest,
  cardLabel,
  type MethodSaving,
  type SavedMethod,
} from './payment-provider.js';

/**
 * Cards saved at Stripe for one-click checkout, the way Stripe has a card charged again: the
 * first checkout creates a Customer and confirms its PaymentIntent with that customer and
 * `setup_future_usage`, so Stripe attaches the PaymentMethod to the Customer once the payment
 * (and any 3-D Secure) succeeds. A PaymentMethod from Stripe.js used without a Customer can be
 * charged only once; attached, it is charged again with `customer` + `payment_method`.
 *
 * `on_session`, not `off_session`: a saved card is only ever charged when the shopper clicks
 * "Buy now", so they are there to pass 3-D Secure if the issuer asks (the page runs it as for a
 * typed card). `off_session` is for charges made while the customer is away (merchant-
 * initiated, such as renewals), which one-click checkout never makes.
 */
export class StripeMethodSaving implements MethodSaving {
  constructor(private readonly stripe: Stripe) {}

  /** A PaymentMethod id (Stripe.js's pm_…, or a test-mode pm_card_… name). */
  canSave(token: string): boolean {
    return /^pm_\w+$/.test(token);
  }

  /**
   * The Customer a charge that saves its method is made for. Its key follows the charge's, so
   * a retried checkout (after a lost answer or 3-D Secure) names the same Customer and its
   * PaymentIntent call replays instead of creating a second payment.
   */
  async customerFor(request: ChargeRequest & { saveForReuse: object }): Promise<string> {
    const customer = await this.stripe.customers.create(
      { email: request.saveForReuse.email, name: request.saveForReuse.name },
      { idempotencyKey: `customer:${request.idempotencyKey}` },
    );
    return customer.id;
  }

  async savedBy({ reference }: { reference: string; token: string }): Promise<SavedMethod> {
    const intent = await this.stripe.paymentIntents.retrieve(reference, {
      expand: ['payment_method'],
    });
    const method = intent.payment_method;
    const customer = typeof intent.customer === 'string' ? intent.customer : intent.customer?.id;
    const owner = typeof method === 'object' ? method?.customer : undefined;
    const ownerId = typeof owner === 'string' ? owner : owner?.id;
    if (intent.status !== 'succeeded' || typeof method !== 'object' || !method || !customer) {
      throw new Error(`Stripe PaymentIntent ${intent.id} saved no payment method`);
    }
    if (ownerId !== customer) {
      throw new Error(`Stripe did not attach ${method.id} to ${customer}`);
    }
    return {
      method: method.id,
      customer,
      label: method.card ? cardLabel(method.card.brand, method.card.last4) : 'Saved card',
    };
  }

  /**
   * Detaches the PaymentMethod: Stripe can never charge it again, for this shop or any. The
   * Customer stays as the record of past payments, without a card.
   */
  async forget({ method }: { method: string }): Promise<void> {
    try {
      await this.stripe.paymentMethods.detach(method);
    } catch (error) {
      // Already detached, or unknown to Stripe: nothing is kept that could be charged.
      if (error instanceof Stripe.errors.StripeInvalidRequestError) return;
      throw error;
    }
  }
}
