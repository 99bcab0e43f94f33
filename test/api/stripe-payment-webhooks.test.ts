/**
 * Stripe's webhooks reconcile payments: a PaymentIntent that succeeded without an order (the
 * checkout's process died after Stripe charged) is refunded once its hold has ended, and a
 * refund made in the Stripe dashboard shows on the order. Stripe sends an event again until it
 * is acknowledged, and may send it twice: the effect applies once.
 */
import type { FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import { createStripeClient, StripePaymentProvider } from '../../src/modules/drops/index.js';
import { createServices, type Services } from '../../src/services.js';
import { claim, liveOffer, shopperDetails } from '../support/drops.js';
import { type FakeStripe, startFakeStripe } from '../support/fake-stripe.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
  testPasswordCost,
  testSecret,
} from '../support/test-app.js';
import { DyingProcess } from '../support/test-bank.js';

const webhookSecret = 'whsec_test_reconcile_0123456789';
const clock = new ManualClock('2026-11-22T18:00:00Z');
const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

function stripeEvent(type: string, object: Record<string, unknown>): string {
  return JSON.stringify({
    id: `evt_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    type,
    created: nowSeconds(),
    data: { object },
  });
}

const waitFor = async (condition: () => boolean | Promise<boolean>) => {
  for (let tries = 0; !(await condition()); tries += 1) {
    if (tries > 500) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('Stripe webhooks reconcile payments', () => {
  let fake: FakeStripe;
  let firstProcess: DyingProcess;
  let context: TestContext;
  let acme: SeededOrganization;
  const others: Array<{ services: Services; app: FastifyInstance }> = [];

  beforeAll(async () => {
    fake = await startFakeStripe();
    const client = createStripeClient('sk_test_fake', {
      host: '127.0.0.1',
      port: fake.port,
      protocol: 'http',
    });
    firstProcess = new DyingProcess(new StripePaymentProvider(client));
    context = await createTestContext({
      clock,
      stripe: { secretKey: 'sk_test_fake', webhookSecret },
      paymentProviders: { stripe: firstProcess },
    });
    acme = await seedOrganization(context, 'Acme');
    const subscribed = await context.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: { cookie: acme.ownerCookie },
      payload: { url: 'https://finance.example.test/hooks', eventTypes: ['order.refunded'] },
    });
    expect(subscribed.statusCode).toBe(201);
  });
  afterAll(async () => {
    for (const other of others) {
      await other.app.close();
      await other.services.offerStore.stop();
      await other.services.scheduler.stop();
    }
    await context.close();
    await fake.close();
  });

  /** The server started again on the same database, with Stripe as STRIPE_* configures it. */
  async function restart(): Promise<{ services: Services; app: FastifyInstance }> {
    const services = createServices({
      db: context.database.db,
      clock,
      secret: testSecret,
      passwordCost: testPasswordCost,
      stripe: { secretKey: 'sk_test_fake', webhookSecret, apiUrl: fake.url },
    });
    await services.offerStore.recover();
    const app = await buildApp({
      services,
      logger: createLogger('silent'),
      baseUrl: 'http://localhost:3000',
      trustProxy: false,
      pingDatabase: async () => {},
      version: 'test',
    });
    await app.ready();
    others.push({ services, app });
    return { services, app };
  }

  const deliver = (app: FastifyInstance, payload: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/stripe',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({
          payload,
          secret: webhookSecret,
          timestamp: nowSeconds(),
        }),
      },
      payload,
    });

  const refundsOf = (intentId: string) =>
    fake.requests.filter(
      (request) => request.path === '/v1/refunds' && request.params.payment_intent === intentId,
    );

  const payWithStripe = {
    ...shopperDetails,
    payment: { provider: 'stripe', token: 'pm_card_visa' },
  };

  async function paidOrder(shopper: string): Promise<{ orderId: string; intentId: string }> {
    const { offerId } = await liveOffer(context.app, acme, { units: 2 });
    const holdId = (await claim(context.app, offerId, shopper)).json().holdId;
    const paid = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      payload: payWithStripe,
    });
    expect(paid.statusCode).toBe(201);
    const order = await context.database.db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', paid.json().orderId)
      .executeTakeFirstOrThrow();
    return { orderId: order.id, intentId: order.paymentReference };
  }

  const orderOf = async (orderId: string) =>
    (
      await context.app.inject({
        url: `/api/v1/orders/${orderId}`,
        headers: { cookie: acme.ownerCookie },
      })
    ).json();

  const refundEvents = () =>
    context.database.db
      .selectFrom('webhookDeliveries')
      .select('payload')
      .where('type', '=', 'order.refunded')
      .execute();

  it('refunds a payment that succeeded without an order once its hold ended, once', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 2, holdTtlSeconds: 60 });
    const holdId = (await claim(context.app, offerId, 'cut-off')).json().holdId as string;
    const before = fake.charges().length;
    firstProcess.dying = true;
    void context.services.shopper.checkout(holdId, payWithStripe);
    await waitFor(() => fake.charges().length > before);
    firstProcess.dying = false;
    const intent = fake.charges().at(-1);
    if (!intent) throw new Error('no charge');
    // Stripe was told which hold the payment is for.
    const created = fake.requests.find(
      (request) =>
        request.path === '/v1/payment_intents' &&
        request.idempotencyKey === `${holdId}:pm_card_visa`,
    );
    expect(created?.params['metadata[mydropHoldId]']).toBe(holdId);

    const server = await restart();
    const event = stripeEvent('payment_intent.succeeded', {
      id: intent.id,
      object: 'payment_intent',
      status: 'succeeded',
      metadata: { mydropHoldId: holdId },
    });
    // While the hold lasts the shopper may still pay with this card and get this payment.
    expect((await deliver(server.app, event)).statusCode).toBe(200);
    expect(refundsOf(intent.id)).toEqual([]);

    clock.advance(61_000);
    await server.services.offerStore.sweep();
    await waitFor(
      async () =>
        (
          await context.database.db
            .selectFrom('holds')
            .select('status')
            .where('id', '=', holdId)
            .executeTakeFirst()
        )?.status === 'expired',
    );
    expect((await deliver(server.app, event)).statusCode).toBe(200);
    expect(refundsOf(intent.id).map((request) => request.params.amount)).toEqual(['1900']);
    expect(intent.charges).toBe(1);
    const attempts = await context.database.db
      .selectFrom('checkoutPayments')
      .selectAll()
      .where('holdId', '=', holdId)
      .execute();
    expect(attempts).toEqual([
      expect.objectContaining({ status: 'refunded', providerReference: intent.id }),
    ]);

    // Stripe sends the event again: nothing more is refunded.
    expect((await deliver(server.app, event)).statusCode).toBe(200);
    expect(refundsOf(intent.id)).toHaveLength(1);
  });

  it('shows a refund made in the Stripe dashboard on the order, told once', async () => {
    const { orderId, intentId } = await paidOrder('refunded-by-support');
    expect(await orderOf(orderId)).toMatchObject({ refundedMinor: 0, refundedAt: null });
    const refunded = (amount: number) =>
      stripeEvent('charge.refunded', {
        id: `ch_for_${intentId}`,
        object: 'charge',
        payment_intent: intentId,
        amount: 1900,
        amount_refunded: amount,
        refunded: amount === 1900,
      });
    const partly = refunded(500);
    expect((await deliver(context.app, partly)).statusCode).toBe(200);
    expect(await orderOf(orderId)).toMatchObject({ status: 'paid', refundedMinor: 500 });

    const whole = refunded(1900);
    expect((await deliver(context.app, whole)).statusCode).toBe(200);
    // Sent again, and late: the order keeps what Stripe last reported.
    expect((await deliver(context.app, whole)).statusCode).toBe(200);
    expect((await deliver(context.app, partly)).statusCode).toBe(200);
    expect(await orderOf(orderId)).toMatchObject({
      status: 'paid',
      refundedMinor: 1900,
      refundedAt: clock.now().toISOString(),
    });
    const told = (await refundEvents()).filter(
      (event) => (event.payload.data as { orderId: string }).orderId === orderId,
    );
    expect(
      told.map((event) => (event.payload.data as { refundedMinor: number }).refundedMinor),
    ).toEqual([500, 1900]);
  });

  it('leaves an order Mydrop refunded itself as cancelled, with nothing more to record', async () => {
    const { orderId, intentId } = await paidOrder('cancelled-in-console');
    const cancelled = await context.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${orderId}/cancel`,
      headers: { cookie: acme.ownerCookie },
      payload: { restock: true },
    });
    expect(cancelled.statusCode).toBe(200);
    const event = stripeEvent('charge.refunded', {
      id: `ch_for_${intentId}`,
      object: 'charge',
      payment_intent: intentId,
      amount: 1900,
      amount_refunded: 1900,
      refunded: true,
    });
    expect((await deliver(context.app, event)).statusCode).toBe(200);
    expect(await orderOf(orderId)).toMatchObject({ status: 'cancelled', refundedMinor: 0 });
    const told = (await refundEvents()).filter(
      (entry) => (entry.payload.data as { orderId: string }).orderId === orderId,
    );
    expect(told).toEqual([]);
  });
});
