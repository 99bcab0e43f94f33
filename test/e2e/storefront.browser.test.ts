/**
 * The shopper side in a real browser against the real server: the offer page (claim, cart kept
 * through a reload, checkout, service worker), the no-JavaScript fallback checkout, and the
 * overlay embedded by a script tag.
 *
 * Needs Debian's Chromium at /usr/bin/chromium. Without it the suite is skipped, unless
 * MYDROP_REQUIRE_SERVICES=1, where a missing browser is a failure.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually, skipWithoutChromium, useDemoInBrowser } from '../support/browser.js';

const testTimeout = 60_000;

/**
 * The browser APIs the page-side checks use; the test's TypeScript has no DOM library. Casts
 * only: a function given to page.evaluate runs in the page and cannot call test helpers.
 */
interface BrowserWindow {
  navigator: { serviceWorker: { ready: Promise<unknown>; controller: unknown } };
  caches: {
    keys(): Promise<string[]>;
    open(name: string): Promise<{ match(path: string): Promise<unknown> }>;
  };
  getComputedStyle(element: unknown): { position: string };
}

describe.skipIf(skipWithoutChromium())('the shopper pages in a browser', () => {
  // The shopper pages are served by the server itself: no console build needed.
  const session = useDemoInBrowser({ console: false });

  /**
   * Runs `body` in a fresh browser context: a new shopper, since the demo offer allows two
   * units per buyer. Fails on uncaught page errors and on any Content-Security-Policy refusal.
   */
  function asShopper(
    body: (page: Page) => Promise<void>,
    options: BrowserContextOptions = {},
  ): Promise<void> {
    return session.withPage(body, {
      context: options,
      failOnConsoleErrors: /Content.Security.Policy/i,
    });
  }

  async function fillAddress(page: Page, email: string): Promise<void> {
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Full name', { exact: true }).fill('Sam Shopper');
    await page.getByLabel('Address', { exact: true }).fill('1 Rue de Rivoli');
    await page.getByLabel('City', { exact: true }).fill('Paris');
    await page.getByLabel('Postal code', { exact: true }).fill('75001');
    await page.getByLabel('Country', { exact: true }).fill('FR');
  }

  async function orderOf(orderId: string) {
    const response = await fetch(`${session.baseUrl}/api/v1/orders/${orderId}`, {
      headers: { authorization: `Bearer ${session.demo.apiToken}` },
    });
    return (await response.json()) as { offerId: string; status: string; email: string };
  }

  it(
    'claims, keeps the cart through a reload, pays and shows the confirmation',
    async () => {
      await asShopper(async (page) => {
        await page.goto(`/o/${session.demo.liveOfferId}`);
        await page.getByRole('heading', { level: 1, name: 'Glow Serum live drop' }).waitFor();
        const stockBefore = Number(await page.locator('#stock').textContent());
        await page.getByRole('button', { name: /^Claim for/ }).click();
        await page.locator('#hold').waitFor({ state: 'visible' });
        await eventually(() => page.locator('#hold-countdown').textContent()).toMatch(/^\d+:\d\d$/);
        await eventually(async () => Number(await page.locator('#stock').textContent())).toBe(
          stockBefore - 1,
        );
        await fillAddress(page, 'reload@example.com');

        await page.reload();
        await page.locator('#hold').waitFor({ state: 'visible' });
        expect(await page.locator('#claim-form').isHidden()).toBe(true);
        expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe(
          'reload@example.com',
        );

        await page.getByLabel('Payment', { exact: true }).selectOption('pm_card_visa');
        await page.getByRole('button', { name: 'Pay' }).click();
        await page.getByRole('heading', { name: 'Order confirmed' }).waitFor();
        const orderId = (await page.locator('#order-id').textContent()) ?? '';
        expect(await orderOf(orderId)).toMatchObject({
          offerId: session.demo.liveOfferId,
          status: 'paid',
          email: 'reload@example.com',
        });
      });
    },
    testTimeout,
  );

  it(
    'retries a claim whose answer was lost with the same Idempotency-Key: one hold, not two',
    async () => {
      await asShopper(async (page) => {
        const stock = async () =>
          (
            (await (
              await fetch(`${session.baseUrl}/api/v1/public/offers/${session.demo.liveOfferId}`)
            ).json()) as {
              stockLeft: number;
            }
          ).stockLeft;
        const keys: string[] = [];
        await page.route('**/claims', async (route) => {
          keys.push(route.request().headers()['idempotency-key'] ?? '');
          const response = await route.fetch();
          // The first claim reaches the server, but its answer is lost on the way back.
          if (keys.length === 1) await route.abort('connectionreset');
          else await route.fulfill({ response });
        });
        await page.goto(`/o/${session.demo.liveOfferId}`);
        const before = await stock();
        await page.getByRole('button', { name: /^Claim for/ }).click();
        await page.locator('#hold').waitFor({ state: 'visible' });
        expect(keys).toHaveLength(2);
        expect(keys[1]).toBe(keys[0]);
        expect(await stock()).toBe(before - 1);
      });
    },
    testTimeout,
  );

  it(
    'says a declined card was declined and keeps the hold',
    async () => {
      await asShopper(async (page) => {
        await page.goto(`/o/${session.demo.liveOfferId}`);
        await page.getByRole('button', { name: /^Claim for/ }).click();
        await page.locator('#hold').waitFor({ state: 'visible' });
        await fillAddress(page, 'declined@example.com');
        await page.getByLabel('Payment', { exact: true }).selectOption('pm_card_chargeDeclined');
        await page.getByRole('button', { name: 'Pay' }).click();
        await eventually(() => page.locator('#notice').textContent()).toContain('declined');
        expect(await page.locator('#hold').isVisible()).toBe(true);
      });
    },
    testTimeout,
  );

  it(
    'registers a service worker that primes the page and opens it offline with the last known state',
    async () => {
      await asShopper(async (page) => {
        const path = `/o/${session.demo.liveOfferId}`;
        await page.goto(path);
        await page.evaluate(() =>
          (globalThis as unknown as BrowserWindow).navigator.serviceWorker.ready.then(() => true),
        );
        await page.reload();
        await eventually(() =>
          page.evaluate(
            () =>
              (globalThis as unknown as BrowserWindow).navigator.serviceWorker.controller !== null,
          ),
        ).toBe(true);
        await eventually(() =>
          page.evaluate(async (offerPath) => {
            const { caches } = globalThis as unknown as BrowserWindow;
            for (const name of await caches.keys()) {
              if (await (await caches.open(name)).match(offerPath)) return true;
            }
            return false;
          }, path),
        ).toBe(true);
        // One poll through the worker stores the last known state.
        await page.waitForResponse((response) => response.url().includes('/api/v1/public/offers/'));

        await page.context().setOffline(true);
        await page.reload();
        await page.getByRole('heading', { level: 1, name: 'Glow Serum live drop' }).waitFor();
        await page.locator('#offline').waitFor({ state: 'visible' });
        expect(await page.locator('#offline').textContent()).toBe('offline — last known');
        await page.context().setOffline(false);
      });
    },
    testTimeout,
  );

  it(
    'completes the fallback checkout with JavaScript turned off',
    async () => {
      await asShopper(
        async (page) => {
          await page.goto(`/o/${session.demo.liveOfferId}/lite`);
          await page.getByRole('button', { name: /^Claim for/ }).click();
          await page.waitForURL(/\/o\/holds\/[0-9a-f-]+\/lite\?/);
          await page.getByText(/Reserved for you until \d\d:\d\d UTC/).waitFor();
          await fillAddress(page, 'nojs@example.com');
          await page.getByLabel('Payment', { exact: true }).selectOption('pm_card_visa');
          await page.getByRole('button', { name: 'Pay now' }).click();
          await page.waitForURL(/\/lite\/done\?order=/);
          await page.getByRole('heading', { name: 'Order confirmed' }).waitFor();
          const orderId = (await page.locator('#order-id').textContent()) ?? '';
          expect(await orderOf(orderId)).toMatchObject({
            status: 'paid',
            email: 'nojs@example.com',
          });
        },
        { javaScriptEnabled: false },
      );
    },
    testTimeout,
  );

  it(
    'embeds the live overlay over a player with one script tag',
    async () => {
      await asShopper(async (page) => {
        // A streamer's player page. Served through the browser's router because Chromium's
        // local-network checks block a public page from loading localhost, and an about:blank
        // parent is no network origin for frame-ancestors.
        const playerPage = `${session.baseUrl}/player-host-page`;
        await page.route(playerPage, (route) =>
          route.fulfill({
            contentType: 'text/html',
            body: `<div id="player" style="width:640px;height:360px;background:#000"><script src="${session.baseUrl}/o/embed.js" data-offer="${session.demo.liveOfferId}" async></script></div>`,
          }),
        );
        await page.goto(playerPage);
        const frame = page.frameLocator('#player iframe');
        await frame.getByText('Glow Serum live drop').waitFor();
        await eventually(async () =>
          Number(await frame.locator('#stock').textContent()),
        ).toBeGreaterThan(0);
        const buy = frame.getByRole('link', { name: 'Buy' });
        expect(await buy.getAttribute('target')).toBe('_blank');
        expect(
          await page
            .locator('#player iframe')
            .evaluate(
              (el) => (globalThis as unknown as BrowserWindow).getComputedStyle(el).position,
            ),
        ).toBe('absolute');
      });
    },
    testTimeout,
  );
});
