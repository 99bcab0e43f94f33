/**
 * One-click checkout with a card typed into Stripe.js, in a real browser against `mydrop start`
 * with Stripe as the only provider: the shopper pays by card and saves it, reloads, and buys
 * again with one click; a saved card that asks for 3-D Secure is authenticated from "Buy now".
 * Stripe is replaced by local fakes (MYDROP_STRIPE_API_URL, MYDROP_STRIPE_JS_URL), whose
 * Customers and PaymentMethods show what was saved and charged.
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

describe.skipIf(skipWithoutChromium())('one-click checkout with a Stripe card', () => {
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

  async function confirmedOrderId(page: Page): Promise<string> {
    await page.getByRole('heading', { name: 'Order confirmed' }).waitFor();
    return (await page.locator('#order-id').textContent()) ?? '';
  }

  /** Claims, types the details and the card, ticks "save" and pays. */
  async function payAndSave(page: Page, name: string, email: string, cardNumber: string) {
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
