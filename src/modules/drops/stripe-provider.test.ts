import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeStripe, startFakeStripe } from '../../../test/support/fake-stripe.js';
import { PaymentUnavailableError, UnknownPaymentMethodError } from './payment-provider.js';
import { createStripeClient, StripePaymentProvider } from './stripe-provider.js';

describe('the Stripe payment provider', () => {
  let fake: FakeStripe;
  let provider: StripePaymentProvider;

  beforeAll(async () => {
    fake = await startFakeStripe();
    const client = createStripeClient('sk_test_fake', {
      host: '127.0.0.1',
      port: fake.port,
      protocol: 'http',
      timeout: 300,
    });
    provider = new StripePaymentProvider(client);
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });
  afterAll(() => fake.close());

  const charge = (token: string, hold = 'hold-1') =>
    provider.charge({
      amountMinor: 3800,
      currency: 'EUR',
      token,
      idempotencyKey: `${hold}:${token}`,
      description: 'Glow serum drop',
    });

  it('creates and confirms a PaymentIntent in one call and answers its id as the reference', async () => {
    const result = await charge('pm_card_visa');
    const [intent] = fake.charges();
    expect(result).toEqual({ status: 'succeeded', reference: intent?.id });
    expect(fake.requests).toEqual([
      {
        method: 'POST',
        path: '/v1/payment_intents',
        idempotencyKey: 'hold-1:pm_card_visa',
        params: {
          amount: '3800',
          currency: 'eur',
          payment_method: 'pm_card_visa',
          'allowed_payment_method_types[0]': 'card',
          confirmation_method: 'manual',
          confirm: 'true',
          use_stripe_sdk: 'true',
          description: 'Glow serum drop',
        },
      },
    ]);
  });

  it("answers a card decline as declined with the issuer's decline code", async () => {
    expect(await charge('pm_card_chargeDeclined')).toEqual({
      status: 'declined',
      reason: 'generic_decline',
    });
  });

  it('answers requires_action with the client secret while the card waits for 3-D Secure', async () => {
    const result = await charge('pm_card_threeDSecure2Required', 'hold-3ds-wait');
    const intent = [...fake.intents.values()].find(
      (candidate) => candidate.paymentMethod === 'pm_card_threeDSecure2Required',
    );
    expect(result).toEqual({
      status: 'requires_action',
      clientSecret: `${intent?.id}_secret_fake`,
    });
    // Asked again before the shopper authenticated: the same PaymentIntent, still waiting.
    expect(await charge('pm_card_threeDSecure2Required', 'hold-3ds-wait')).toEqual(result);
    expect(fake.intents.get(intent?.id ?? '')).toMatchObject({
      status: 'requires_action',
      charges: 0,
    });
  });

  it('confirms the same PaymentIntent once the shopper authenticated, charging once', async () => {
    const first = await charge('pm_card_threeDSecure2Required', 'hold-3ds-ok');
    expect(first.status).toBe('requires_action');
    const intentId =
      first.status === 'requires_action' ? first.clientSecret.split('_secret_')[0] : '';
    fake.authenticate(intentId ?? '');
    fake.requests.length = 0;
    expect(await charge('pm_card_threeDSecure2Required', 'hold-3ds-ok')).toEqual({
      status: 'succeeded',
      reference: intentId,
    });
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /v1/payment_intents',
      `GET /v1/payment_intents/${intentId}`,
      `POST /v1/payment_intents/${intentId}/confirm`,
    ]);
    // A retry after that (a lost answer) finds it paid and confirms nothing more.
    expect(await charge('pm_card_threeDSecure2Required', 'hold-3ds-ok')).toEqual({
      status: 'succeeded',
      reference: intentId,
    });
    expect(fake.intents.get(intentId ?? '')?.charges).toBe(1);
  });

  it('declines a payment whose 3-D Secure challenge failed', async () => {
    const first = await charge('pm_card_threeDSecure2Required', 'hold-3ds-failed');
    fake.authenticate(
      first.status === 'requires_action' ? (first.clientSecret.split('_secret_')[0] ?? '') : '',
      'fail',
    );
    expect(await charge('pm_card_threeDSecure2Required', 'hold-3ds-failed')).toEqual({
      status: 'declined',
      reason: 'payment_intent_authentication_failure',
    });
  });

  it('throws a timeout when Stripe does not answer, after one retry with the same key', async () => {
    const failure = await charge('pm_card_timeout').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PaymentUnavailableError);
    expect(failure).toMatchObject({ reason: 'timeout' });
    expect(fake.requests.map((request) => request.idempotencyKey)).toEqual([
      'hold-1:pm_card_timeout',
      'hold-1:pm_card_timeout',
    ]);
  });

  it('throws a provider error when Stripe fails, without passing on its message', async () => {
    const failure = await charge('pm_card_providerError').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PaymentUnavailableError);
    expect(failure).toMatchObject({
      reason: 'provider_error',
      message: 'The payment provider failed (StripeAPIError)',
    });
    expect(fake.requests).toHaveLength(2);
  });

  it('rejects a payment method Stripe does not know as an unknown payment method', async () => {
    await expect(charge('pm_made_up')).rejects.toBeInstanceOf(UnknownPaymentMethodError);
  });

  it('refunds the PaymentIntent with one idempotency key per payment', async () => {
    await provider.refund('pi_fake_paid', 3800);
    expect(fake.requests).toEqual([
      {
        method: 'POST',
        path: '/v1/refunds',
        idempotencyKey: 'refund:pi_fake_paid',
        params: { payment_intent: 'pi_fake_paid', amount: '3800' },
      },
    ]);
  });

  it('treats a payment that is already refunded as refunded', async () => {
    await expect(provider.refund('pi_already_refunded', 3800)).resolves.toBeUndefined();
  });

  it('builds its own client from a secret key without calling Stripe', () => {
    expect(new StripePaymentProvider('sk_test_unused').name).toBe('stripe');
  });

  it('lets pages collect cards only when it has the publishable key and Stripe.js address', () => {
    const settings = { secretKey: 'sk_test_unused', webhookSecret: undefined };
    expect(new StripePaymentProvider(settings).cardCollection).toBeUndefined();
    expect(
      new StripePaymentProvider({
        ...settings,
        publishableKey: 'pk_test_page',
        jsUrl: 'https://js.stripe.com/v3/',
      }).cardCollection,
    ).toEqual({ publishableKey: 'pk_test_page', scriptUrl: 'https://js.stripe.com/v3/' });
  });

  it('talks to the API origin its settings name', async () => {
    const local = new StripePaymentProvider({
      secretKey: 'sk_test_fake',
      webhookSecret: undefined,
      apiUrl: fake.url,
    });
    const result = await local.charge({
      amountMinor: 500,
      currency: 'EUR',
      token: 'pm_card_visa',
      idempotencyKey: 'hold-api-url:pm_card_visa',
      description: 'Local',
    });
    expect(result.status).toBe('succeeded');
    expect(fake.requests.map((request) => request.idempotencyKey)).toEqual([
      'hold-api-url:pm_card_visa',
    ]);
  });
});
