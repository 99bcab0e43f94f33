/**
 * Cancelling or returning an order gives back what the shopper was charged: `totalMinor`, with
 * the tax a US-style region adds on top of the offer price, through the sandbox provider and
 * through the Stripe adapter (pointed at a local fake of api.stripe.com).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createStripeClient,
  type PaymentProvider,
  SandboxPaymentProvider,
  StripePaymentProvider,
} from '../../src/modules/drops/index.js';
import {
  type ChargeRequest,
  type ChargeResult,
  PaymentUnavailableError,
} from '../../src/modules/drops/payment-provider.js';
import { claim, liveOffer, shopperDetails } from '../support/drops.js';
import { type FakeStripe, startFakeStripe } from '../support/fake-stripe.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

/** The sandbox, remembering each refund; `failRefunds` makes it fail as a provider outage does. */
class RecordingSandbox implements PaymentProvider {
  readonly name = 'sandbox';
  readonly refunds: Array<{ reference: string; amountMinor: number }> = [];
  failRefunds = false;
  private readonly sandbox = new SandboxPaymentProvider();

  charge(request: ChargeRequest): Promise<ChargeResult> {
    return this.sandbox.charge(request);
  }

  async refund(reference: string, amountMinor: number): Promise<void> {
    if (this.failRefunds) {
      throw new PaymentUnavailableError('The payment provider failed', 'provider_error');
    }
    this.refunds.push({ reference, amountMinor });
  }
}

describe('refunds of cancelled and returned orders', () => {
  const sandbox = new RecordingSandbox();
  let fake: FakeStripe;
  let context: TestContext;
  let acme: SeededOrganization;
  let offerId: string;

  beforeAll(async () => {
    fake = await startFakeStripe();
    const stripeClient = createStripeClient('sk_test_fake', {
      host: '127.0.0.1',
      port: fake.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    context = await createTestContext({
      paymentProviders: { sandbox, stripe: new StripePaymentProvider(stripeClient) },
    });
    acme = await seedOrganization(context, 'Acme');
    // Prices exclude tax in the US region: 8% goes on top of the 19.00 offer price.
    for (const payload of [
      {
        name: 'EU warehouse',
        countries: ['FR'],
        capabilities: ['standard'],
        taxRates: [{ country: 'FR', rateBasisPoints: 2000 }],
      },
      {
        name: 'US east',
        countries: ['US'],
        capabilities: ['standard'],
        pricesIncludeTax: false,
        taxRates: [{ country: 'US', rateBasisPoints: 800 }],
      },
    ]) {
      const region = await context.app.inject({
        method: 'POST',
        url: '/api/v1/fulfilment/regions',
        headers: { cookie: acme.ownerCookie },
        payload,
      });
      expect(region.statusCode).toBe(201);
    }
    ({ offerId } = await liveOffer(context.app, acme, { units: 20 }));
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });
  beforeEach(() => {
    sandbox.refunds.length = 0;
    sandbox.failRefunds = false;
    fake.requests.length = 0;
  });

  async function buy(
    shopper: string,
    country: string,
    provider = 'sandbox',
  ): Promise<{ id: string; amountMinor: number; totalMinor: number; paymentProvider: string }> {
    const { holdId } = (await claim(context.app, offerId, shopper)).json();
    const paid = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      payload: {
        ...shopperDetails,
        address: { ...shopperDetails.address, country },
        payment: { provider, token: 'pm_card_visa' },
      },
    });
    expect(paid.statusCode).toBe(201);
    const order = await context.app.inject({
      url: `/api/v1/orders/${paid.json().orderId}`,
      headers: { cookie: acme.ownerCookie },
    });
    return order.json();
  }

  const end = (orderId: string, action: 'cancel' | 'return', restock = true) =>
    context.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${orderId}/${action}`,
      headers: { cookie: acme.ownerCookie },
      payload: { restock },
    });

  async function available(): Promise<number> {
    const offer = await context.app.inject({ url: `/api/v1/public/offers/${offerId}` });
    return offer.json().stockLeft;
  }

  it('refunds the whole charge, tax on top included, when a US order is cancelled', async () => {
    const order = await buy('boston', 'US');
    expect(order).toMatchObject({ amountMinor: 1900, totalMinor: 2052 });
    const cancelled = await end(order.id, 'cancel');
    expect(cancelled.statusCode).toBe(200);
    expect(sandbox.refunds).toEqual([
      { reference: expect.stringMatching(/^sandbox_ch_/), amountMinor: 2052 },
    ]);
  });

  it('refunds the whole charge when a US order is returned, restocked or not', async () => {
    const kept = await buy('austin', 'US');
    const writtenOff = await buy('denver', 'US');
    expect((await end(kept.id, 'return', true)).statusCode).toBe(200);
    expect((await end(writtenOff.id, 'return', false)).statusCode).toBe(200);
    expect(sandbox.refunds.map((refund) => refund.amountMinor)).toEqual([2052, 2052]);
  });

  it('refunds the price when tax was inside it (EU), once, and not again on a second try', async () => {
    const order = await buy('paris', 'FR');
    expect(order).toMatchObject({ amountMinor: 1900, totalMinor: 1900 });
    expect((await end(order.id, 'cancel')).statusCode).toBe(200);
    const again = await end(order.id, 'return');
    expect(again.statusCode).toBe(409);
    expect(sandbox.refunds).toEqual([{ reference: expect.any(String), amountMinor: 1900 }]);
  });

  it('changes nothing when the refund fails, and refunds on the retry', async () => {
    const order = await buy('chicago', 'US');
    const before = await available();
    sandbox.failRefunds = true;
    const failed = await end(order.id, 'cancel');
    expect(failed.statusCode).toBe(502);
    expect(failed.json().error).toMatchObject({
      code: 'payment_unavailable',
      message: expect.stringContaining('nothing was refunded or changed'),
    });
    const unchanged = await context.app.inject({
      url: `/api/v1/orders/${order.id}`,
      headers: { cookie: acme.ownerCookie },
    });
    expect(unchanged.json().status).toBe('paid');
    expect(await available()).toBe(before);

    sandbox.failRefunds = false;
    const retried = await end(order.id, 'cancel');
    expect(retried.json()).toMatchObject({ status: 'cancelled', totalMinor: 2052 });
    expect(sandbox.refunds.map((refund) => refund.amountMinor)).toEqual([2052]);
    expect(await available()).toBe(before + 1);
  });

  it('refunds the whole charge through Stripe, tax on top included', async () => {
    const order = await buy('seattle', 'US', 'stripe');
    expect(order).toMatchObject({ paymentProvider: 'stripe', totalMinor: 2052 });
    expect((await end(order.id, 'cancel')).statusCode).toBe(200);
    const refunds = fake.requests.filter((request) => request.path === '/v1/refunds');
    expect(refunds.map((request) => request.params)).toEqual([
      { payment_intent: expect.stringMatching(/^pi_fake_/), amount: '2052' },
    ]);
  });
});
