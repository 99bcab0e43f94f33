/**
 * The Offers area in a real browser against the real server: the live demo offer with its
 * reserve, and an offer taken through its whole lifecycle from the console (create, approve,
 * arm, go live, kill switch), checked afterwards through the public shopper API.
 *
 * Needs Debian's Chromium at /usr/bin/chromium. Without it the suite is skipped, unless
 * MYDROP_REQUIRE_SERVICES=1, where a missing browser is a failure.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually, signIn, skipWithoutChromium, useDemoInBrowser } from '../support/browser.js';

const testTimeout = 90_000;
const liveOfferTitle = 'Glow Serum live drop';

describe.skipIf(skipWithoutChromium())('offers in the console', () => {
  const session = useDemoInBrowser({ console: true });

  /** Runs `body` signed in as the demo owner in a fresh context, failing on page errors. */
  function asOwner(body: (page: Page) => Promise<void>): Promise<void> {
    return session.withPage(async (page) => {
      await signIn(page, session.owner);
      await page.waitForURL(/\/calendar$/);
      await body(page);
    });
  }

  async function openOffers(page: Page): Promise<void> {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Offers' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Offers' }).waitFor();
  }

  /** The value of the option of `select` whose text contains `text`, once it has loaded. */
  async function optionValue(page: Page, selectId: string, text: string): Promise<string> {
    const option = page.locator(`#${selectId} option`, { hasText: text });
    await option.first().waitFor({ state: 'attached' });
    const value = await option.first().getAttribute('value');
    if (!value) throw new Error(`no option "${text}" in #${selectId}`);
    return value;
  }

  it(
    'lists the live demo offer with its 200 reserved units and refreshes its stock live',
    async () => {
      await asOwner(async (page) => {
        await openOffers(page);
        const row = page.locator('tr', { hasText: liveOfferTitle });
        await row.waitFor();
        await eventually(() => row.getByTestId('offer-status').textContent()).toBe('Live');
        expect(await row.getByTestId('offer-reserved').textContent()).toBe('200');
        await row
          .getByRole('img', { name: /^200 reserved: 0 sold, 0 held, 200 available$/ })
          .waitFor();

        // A shopper claims one unit: the list, polling every two seconds, shows the hold.
        const claim = await fetch(
          `${session.baseUrl}/api/v1/public/offers/${session.demo.liveOfferId}/claims`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': 'offers-e2e-claim' },
            body: JSON.stringify({ shopper: 'offers-e2e-shopper', quantity: 1 }),
          },
        );
        expect(claim.status).toBe(201);
        await row
          .getByRole('img', { name: /^200 reserved: 0 sold, 1 held, 199 available$/ })
          .waitFor({ timeout: 10_000 });
      });
    },
    testTimeout,
  );

  it(
    'takes a new offer from draft to live and stops it with the kill switch',
    async () => {
      await asOwner(async (page) => {
        await openOffers(page);
        await page.getByRole('link', { name: 'New offer' }).click();
        await page.getByRole('heading', { level: 1, name: 'New offer' }).waitFor();
        const form = page.locator('form.offer-form');

        await form.getByLabel('Brand', { exact: true }).selectOption({ label: 'Aurora Beauty' });
        await form.getByLabel('Title', { exact: true }).fill('Silk mask flash drop');
        await form
          .getByLabel('SKU', { exact: true })
          .selectOption(await optionValue(page, 'offer-sku', 'AUR-MASK-SILK'));
        // Choosing the SKU offers its catalog price; the offer sells lower.
        await eventually(() => form.getByLabel('Price (EUR)').inputValue()).toBe('15.00');
        await form.getByLabel('Price (EUR)').fill('12.50');
        await form.getByLabel('Per-buyer limit').fill('2');

        // A code another offer uses: the API refuses, and the console says so at the field.
        await form.getByLabel('Offer codes').fill('GLOW19');
        await form.getByRole('button', { name: 'Create draft' }).click();
        await eventually(() => page.locator('#offer-codes-error').textContent()).toContain(
          'already used by another offer: GLOW19',
        );

        await form.getByLabel('Offer codes').fill('MASK12, MASKLIVE');
        // A staged stock message, and one added by mistake and removed again.
        await form.getByRole('button', { name: 'Add a stock message' }).click();
        await form.getByRole('button', { name: 'Add a stock message' }).click();
        await form.getByLabel('At or below (units)').first().fill('10');
        await form.getByLabel('Message').first().fill('Only {left} left today');
        await form.getByRole('button', { name: 'Remove stock message 2' }).click();
        expect(await form.getByLabel('At or below (units)').count()).toBe(1);
        await form.getByRole('button', { name: 'Create draft' }).click();
        await page.waitForURL(/\/offers\?offer=[0-9a-f-]{36}$/);
        const offerId = new URL(page.url()).searchParams.get('offer') ?? '';
        await page.getByRole('heading', { level: 1, name: 'Silk mask flash drop' }).waitFor();
        const status = page.getByTestId('offer-status');
        await eventually(() => status.textContent()).toBe('Draft');

        await page.getByRole('button', { name: 'Approve terms' }).click();
        await eventually(() => status.textContent()).toBe('Approved');

        await page.getByLabel('Units to reserve').fill('10');
        await page.getByRole('button', { name: 'Arm', exact: true }).click();
        await eventually(() => status.textContent()).toBe('Armed');
        await eventually(() => page.getByTestId('offer-stock-summary').textContent()).toContain(
          '10 reserved',
        );

        await page.getByRole('button', { name: 'Go live' }).click();
        await eventually(() => status.textContent()).toBe('Live');
        const live = await fetch(`${session.baseUrl}/api/v1/public/offers/${offerId}`);
        expect(((await live.json()) as { messages: string[] }).messages).toContain(
          'Only 10 left today',
        );

        const killSwitch = page.getByRole('button', { name: /kill switch/ });
        await killSwitch.click();
        await eventually(() => status.textContent()).toBe('Paused');
        await page.getByRole('button', { name: 'Resume' }).waitFor();
        expect(await killSwitch.count()).toBe(0);

        const response = await fetch(`${session.baseUrl}/api/v1/public/offers/${offerId}`);
        expect(response.status).toBe(200);
        const offer = (await response.json()) as {
          state: string;
          price: number;
          stockLeft: number;
        };
        expect(offer).toMatchObject({ state: 'paused', price: 1250, stockLeft: 10 });
      });
    },
    testTimeout,
  );
});
