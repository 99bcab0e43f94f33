import Stripe from 'stripe';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import {
  type ChargeRequest,
  type ChargeResult,
  type PaymentProvider,
  PaymentUnavailableError,
  UnknownPaymentMethodError,
} from './payment-provider.js';

/** Keys from the environment (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET). */
export interface StripeSettings {
  secretKey: string;
  /** Without it, webhooks are refused: nothing unsigned is ever trusted. */
  webhookSecret: string | undefined;
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

/**
 * Charges through Stripe PaymentIntents, created and confirmed in one call with the shopper's
 * PaymentMethod id as the token (`pm_card_visa` and friends work in test mode).
 *
 * Live drops have no redirect step: a card that asks for 3-D Secure (`requires_action`) is
 * declined as `authentication_required` and its PaymentIntent cancelled, so the shopper can
 * retry with another card while the hold lasts.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe';
  private readonly stripe: Stripe;

  constructor(client: string | Stripe) {
    this.stripe = typeof client === 'string' ? createStripeClient(client) : client;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    let intent: Stripe.PaymentIntent;
    try {
      intent = await this.stripe.paymentIntents.create(
        {
          amount: request.amountMinor,
          currency: request.currency.toLowerCase(),
          payment_method: request.token,
          confirm: true,
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          description: request.description,
        },
        { idempotencyKey: request.idempotencyKey },
      );
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        return { status: 'declined', reason: error.decline_code || error.code || 'card_declined' };
      }
      throw translateStripeError(error);
    }
    switch (intent.status) {
      case 'succeeded':
        return { status: 'succeeded', reference: intent.id };
      case 'requires_action':
        await this.cancelQuietly(intent.id);
        return { status: 'declined', reason: 'authentication_required' };
      case 'requires_payment_method': {
        const failure = intent.last_payment_error;
        return {
          status: 'declined',
          reason: failure?.decline_code || failure?.code || 'card_declined',
        };
      }
      default:
        // processing, requires_capture, ...: not a state a confirmed card payment should end in.
        throw new PaymentUnavailableError(
          `The payment provider left the payment ${intent.status}`,
          'provider_error',
        );
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

  /** An unauthenticated intent can never capture money; cancelling only tidies the dashboard. */
  private async cancelQuietly(paymentIntentId: string): Promise<void> {
    try {
      await this.stripe.paymentIntents.cancel(paymentIntentId);
    } catch {
      // Already cancelled by an earlier attempt, or Stripe is unreachable: either way harmless.
    }
  }
}

/**
 * Stripe's error, translated for checkout. Messages are generic on purpose: the shopper sees
 * them, and Stripe's own messages can name keys or accounts. The original stays as `cause`.
 */
function translateStripeError(error: unknown): Error {
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    error.param === 'payment_method'
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
