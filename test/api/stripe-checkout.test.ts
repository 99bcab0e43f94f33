/**
 * Checkout through Stripe alone (the sandbox off, as in production), wired from settings as
 * `mydrop start` wires it, against a local fake of api.stripe.com: 3-D Secure answered as
 * `payment_requires_action` and then confirmed on the same PaymentIntent, charged once; the
 * offer page's card form and its Content-Security-Policy; the no-JavaScript pages sending the
 * shopper to the full page.
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

/** Stripe alone, wired from settings as `mydrop start` wires it, the sandbox off. */
function createStripeOnlyContext(fake: FakeStripe): Promise<TestContext> {
  return createTestContext({
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
}

describe('checkout through Stripe only', () => {
  let fake: FakeStripe;
  let context: TestContext;
  let acme: SeededOrganization;

  beforeAll(async () => {
    fake = await startFakeStripe();
    context = await createStripeOnlyContext(fake);
    acme = await seedOrganization(context, 'Acme');
  });
  afterAll(async () => {
    await context.close();
    await fake.close();
  });

  const checkout = (holdId: string, token: string, key: string) =>
    context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      headers: { 'idempotency-key': key },
      payload: { ...shopperDetails, payment: { provider: 'stripe', token } },
    });
  const holdState = async (holdId: string) =>
    (await context.app.inject({ url: `/api/v1/public/holds/${holdId}` })).json();

  it('answers 402 payment_requires_action for 3-D Secure, then confirms the same payment once', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 3 });
    const holdId = (await claim(context.app, offerId, 'shopper-3ds')).json().holdId as string;
    const token = 'pm_card_threeDSecure2Required';

    const first = await checkout(holdId, token, 'attempt-1');
    expect(first.statusCode).toBe(402);
    const error = first.json().error;
    expect(error.code).toBe('payment_requires_action');
    expect(error.message).toMatch(/nothing was charged, the hold stays/);
    const clientSecret = error.details.clientSecret as string;
    const intentId = clientSecret.split('_secret_')[0] ?? '';
    expect(fake.intents.get(intentId)).toMatchObject({ status: 'requires_action', charges: 0 });
    // Nothing recorded, the hold kept for the shopper and unpinned for the retry.
    expect(await holdState(holdId)).toMatchObject({ state: 'held', orderId: null });

    // Before the shopper authenticated, a retry asks again for the same PaymentIntent.
    const early = await checkout(holdId, token, 'attempt-2');
    expect([early.statusCode, early.json().error.details]).toEqual([402, { clientSecret }]);

    fake.authenticate(intentId);
    const paid = await checkout(holdId, token, 'attempt-3');
    expect(paid.statusCode).toBe(201);
    const orderId = paid.json().orderId as string;
    expect(fake.charges().filter((intent) => intent.paymentMethod === token)).toEqual([
      expect.objectContaining({ id: intentId, charges: 1, status: 'succeeded' }),
    ]);
    const order = await context.app.inject({
      url: `/api/v1/orders/${orderId}`,
      headers: { cookie: acme.ownerCookie },
    });
    expect(order.json()).toMatchObject({ status: 'paid', paymentProvider: 'stripe', holdId });

    // The page's retry after a lost answer gets the same order, and no second charge.
    const again = await checkout(holdId, token, 'attempt-4');
    expect([again.statusCode, again.json().orderId]).toEqual([201, orderId]);
    expect(fake.intents.get(intentId)?.charges).toBe(1);
  });

  it('declines, keeping the hold, when the 3-D Secure challenge fails', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const holdId = (await claim(context.app, offerId, 'shopper-3ds-fail')).json().holdId as string;
    const first = await checkout(holdId, 'pm_card_threeDSecure2Required', 'fail-1');
    const intentId = (first.json().error.details.clientSecret as string).split('_secret_')[0];
    fake.authenticate(intentId ?? '', 'fail');
    const declined = await checkout(holdId, 'pm_card_threeDSecure2Required', 'fail-2');
    expect([declined.statusCode, declined.json().error]).toMatchObject([
      402,
      { code: 'payment_declined', details: { reason: 'payment_intent_authentication_failure' } },
    ]);
    expect(await holdState(holdId)).toMatchObject({ state: 'held' });
    // Another card pays for the same hold.
    expect((await checkout(holdId, 'pm_card_visa', 'fail-3')).statusCode).toBe(201);
  });

  it('refuses the sandbox test cards', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const holdId = (await claim(context.app, offerId, 'shopper-sandbox')).json().holdId as string;
    const response = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      payload: { ...shopperDetails, payment: { provider: 'sandbox', token: 'pm_card_visa' } },
    });
    expect([response.statusCode, response.json().error.message]).toEqual([
      400,
      'payment.provider: must be one of stripe',
    ]);
  });

  it('serves the offer page with the card form, Stripe.js and a policy that allows it', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const page = await context.app.inject({ url: `/o/${offerId}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-card-provider="stripe" data-card-key="pk_test_offer_page"');
    expect(page.body).toContain(`<script src="${fake.jsUrl}" id="payment-js" async></script>`);
    expect(page.body).toContain('id="card-element"');
    // No test cards; "save my details" keeps the Stripe.js card under a Customer for one click.
    expect(page.body).not.toContain('id="f-token"');
    expect(page.body).toContain('id="f-save"');
    const policy = page.headers['content-security-policy'] as string;
    expect(policy).toContain(`script-src 'self' ${fake.url};`);
    expect(policy).toContain(`connect-src 'self' https://api.stripe.com ${fake.url};`);
    expect(policy).toContain(`frame-src ${fake.url} https://hooks.stripe.com;`);
    // The overlay and the lite page stay closed to other origins.
    const overlay = await context.app.inject({ url: `/o/${offerId}/overlay` });
    expect(overlay.headers['content-security-policy']).not.toContain(fake.url);
  });

  it('sends the shopper from the no-JavaScript pages to the full page to pay by card', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 2 });
    const lite = await context.app.inject({ url: `/o/${offerId}/lite?code=GLOW&src=tiktok` });
    expect(lite.statusCode).toBe(200);
    expect(lite.body).toContain('Paying by card needs the full page');
    expect(lite.body).toContain(`href="/o/${offerId}?code=GLOW&amp;src=tiktok"`);
    expect(lite.body).not.toContain(`action="/o/${offerId}/lite/claim"`);
    expect(lite.headers['content-security-policy']).not.toContain(fake.url);

    // A claim sent before the offer page's script ran lands on the hold page, which hands the
    // hold over to the full page instead of showing a form that cannot take a card.
    const claimed = await context.app.inject({
      method: 'POST',
      url: `/o/${offerId}/lite/claim`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'shopper=shopper-lite&idempotencyKey=lite-1&quantity=1',
    });
    expect(claimed.statusCode).toBe(303);
    const location = claimed.headers.location as string;
    const holdId = /\/o\/holds\/([^/]+)\/lite/.exec(location)?.[1] ?? '';
    const until = new URL(location, 'http://x').searchParams.get('until') ?? '';
    const holdPage = await context.app.inject({ url: location });
    expect(holdPage.body).toContain('Paying by card needs the full page');
    expect(holdPage.body).toContain(
      `href="/o/${offerId}?hold=${holdId}&amp;until=${encodeURIComponent(until)}"`,
    );
    expect(holdPage.body).not.toContain('/lite/checkout');

    const requestsBefore = fake.requests.length;
    const posted = await context.app.inject({
      method: 'POST',
      url: `/o/holds/${holdId}/lite/checkout`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        offer: offerId,
        until,
        email: 'sam@example.com',
        name: 'Sam',
        line1: '1 Rue de Rivoli',
        city: 'Paris',
        postalCode: '75001',
        country: 'FR',
        token: 'pm_card_visa',
      }).toString(),
    });
    expect(posted.statusCode).toBe(400);
    expect(posted.body).toContain('Nothing was charged: paying by card needs the full page.');
    expect(fake.requests.length).toBe(requestsBefore);
    expect(await holdState(holdId)).toMatchObject({ state: 'held' });
  });
});
