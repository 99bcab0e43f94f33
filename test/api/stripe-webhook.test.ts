import { Writable } from 'node:stream';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import {
  createStripeClient,
  SandboxPaymentProvider,
  StripePaymentProvider,
} from '../../src/modules/drops/index.js';
import { claim, liveOffer, shopperDetails } from '../support/drops.js';
import { type FakeStripe, startFakeStripe } from '../support/fake-stripe.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

const webhookSecret = 'whsec_test_0123456789abcdef';
const clock = new ManualClock('2026-11-22T18:00:00Z');
const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

/** Stripe configured, its client pointed at the fake, logs to `logSink`. */
function createStripeTestContext(stripePort: number, logSink: Writable): Promise<TestContext> {
  const client = createStripeClient('sk_test_fake', {
    host: '127.0.0.1',
    port: stripePort,
    protocol: 'http',
  });
  return createTestContext({
    clock,
    logger: createLogger('info', logSink),
    stripe: { secretKey: 'sk_test_fake', webhookSecret },
    paymentProviders: {
      sandbox: new SandboxPaymentProvider(),
      stripe: new StripePaymentProvider(client),
    },
  });
}

function stripeEvent(type: string, object: Record<string, unknown>): string {
  return JSON.stringify({
    id: `evt_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    type,
    created: nowSeconds(),
    data: { object },
  });
}

function sign(payload: string, options: { secret?: string; timestamp?: number } = {}): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? webhookSecret,
    timestamp: options.timestamp ?? nowSeconds(),
  });
}

describe('Stripe webhooks and checkout through Stripe', () => {
  const logLines: string[] = [];
  let fake: FakeStripe;
  let context: TestContext;
  let acme: SeededOrganization;

  beforeAll(async () => {
    fake = await startFakeStripe();
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    context = await createStripeTestContext(fake.port, sink);
    acme = await seedOrganization(context, 'Acme');
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });

  const deliver = (payload: string, signature?: string) =>
    context.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/stripe',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...(signature ? { 'stripe-signature': signature } : {}),
      },
      payload,
    });

  it('accepts a signed payment_intent.succeeded and logs its PaymentIntent', async () => {
    const payload = stripeEvent('payment_intent.succeeded', {
      id: 'pi_signed_1',
      object: 'payment_intent',
    });
    const response = await deliver(payload, sign(payload));
    expect([response.statusCode, response.json()]).toEqual([200, { received: true }]);
    const line = logLines.find((entry) =>
      entry.includes('stripe webhook payment_intent.succeeded'),
    );
    expect(line).toContain('"paymentIntent":"pi_signed_1"');
  });

  it('reads the PaymentIntent of a charge.refunded event', async () => {
    const payload = stripeEvent('charge.refunded', {
      id: 'ch_1',
      object: 'charge',
      payment_intent: 'pi_refunded_1',
    });
    expect((await deliver(payload, sign(payload))).statusCode).toBe(200);
    expect(logLines.some((entry) => entry.includes('"paymentIntent":"pi_refunded_1"'))).toBe(true);
  });

  it('acknowledges event types it does not handle', async () => {
    const payload = stripeEvent('customer.created', { id: 'cus_1', object: 'customer' });
    expect((await deliver(payload, sign(payload))).statusCode).toBe(200);
  });

  it('answers 400 naming the problem when the body was changed after signing', async () => {
    const payload = stripeEvent('payment_intent.succeeded', { id: 'pi_signed_2' });
    const tampered = payload.replace('pi_signed_2', 'pi_forged_2');
    const response = await deliver(tampered, sign(payload));
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(
        /^The Stripe-Signature header does not verify: No signatures found/,
      ),
    });
    expect(logLines.some((entry) => entry.includes('pi_forged_2'))).toBe(false);
  });

  it('answers 400 for a missing header, another secret, or a replay older than five minutes', async () => {
    const payload = stripeEvent('payment_intent.payment_failed', { id: 'pi_failed_1' });
    const missing = await deliver(payload);
    expect([missing.statusCode, missing.json().error.message]).toEqual([
      400,
      'The Stripe-Signature header is missing',
    ]);
    const otherSecret = await deliver(payload, sign(payload, { secret: 'whsec_someone_else' }));
    expect(otherSecret.statusCode).toBe(400);
    const replay = await deliver(payload, sign(payload, { timestamp: nowSeconds() - 600 }));
    expect([replay.statusCode, replay.json().error.message]).toEqual([
      400,
      'The Stripe-Signature header does not verify: Timestamp outside the tolerance zone',
    ]);
  });

  it('leaves JSON parsing of every other route as it was', async () => {
    const response = await context.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@example.com', password: 'wrong password' },
    });
    expect(response.json().error.code).toBe('invalid_credentials');
  });

  it('takes payment with provider "stripe", and refunds the PaymentIntent on cancel', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const pay = async (token: string) => {
      const holdId = (await claim(context.app, offerId, `shopper-${token}`)).json().holdId;
      return context.app.inject({
        method: 'POST',
        url: `/api/v1/public/holds/${holdId}/checkout`,
        payload: { ...shopperDetails, payment: { provider: 'stripe', token } },
      });
    };
    const declined = await pay('pm_card_chargeDeclined');
    expect([declined.statusCode, declined.json().error.details]).toEqual([
      402,
      { reason: 'generic_decline' },
    ]);
    const paid = await pay('pm_card_visa');
    expect(paid.statusCode).toBe(201);
    const cancelled = await context.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${paid.json().orderId}/cancel`,
      headers: { cookie: acme.ownerCookie },
      payload: { restock: true },
    });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', paymentProvider: 'stripe' });
    const refunded = fake.requests
      .filter((request) => request.path === '/v1/refunds')
      .map((request) => request.params.payment_intent);
    expect(refunded).toEqual(fake.charges().map((intent) => intent.id));
  });

  it('lists the webhook in the OpenAPI document', async () => {
    const document = (await context.app.inject({ url: '/api/openapi.json' })).json();
    expect(Object.keys(document.paths)).toContain('/api/v1/webhooks/stripe');
  });
});

describe('Stripe webhooks without STRIPE_WEBHOOK_SECRET', () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext();
  });
  afterAll(() => context.close());

  it('answers 404 not_found: Stripe is not configured', async () => {
    const payload = stripeEvent('payment_intent.succeeded', { id: 'pi_1' });
    const response = await context.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': sign(payload) },
      payload,
    });
    expect([response.statusCode, response.json().error]).toEqual([
      404,
      { code: 'not_found', message: 'Stripe is not configured', details: {} },
    ]);
  });
});
