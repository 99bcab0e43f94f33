/**
 * One-click checkout with real Stripe cards (a PaymentMethod from Stripe.js), Stripe alone as
 * in production, against the local fake of api.stripe.com: the first checkout saves the card
 * under a new Customer, one click charges that Customer's card again (3-D Secure included), a
 * card Stripe no longer accepts is refused naming `profile`, and forgetting the profile
 * detaches the card at Stripe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { claim, liveOffer, shopperDetails } from '../support/drops.js';
import { type FakeStripe, startFakeStripe } from '../support/fake-stripe.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

const clock = new ManualClock('2026-11-22T18:00:00Z');

describe('one-click checkout with a card saved at Stripe', () => {
  let fake: FakeStripe;
  let context: TestContext;
  let acme: SeededOrganization;

  beforeAll(async () => {
    fake = await startFakeStripe();
    context = await createTestContext({
      clock,
      sandboxPayments: false,
      stripe: {
        secretKey: 'sk_test_fake',
        webhookSecret: undefined,
        publishableKey: 'pk_test_offer_page',
        jsUrl: fake.jsUrl,
        apiUrl: fake.url,
      },
    });
    acme = await seedOrganization(context, 'Acme');
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });

  const checkout = (holdId: string, payload: object, key?: string) =>
    context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      headers: key ? { 'idempotency-key': key } : {},
      payload,
    });
  const withCard = (token: string) => ({
    ...shopperDetails,
    payment: { provider: 'stripe', token },
    saveProfile: true,
  });
  const profileRequest = (method: 'GET' | 'DELETE', token: string) =>
    context.app.inject({
      method,
      url: '/api/v1/public/profiles/me',
      headers: { 'x-shopper-profile': token },
    });
  const holdState = async (holdId: string) =>
    (await context.app.inject({ url: `/api/v1/public/holds/${holdId}` })).json();

  async function holdFor(shopper: string): Promise<string> {
    const { offerId } = await liveOffer(context.app, acme, { units: 3 });
    const claimed = await claim(context.app, offerId, shopper);
    expect(claimed.statusCode, claimed.body).toBe(201);
    return claimed.json().holdId as string;
  }

  /** Pays with a card typed into Stripe.js and saves it; answers the profile and the card. */
  async function saveCard(shopper: string, cardNumber = '4242424242424242') {
    const card = fake.createPaymentMethod(cardNumber);
    const saved = await checkout(await holdFor(shopper), withCard(card));
    expect(saved.statusCode, saved.body).toBe(201);
    return { profile: saved.json().profile as string, card };
  }

  const profileRow = async (card: string) =>
    context.database.db
      .selectFrom('shopperProfiles')
      .selectAll()
      .where('paymentMethod', '=', card)
      .executeTakeFirstOrThrow();

  it('saves a card typed into Stripe.js under a new Customer, labelled by brand and last digits', async () => {
    const { profile, card } = await saveCard('stripe-saver');
    expect(profile).toMatch(/^msp_/);
    const summary = await profileRequest('GET', profile);
    expect(summary.json()).toMatchObject({
      name: shopperDetails.name,
      paymentLabel: 'Visa ending 4242',
    });

    const row = await profileRow(card);
    const customer = fake.customers.get(row.paymentCustomer ?? '');
    expect(customer).toMatchObject({ email: shopperDetails.email, name: shopperDetails.name });
    expect(row).toMatchObject({ paymentProvider: 'stripe', paymentMethod: card });
    expect(fake.paymentMethods.get(card)?.customer).toBe(customer?.id);
    expect(fake.charges().filter((intent) => intent.paymentMethodId === card)).toEqual([
      expect.objectContaining({ customer: customer?.id, setupFutureUsage: 'on_session' }),
    ]);
  });

  it('charges the saved Customer and card once in one click, a retry answering the same order', async () => {
    const { profile, card } = await saveCard('stripe-returning');
    const { paymentCustomer } = await profileRow(card);
    const holdId = await holdFor('stripe-returning');
    const oneClick = await checkout(holdId, { profile }, 'one-click-1');
    expect(oneClick.statusCode, oneClick.body).toBe(201);
    expect(oneClick.json()).toEqual({ orderId: expect.any(String) });
    const retry = await checkout(holdId, { profile }, 'one-click-1');
    expect(retry.json()).toEqual(oneClick.json());
    const again = await checkout(holdId, { profile });
    expect([again.statusCode, again.json().orderId]).toEqual([201, oneClick.json().orderId]);

    const charged = fake.charges().filter((intent) => intent.paymentMethodId === card);
    expect(charged).toHaveLength(2);
    expect(charged[1]).toMatchObject({ customer: paymentCustomer, charges: 1 });
    const order = await context.app.inject({
      url: `/api/v1/orders/${oneClick.json().orderId}`,
      headers: { cookie: acme.ownerCookie },
    });
    expect(order.json()).toMatchObject({
      status: 'paid',
      paymentProvider: 'stripe',
      email: shopperDetails.email,
      address: shopperDetails.address,
    });
  });

  it('answers 402 with the client secret when the saved card asks for 3-D Secure, then confirms it once', async () => {
    // Saving a card that asks for 3-D Secure: authenticated once at the first checkout.
    const card = fake.createPaymentMethod('4000002760003184');
    const firstHold = await holdFor('stripe-3ds');
    const asked = await checkout(firstHold, withCard(card), 'save-3ds-1');
    expect(asked.statusCode).toBe(402);
    fake.authenticate(
      (asked.json().error.details.clientSecret as string).split('_secret_')[0] ?? '',
    );
    const saved = await checkout(firstHold, withCard(card), 'save-3ds-2');
    expect(saved.statusCode, saved.body).toBe(201);
    const profile = saved.json().profile as string;
    expect((await profileRequest('GET', profile)).json().paymentLabel).toBe('Visa ending 3184');

    // This card asks on every payment: the one-click asks too, and nothing is charged yet.
    const holdId = await holdFor('stripe-3ds');
    const first = await checkout(holdId, { profile }, 'buy-now-1');
    expect([first.statusCode, first.json().error.code]).toEqual([402, 'payment_requires_action']);
    const clientSecret = first.json().error.details.clientSecret as string;
    const intentId = clientSecret.split('_secret_')[0] ?? '';
    expect(fake.intents.get(intentId)).toMatchObject({ status: 'requires_action', charges: 0 });
    expect(await holdState(holdId)).toMatchObject({ state: 'held' });

    fake.authenticate(intentId);
    const paid = await checkout(holdId, { profile }, 'buy-now-2');
    expect(paid.statusCode, paid.body).toBe(201);
    expect(fake.intents.get(intentId)).toMatchObject({ status: 'succeeded', charges: 1 });
    expect(fake.charges().filter((intent) => intent.paymentMethodId === card)).toHaveLength(2);
  });

  it('refuses a card detached at Stripe naming profile, charges nothing and keeps the hold', async () => {
    const { profile, card } = await saveCard('stripe-detached');
    // Detached outside Mydrop (the shopper's bank, the Stripe dashboard).
    await fetch(`${fake.url}/v1/payment_methods/${card}/detach`, { method: 'POST' });
    const chargesBefore = fake.charges().length;
    const holdId = await holdFor('stripe-detached');
    const refused = await checkout(holdId, { profile });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      message:
        'profile: the saved payment method is no longer accepted; check out with your details',
      details: { field: 'profile' },
    });
    expect(fake.charges()).toHaveLength(chargesBefore);
    expect(await holdState(holdId)).toMatchObject({ state: 'held', orderId: null });
    // The shopper pays for the same hold with a card typed in.
    const typed = await checkout(holdId, {
      ...shopperDetails,
      payment: { provider: 'stripe', token: fake.createPaymentMethod('4242424242424242') },
    });
    expect(typed.statusCode).toBe(201);
  });

  it('refuses a saved card that has expired naming profile, without a charge', async () => {
    const { profile, card } = await saveCard('stripe-expired');
    fake.expireCard(card);
    const chargesBefore = fake.charges().length;
    const holdId = await holdFor('stripe-expired');
    const refused = await checkout(holdId, { profile });
    expect([refused.statusCode, refused.json().error.details.field]).toEqual([400, 'profile']);
    expect(fake.charges()).toHaveLength(chargesBefore);
    expect(await holdState(holdId)).toMatchObject({ state: 'held' });
  });

  it('detaches the card at Stripe when the shopper forgets the profile', async () => {
    const { profile, card } = await saveCard('stripe-forgetful');
    expect(fake.paymentMethods.get(card)?.customer).toEqual(expect.stringMatching(/^cus_/));
    expect((await profileRequest('DELETE', profile)).statusCode).toBe(204);
    expect(fake.paymentMethods.get(card)?.customer).toBeNull();
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/v1/payment_methods/${card}/detach`,
    });
    expect((await profileRequest('GET', profile)).statusCode).toBe(404);
  });

  it('refuses saving a payment that is not a Stripe PaymentMethod, before any charge', async () => {
    const requestsBefore = fake.requests.length;
    const refused = await checkout(await holdFor('stripe-token'), withCard('tok_visa'));
    expect([refused.statusCode, refused.json().error.details.field]).toEqual([400, 'saveProfile']);
    expect(fake.requests.length).toBe(requestsBefore);
  });
});
