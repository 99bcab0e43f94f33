/**
 * Paying by card on the offer page with Stripe as the only provider (the sandbox off, as in
 * production), in a real browser against `mydrop start`. Stripe is replaced by local fakes:
 * the server's adapter calls a fake api.stripe.com (MYDROP_STRIPE_API_URL) and the page loads a
 * fake Stripe.js (MYDROP_STRIPE_JS_URL), both honoured under NODE_ENV=test only. Orders are
 * checked through the API and the charges on the fake Stripe; one-click checkout with a saved
 * Stripe card is checked on the fake's Customers and PaymentMethods.
 *
 * Needs Debian's Chromium at /usr/bin/chromium. Without it the suite is skipped, unless
 * MYDROP_REQUIRE_SERVICES=1, where a missing browser is a failure.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipWithoutChromium, useDemoInBrowser } from '../support/browser.js';
import { type FakeStripe, startFakeStripe } from '../support/fake-stripe.js';

const testTimeout = 90_000;
/** A refused script, frame or call would break the card form: each one fails the test. */
const policyRefusals = /Content Security Policy|Refused to/;

describe.skipIf(skipWithoutChromium())('paying by card with Stripe on the offer page', () => {
  let fake: FakeStripe;
  // Filled before the server starts (the session's beforeAll runs after this one).
  const env: Record<string, string> = {};
  beforeAll(async () => {
    fake = await startFakeStripe();
    Object.assign(env, {
      STRIPE_SECRET_KEY: 'sk_test_browser',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_browser',
      MYDROP_STRIPE_JS_URL: fake.jsUrl,
      MYDROP_STRIPE_API_URL: fake.url,
      MYDROP_SANDBOX_PAYMENTS: '0',
    });
  });
  afterAll(() => fake?.close());
  const session = useDemoInBrowser({ console: false, env });

  async function orderOf(orderId: string) {
    const response = await fetch(`${session.baseUrl}/api/v1/orders/${orderId}`, {
      headers: { authorization: `Bearer ${session.demo.apiToken}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { status: string; paymentProvider: string; email: string };
  }

  /** Claims on the offer page and types the shopper's details and card number. */
  async function claimAndFill(page: Page, email: string, cardNumber: string, name = 'Kim Card') {
    await page.goto(`/o/${session.demo.liveOfferId}`);
    await page.getByRole('button', { name: /^Claim for/ }).click();
    await page.locator('#hold').waitFor({ state: 'visible' });
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Full name', { exact: true }).fill(name);
    await page.getByLabel('Address', { exact: true }).fill('5 Quai Voltaire');
    await page.getByLabel('City', { exact: true }).fill('Paris');
    await page.getByLabel('Postal code', { exact: true }).fill('75007');
    await page.getByLabel('Country', { exact: true }).fill('FR');
    await page.getByLabel('Card number').fill(cardNumber);
  }

  async function confirmedOrderId(page: Page): Promise<string> {
    await page.getByRole('heading', { name: 'Order confirmed' }).waitFor();
    return (await page.locator('#order-id').textContent()) ?? '';
  }

  it(
    'claims and pays with a card typed into Stripe.js, without test cards, saving nothing unasked',
    async () => {
      await session.withPage(
        async (page) => {
          await claimAndFill(page, 'kim@example.com', '4242 4242 4242 4242');
          expect(await page.locator('#f-token').count()).toBe(0);
          expect(await page.locator('#f-save').isChecked()).toBe(false);
          await page.getByRole('button', { name: 'Pay' }).click();
          const orderId = await confirmedOrderId(page);
          expect(await orderOf(orderId)).toMatchObject({
            status: 'paid',
            paymentProvider: 'stripe',
            email: 'kim@example.com',
          });
          const visa = fake.charges().filter((intent) => intent.paymentMethod === 'pm_card_visa');
          expect(visa).toHaveLength(1);
          expect(fake.customers.size).toBe(0);
        },
        { failOnConsoleErrors: policyRefusals },
      );
    },
    testTimeout,
  );

  it(
    'authenticates a card that asks for 3-D Secure, then pays it once',
    async () => {
      await session.withPage(
        async (page) => {
          await claimAndFill(page, 'sca@example.com', '4000 0027 6000 3184');
          await page.getByRole('button', { name: 'Pay' }).click();
          const orderId = await confirmedOrderId(page);
          expect(await orderOf(orderId)).toMatchObject({
            status: 'paid',
            email: 'sca@example.com',
          });
          const authenticated = [...fake.intents.values()].filter(
            (intent) => intent.paymentMethod === 'pm_card_threeDSecure2Required',
          );
          expect(authenticated).toEqual([
            expect.objectContaining({ status: 'succeeded', charges: 1 }),
          ]);
          expect(
            fake.requests.some(
              (request) => request.path === `/v1/payment_intents/${authenticated[0]?.id}/confirm`,
            ),
          ).toBe(true);
        },
        { failOnConsoleErrors: policyRefusals },
      );
    },
    testTimeout,
  );

  it(
    'takes over a hold claimed on the simple page, which cannot take a card',
    async () => {
      const offerId = session.demo.liveOfferId;
      const claimed = await fetch(`${session.baseUrl}/o/${offerId}/lite/claim`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'shopper=lite-shopper&idempotencyKey=lite-handover-1&quantity=1',
        redirect: 'manual',
      });
      expect(claimed.status).toBe(303);
      const holdPage = new URL(claimed.headers.get('location') ?? '', session.baseUrl);
      const holdId = /\/o\/holds\/([^/]+)\/lite/.exec(holdPage.pathname)?.[1] ?? '';
      await session.withPage(
        async (page) => {
          await page.goto(holdPage.pathname + holdPage.search);
          await page.getByText('Paying by card needs the full page').waitFor();
          await page.getByRole('link', { name: 'Pay on the full page' }).click();
          await page.locator('#hold').waitFor({ state: 'visible' });
          // The hand-over parameters leave the address bar once the cart has the hold.
          expect(new URL(page.url()).search).toBe('');
          await page.getByLabel('Email', { exact: true }).fill('lite@example.com');
          await page.getByLabel('Full name', { exact: true }).fill('Lee Lite');
          await page.getByLabel('Address', { exact: true }).fill('2 Rue Cler');
          await page.getByLabel('City', { exact: true }).fill('Paris');
          await page.getByLabel('Postal code', { exact: true }).fill('75007');
          await page.getByLabel('Country', { exact: true }).fill('FR');
          await page.getByLabel('Card number').fill('4242424242424242');
          await page.getByRole('button', { name: 'Pay' }).click();
          const orderId = await confirmedOrderId(page);
          const hold = await fetch(`${session.baseUrl}/api/v1/public/holds/${holdId}`);
          expect(await hold.json()).toMatchObject({ state: 'checked_out', orderId });
        },
        { failOnConsoleErrors: policyRefusals },
      );
    },
    testTimeout,
  );

  it(
    'shows a declined card and keeps the hold for another card',
    async () => {
      await session.withPage(
        async (page) => {
          await claimAndFill(page, 'declined@example.com', '4000 0000 0000 0002');
          await page.getByRole('button', { name: 'Pay' }).click();
          await page.getByText(/The payment was declined \(generic_decline\)/).waitFor();
          expect(await page.locator('#hold').isVisible()).toBe(true);
          await page.getByLabel('Card number').fill('4242424242424242');
          await page.getByRole('button', { name: 'Pay' }).click();
          const orderId = await confirmedOrderId(page);
          expect(await orderOf(orderId)).toMatchObject({ email: 'declined@example.com' });
        },
        { failOnConsoleErrors: policyRefusals },
      );
    },
    testTimeout,
  );

  /** Claims, types the details and the card, ticks "save" and pays. */
  async function payAndSave(page: Page, name: string, email: string, cardNumber: string) {
    await claimAndFill(page, email, cardNumber, name);
    await page.getByLabel('Save my details for one-click checkout next time').check();
    await page.getByRole('button', { name: 'Pay' }).click();
    return confirmedOrderId(page);
  }

  /** The Stripe PaymentMethods charged for a Customer with this e-mail, one per payment. */
  function chargesFor(email: string) {
    const customer = [...fake.customers.values()].find((candidate) => candidate.email === email);
    return {
      customer: customer?.id,
      charged: fake.charges().filter((intent) => intent.customer === customer?.id),
    };
  }

  it(
    'saves a card typed into Stripe.js, then buys again in one click after a reload',
    async () => {
      await session.withPage(
        async (page) => {
          const firstOrder = await payAndSave(
            page,
            'Jane Card',
            'jane.card@example.com',
            '4242 4242 4242 4242',
          );
          await page.reload();
          await page.getByRole('button', { name: 'Done' }).click();
          const buyNow = page.getByRole('button', {
            name: 'Buy now as Jane Card · Visa ending 4242',
          });
          await buyNow.waitFor();
          await buyNow.click();
          const secondOrder = await confirmedOrderId(page);
          expect(secondOrder).not.toBe(firstOrder);
          expect(await orderOf(secondOrder)).toMatchObject({
            status: 'paid',
            paymentProvider: 'stripe',
            email: 'jane.card@example.com',
          });

          // Both payments charged the same card, saved under the shopper's own Customer.
          const { customer, charged } = chargesFor('jane.card@example.com');
          expect(customer).toMatch(/^cus_/);
          expect(charged).toHaveLength(2);
          const card = charged[0]?.paymentMethodId ?? '';
          expect(charged.map((intent) => intent.paymentMethodId)).toEqual([card, card]);
          expect(fake.paymentMethods.get(card)?.customer).toBe(customer);
        },
        { failOnConsoleErrors: policyRefusals },
      );
    },
    testTimeout,
  );

  it(
    'authenticates a saved card that asks for 3-D Secure again from Buy now, charging it once',
    async () => {
      await session.withPage(
        async (page) => {
          await payAndSave(page, 'Sca Saver', 'sca.saver@example.com', '4000 0027 6000 3184');
          await page.getByRole('button', { name: 'Done' }).click();
          const buyNow = page.getByRole('button', {
            name: 'Buy now as Sca Saver · Visa ending 3184',
          });
          await buyNow.click();
          const orderId = await confirmedOrderId(page);
          expect(await orderOf(orderId)).toMatchObject({ status: 'paid' });

          // Each payment asked for the challenge, was confirmed after it, and charged once.
          const { charged } = chargesFor('sca.saver@example.com');
          expect(charged).toHaveLength(2);
          for (const intent of charged) {
            expect(intent).toMatchObject({ status: 'succeeded', charges: 1 });
            expect(
              fake.requests.some(
                (request) => request.path === `/v1/payment_intents/${intent.id}/confirm`,
              ),
            ).toBe(true);
          }
        },
        { failOnConsoleErrors: policyRefusals },
      );
    },
    testTimeout,
  );
});
