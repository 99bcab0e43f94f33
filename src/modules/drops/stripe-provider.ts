import Stripe from 'stripe';
import {
  type CardCollection,
  type ChargeRequest,
  type ChargeResult,
  type PaymentProvider,
  PaymentUnavailableError,
  UnknownPaymentMethodError,
} from './payment-provider.js';
import { StripeMethodSaving } from './stripe-method-saving.js';

/** Keys and addresses from the environment (STRIPE_*; see config.ts). */
export interface StripeSettings {
  secretKey: string;
  /** Without it, webhooks are refused: nothing unsigned is ever trusted. */
  webhookSecret: string | undefined;
  /** With `jsUrl`, shoppers' pages collect cards with Stripe.js; without, API-only checkout. */
  publishableKey?: string | undefined;
  /** Where pages load Stripe.js: https://js.stripe.com/v3/, or a local fake in tests. */
  jsUrl?: string | undefined;
  /** The Stripe API's origin when it is not api.stripe.com: a local fake, in tests only. */
  apiUrl?: string | undefined;
}

/**
 * A shopper waits on this call at checkout while the hold's TTL runs: better a clear "try
 * again" after a few seconds than a spinner for Stripe's default 80 s.
 */
export const stripeRequestTimeoutMs = 8_000;

/** Where and how the client talks to Stripe; tests point it at a local fake server. */
export type StripeClientOptions = Pick<
  Stripe.StripeConfig,
  'host' | 'port' | 'protocol' | 'timeout' | 'maxNetworkRetries'
>;

export function createStripeClient(secretKey: string, options: StripeClientOptions = {}): Stripe {
  // One network retry: every create call carries an idempotency key, so a retry never
  // charges twice, and two attempts still fit well inside a hold's TTL.
  return new Stripe(secretKey, {
    timeout: stripeRequestTimeoutMs,
    maxNetworkRetries: 1,
    ...options,
  });
}

/** The client options that send calls to `apiUrl` (an origin) instead of api.stripe.com. */
export function stripeApiAddress(apiUrl: string | undefined): StripeClientOptions {
  if (!apiUrl) return {};
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return {
    protocol,
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
  };
}

/**
 * Charges through Stripe PaymentIntents with the shopper's PaymentMethod id as the token
 * (`pm_card_visa` and friends work in test mode), created and confirmed in one call.
 *
 * Cards that ask for 3-D Secure (strong customer authentication, the norm for European cards)
 * use Stripe's manual confirmation flow: the first checkout answers `requires_action` with the
 * PaymentIntent's client secret, the page runs `stripe.handleCardAction`, and the checkout sent
 * again with the same token confirms that same PaymentIntent on the server. The idempotency
 * key (hold + payment method) makes the second create call answer the first PaymentIntent,
 * and a PaymentIntent succeeds at most once, so the card is charged once.
 *
 * A checkout that saves its card for one click runs the same way with a new Customer and
 * `setup_future_usage`; a one-click checkout charges the saved card with its Customer (see
 * stripe-method-saving.ts).
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe';
  readonly cardCollection: CardCollection | undefined;
  readonly saving: StripeMethodSaving;
  private readonly stripe: Stripe;

  constructor(client: string | Stripe | StripeSettings, cardCollection?: CardCollection) {
    if (typeof client === 'string') {
      this.stripe = createStripeClient(client);
    } else if (client instanceof Stripe) {
      this.stripe = client;
    } else {
      this.stripe = createStripeClient(client.secretKey, stripeApiAddress(client.apiUrl));
      if (client.publishableKey && client.jsUrl) {
        cardCollection ??= { publishableKey: client.publishableKey, scriptUrl: client.jsUrl };
      }
    }
    this.cardCollection = cardCollection;
    this.saving = new StripeMethodSaving(this.stripe);
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    let intent: Stripe.PaymentIntent;
    const saving = request.saveForReuse;
    try {
      const customer = saving
        ? await this.saving.customerFor({ ...request, saveForReuse: saving })
        : request.customer;
      const created = await this.stripe.paymentIntents.create(
        {
          amount: request.amountMinor,
          currency: request.currency.toLowerCase(),
          payment_method: request.token,
          allowed_payment_method_types: ['card'],
          // Manual: after 3-D Secure, this server confirms (and records the order at once)
          // rather than the page, so no payment succeeds without its checkout seeing it.
          confirmation_method: 'manual',
          confirm: true,
          // The authentication runs in the page (handleCardAction): no redirect mid-drop.
          use_stripe_sdk: true,
          description: request.description,
          ...(request.metadata ? { metadata: request.metadata } : {}),
          ...(customer ? { customer } : {}),
          // On session: see stripe-method-saving.ts.
          ...(saving ? { setup_future_usage: 'on_session' as const } : {}),
        },
        // Stripe refuses a key sent again with other parameters: saving makes its own attempt.
        { idempotencyKey: saving ? `${request.idempotencyKey}:save` : request.idempotencyKey },
      );
      intent = await this.continueAfterAction(created);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        return declined(error.decline_code || error.code || 'card_declined', request);
      }
      throw translateStripeError(error);
    }
    switch (intent.status) {
      case 'succeeded':
        return { status: 'succeeded', reference: intent.id };
      case 'requires_action':
        if (!intent.client_secret) break;
        return { status: 'requires_action', clientSecret: intent.client_secret };
      case 'requires_payment_method': {
        // Declined, or the shopper failed or abandoned the authentication.
        const failure = intent.last_payment_error;
        return declined(failure?.decline_code || failure?.code || 'card_declined', request);
      }
      case 'canceled':
        return { status: 'declined', reason: 'payment_intent_canceled' };
    }
    // processing, requires_capture, ...: not a state a confirmed card payment should end in.
    throw new PaymentUnavailableError(
      `The payment provider left the payment ${intent.status}`,
      'provider_error',
    );
  }

  /**
   * A create call that answered `requires_action` is either the first attempt or the replay
   * of it (same idempotency key): Stripe's current state of the PaymentIntent decides. Once
   * the shopper authenticated it waits in `requires_confirmation`, and is confirmed here.
   */
  private async continueAfterAction(intent: Stripe.PaymentIntent): Promise<Stripe.PaymentIntent> {
    if (intent.status !== 'requires_action') return intent;
    const current = await this.stripe.paymentIntents.retrieve(intent.id);
    if (current.status !== 'requires_confirmation') return current;
    try {
      return await this.stripe.paymentIntents.confirm(current.id);
    } catch (error) {
      // A concurrent retry confirmed it between the read and this call: its outcome stands.
      if (
        error instanceof Stripe.errors.StripeInvalidRequestError &&
        error.code === 'payment_intent_unexpected_state'
      ) {
        return this.stripe.paymentIntents.retrieve(current.id);
      }
      throw error;
    }
  }

  async refund(reference: string, amountMinor: number): Promise<void> {
    try {
      // One refund per PaymentIntent (orders are refunded whole), so the key can name it.
      await this.stripe.refunds.create(
        { payment_intent: reference, amount: amountMinor },
        { idempotencyKey: `refund:${reference}` },
      );
    } catch (error) {
      if (
        error instanceof Stripe.errors.StripeInvalidRequestError &&
        error.code === 'charge_already_refunded'
      ) {
        return;
      }
      throw translateStripeError(error);
    }
  }
}

/**
 * A decline, except that a saved card which has expired is no longer a payment method at all:
 * the shopper is told to check out with their details rather than to retry the same card.
 */
function declined(reason: string, request: ChargeRequest): ChargeResult {
  if (request.customer && reason === 'expired_card') {
    throw new UnknownPaymentMethodError('The saved card has expired');
  }
  return { status: 'declined', reason };
}

/**
 * Stripe's error, translated for checkout. Messages are generic on purpose: the shopper sees
 * them, and Stripe's own messages can name keys or accounts. The original stays as `cause`.
 */
function translateStripeError(error: unknown): Error {
  // A method Stripe does not know or no longer lets this charge use (detached, another
  // customer's), or a saved card's Customer deleted at Stripe.
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    (error.param === 'payment_method' || error.param === 'customer')
  ) {
    return withCause(
      new UnknownPaymentMethodError('Stripe does not know this payment method'),
      error,
    );
  }
  if (error instanceof Stripe.errors.StripeConnectionError) {
    return withCause(
      new PaymentUnavailableError('The payment provider did not answer in time', 'timeout'),
      error,
    );
  }
  const type = error instanceof Stripe.errors.StripeError ? ` (${error.type})` : '';
  return withCause(
    new PaymentUnavailableError(`The payment provider failed${type}`, 'provider_error'),
    error,
  );
}

function withCause<T extends Error>(error: T, cause: unknown): T {
  error.cause = cause;
  return error;
}
