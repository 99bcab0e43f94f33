/**
 * One-click checkout in a real browser against the real server: a shopper saves their details
 * at a first checkout, and after a reload buys again with one click; the saved details can be
 * forgotten from the page. Orders are checked through the API.
 *
 * Needs Debian's Chromium at /usr/bin/chromium. Without it the suite is skipped, unless
 * MYDROP_REQUIRE_SERVICES=1, where a missing browser is a failure.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { skipWithoutChromium, useDemoInBrowser } from '../support/browser.js';

const testTimeout = 90_000;

interface Order {
  offerId: string;
  status: string;
  email: string;
  name: string;
  address: Record<string, string>;
  showId: string | null;
}

describe.skipIf(skipWithoutChromium())('one-click checkout in a browser', () => {
  const session = useDemoInBrowser({ console: false });

  async function orderOf(orderId: string): Promise<Order> {
    const response = await fetch(`${session.baseUrl}/api/v1/orders/${orderId}`, {
      headers: { authorization: `Bearer ${session.demo.apiToken}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Order;
  }

  async function confirmedOrderId(page: Page): Promise<string> {
    await page.getByRole('heading', { name: 'Order confirmed' }).waitFor();
    return (await page.locator('#order-id').textContent()) ?? '';
  }

  /** The profile token the page keeps for the demo shop. */
  const keptToken = (page: Page) =>
    page.evaluate(() => {
      const storage = (
        globalThis as unknown as {
          localStorage: {
            length: number;
            key(i: number): string | null;
            getItem(k: string): string | null;
          };
        }
      ).localStorage;
      for (let i = 0; i < storage.length; i += 1) {
        const key = storage.key(i) ?? '';
        if (key.startsWith('mydrop.profile.')) return JSON.parse(storage.getItem(key) ?? 'null');
      }
      return null;
    });

  it(
    'saves the details at a first checkout, then buys with one click after a reload',
    async () => {
      await session.withPage(async (page) => {
        await page.goto(`/o/${session.demo.liveOfferId}`);
        // A new shopper sees the plain claim, no one-click.
        await page.getByRole('button', { name: /^Claim for/ }).click();
        await page.locator('#hold').waitFor({ state: 'visible' });
        expect(await page.locator('#one-click').isHidden()).toBe(true);
        await page.getByLabel('Email', { exact: true }).fill('jane@example.com');
        await page.getByLabel('Full name', { exact: true }).fill('Jane Returning');
        await page.getByLabel('Address', { exact: true }).fill('5 Quai Voltaire');
        await page.getByLabel('City', { exact: true }).fill('Paris');
        await page.getByLabel('Postal code', { exact: true }).fill('75007');
        await page.getByLabel('Country', { exact: true }).fill('FR');
        await page.getByLabel('Payment', { exact: true }).selectOption('pm_card_visa');
        await page.getByLabel('Save my details for one-click checkout next time').check();
        await page.getByRole('button', { name: 'Pay' }).click();
        const firstOrder = await confirmedOrderId(page);
        expect(await keptToken(page)).toMatch(/^msp_/);

        await page.reload();
        await page.getByRole('button', { name: 'Done' }).click();
        const buyNow = page.getByRole('button', {
          name: 'Buy now as Jane Returning · Visa ending 4242',
        });
        await buyNow.waitFor();
        expect(await page.getByText('Ships to Paris, FR').isVisible()).toBe(true);
        expect(await page.getByRole('button', { name: /^Claim for/ }).isHidden()).toBe(true);
        await buyNow.click();
        const secondOrder = await confirmedOrderId(page);
        expect(secondOrder).not.toBe(firstOrder);
        expect(await page.locator('#order-email').textContent()).toBe('j***@example.com');

        const order = await orderOf(secondOrder);
        expect(order).toMatchObject({
          offerId: session.demo.liveOfferId,
          status: 'paid',
          email: 'jane@example.com',
          name: 'Jane Returning',
          address: { line1: '5 Quai Voltaire', city: 'Paris', postalCode: '75007', country: 'FR' },
        });
        // The demo's live offer is on the demo show: its orders carry it.
        expect(order.showId).toEqual(expect.any(String));
      });
    },
    testTimeout,
  );

  it(
    'lets a shopper use different details, or forget the saved ones',
    async () => {
      await session.withPage(async (page) => {
        await page.goto(`/o/${session.demo.liveOfferId}`);
        await page.getByRole('button', { name: /^Claim for/ }).click();
        await page.locator('#hold').waitFor({ state: 'visible' });
        await page.getByLabel('Email', { exact: true }).fill('sam@example.com');
        await page.getByLabel('Full name', { exact: true }).fill('Sam Saver');
        await page.getByLabel('Address', { exact: true }).fill('1 Rue de Rivoli');
        await page.getByLabel('City', { exact: true }).fill('Paris');
        await page.getByLabel('Postal code', { exact: true }).fill('75001');
        await page.getByLabel('Country', { exact: true }).fill('FR');
        await page.getByLabel('Save my details for one-click checkout next time').check();
        await page.getByRole('button', { name: 'Pay' }).click();
        await confirmedOrderId(page);
        const token = (await keptToken(page)) as string;
        await page.getByRole('button', { name: 'Done' }).click();

        await page.getByRole('button', { name: /^Buy now as Sam Saver/ }).waitFor();
        await page.getByRole('button', { name: 'Use different details' }).click();
        await page.getByRole('button', { name: /^Claim for/ }).waitFor();
        expect(await page.locator('#one-click').isHidden()).toBe(true);

        await page.reload();
        await page.getByRole('button', { name: 'Forget my details' }).click();
        await page.getByText('Your saved details are forgotten.').waitFor();
        expect(await page.locator('#one-click').isHidden()).toBe(true);
        expect(await keptToken(page)).toBeNull();
        const summary = await fetch(`${session.baseUrl}/api/v1/public/profiles/me`, {
          headers: { 'x-shopper-profile': token },
        });
        expect(summary.status).toBe(404);
      });
    },
    testTimeout,
  );
});
