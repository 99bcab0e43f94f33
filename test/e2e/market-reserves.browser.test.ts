/**
 * Per-market reserves in a real browser against the real server (seed 004: "per-market hold -
 * who owns the TTL?"): an approved offer is armed split by market from the console, each market
 * with its owner and TTL; the detail page shows each market's share, and a shopper's claim in
 * one market moves that market's counts on the page.
 *
 * Needs Debian's Chromium at /usr/bin/chromium. Without it the suite is skipped, unless
 * MYDROP_REQUIRE_SERVICES=1, where a missing browser is a failure.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually, signIn, skipWithoutChromium, useDemoInBrowser } from '../support/browser.js';

const testTimeout = 90_000;
// A zone and a language other than the server's, so the TTL is shown as the viewer reads time.
const viewer = { locale: 'en-GB', timezoneId: 'Asia/Tokyo' };

interface MarketShare {
  market: string;
  ownerId: string;
  expiresAt: string | null;
  releasedAt: string | null;
  reserved: number;
  held: number;
  sold: number;
}

describe.skipIf(skipWithoutChromium())('per-market reserves in the console', () => {
  const session = useDemoInBrowser({ console: true });

  async function callApi<T>(method: string, path: string, body?: object): Promise<T> {
    const response = await fetch(`${session.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${session.demo.apiToken}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** An approved single-SKU offer of the demo's Aurora Beauty brand, on a SKU of its own. */
  async function approvedOffer(title: string): Promise<string> {
    const retail = session.demo.organizations.find(
      (organization) => organization.id === session.demo.organizationId,
    );
    const brand = retail?.brands.find((candidate) => candidate.name === 'Aurora Beauty');
    if (!brand) throw new Error('the demo has no Aurora Beauty brand');
    const suffix = Math.random().toString(36).slice(2, 8).toUpperCase();
    const product = await callApi<{ skus: Array<{ id: string }> }>('POST', '/api/v1/products', {
      brandId: brand.id,
      title: `${title} item`,
      skus: [{ code: `MKT-${suffix}`, priceMinor: 2900, currency: 'EUR', stockOnHand: 50 }],
    });
    const offer = await callApi<{ id: string }>('POST', '/api/v1/offers', {
      brandId: brand.id,
      title,
      kind: 'single_sku',
      components: [{ skuId: product.skus[0]?.id, quantity: 1 }],
      priceMinor: 1900,
      currency: 'EUR',
      holdTtlSeconds: 600,
      codes: [`MKT${suffix}`],
    });
    await callApi('POST', `/api/v1/offers/${offer.id}/approve`);
    return offer.id;
  }

  const claimIn = (offerId: string, market: string, shopper: string) =>
    fetch(`${session.baseUrl}/api/v1/public/offers/${offerId}/claims`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `claim-${shopper}` },
      body: JSON.stringify({ shopper, market }),
    });

  /** The owner, signed in, on the offer's page, with every arm request the page sends counted. */
  function onOfferPage(
    offerId: string,
    title: string,
    body: (page: Page, armRequests: () => number) => Promise<void>,
  ): Promise<void> {
    return session.withPage(
      async (page) => {
        let arms = 0;
        page.on('request', (request) => {
          if (request.method() === 'POST' && request.url().endsWith(`/offers/${offerId}/arm`)) {
            arms += 1;
          }
        });
        await signIn(page, session.owner);
        await page.waitForURL(/\/calendar$/);
        await page.goto(`/offers?offer=${offerId}`);
        await page.getByRole('heading', { level: 1, name: title }).waitFor();
        await eventually(() => page.getByTestId('offer-status').textContent()).toBe('Approved');
        await body(page, () => arms);
      },
      { context: viewer },
    );
  }

  it(
    'arms an offer split by market, shows each market with its owner, TTL and stock, and follows a claim in one market',
    async () => {
      const title = 'Two-market lip kit';
      const offerId = await approvedOffer(title);
      const inventoryLead = session.demo.users.find((user) => user.role === 'inventory_lead');
      if (!inventoryLead) throw new Error('the demo has no inventory lead');

      await onOfferPage(offerId, title, async (page, armRequests) => {
        const form = page.locator('form.arm-form');
        await form.getByLabel('Split by market').check();
        await form.getByLabel('Market 1 code', { exact: true }).fill('us');
        expect(await form.getByLabel('Market 1 code', { exact: true }).inputValue()).toBe('US');
        await form.getByLabel('Market 1 Units', { exact: true }).fill('3');
        await form.getByRole('button', { name: 'Add a market' }).click();
        await form.getByLabel('Market 2 code', { exact: true }).fill('US');
        await form.getByLabel('Market 2 Units', { exact: true }).fill('2');
        await eventually(() => form.locator('#arm-total').textContent()).toBe(
          'Total to reserve: 5 units across 2 markets',
        );

        // The same market twice: named at its input and announced, and nothing is sent.
        await form.getByRole('button', { name: 'Arm', exact: true }).click();
        const secondCode = form.getByLabel('Market 2 code', { exact: true });
        await eventually(() => secondCode.getAttribute('aria-invalid')).toBe('true');
        const errorId = (await secondCode.getAttribute('aria-describedby')) ?? '';
        expect(await page.locator(`#${errorId}`).textContent()).toContain('US is listed twice');
        expect(await form.getByRole('alert').textContent()).toContain(
          'Market 2 code: US is listed twice',
        );
        expect(await secondCode.evaluate((input) => input.matches(':focus'))).toBe(true);
        expect(armRequests()).toBe(0);
        expect(await page.getByTestId('offer-status').textContent()).toBe('Approved');

        // GB instead, owned by the inventory lead and released after an hour if unused.
        await secondCode.fill('GB');
        expect(await form.getByRole('alert').count()).toBe(0);
        await form
          .getByLabel('Market 2 Owner', { exact: true })
          .selectOption({ label: `${inventoryLead.name} · Inventory lead` });
        await form.getByLabel('Market 2 TTL (minutes)', { exact: true }).fill('60');
        await form.getByRole('button', { name: 'Arm', exact: true }).click();
        await eventually(() => page.getByTestId('offer-status').textContent()).toBe('Armed');
        expect(armRequests()).toBe(1);

        const offer = await callApi<{ markets: MarketShare[] }>('GET', `/api/v1/offers/${offerId}`);
        const gbShare = offer.markets.find((share) => share.market === 'GB');
        expect(offer.markets.map((share) => [share.market, share.reserved])).toEqual([
          ['GB', 2],
          ['US', 3],
        ]);
        expect(gbShare?.expiresAt).not.toBeNull();

        const table = page.getByRole('table', { name: /Reserve by market/ });
        await table.waitFor();
        const gb = table.getByTestId('market-GB');
        const us = table.getByTestId('market-US');
        await eventually(() => gb.getByRole('cell').nth(0).textContent()).toBe(inventoryLead.name);
        expect(await us.getByRole('cell').nth(0).textContent()).toBe(`${session.owner.name} (you)`);
        const expiresAt = new Intl.DateTimeFormat(viewer.locale, {
          dateStyle: 'medium',
          timeStyle: 'short',
          timeZone: viewer.timezoneId,
        }).format(new Date(gbShare?.expiresAt ?? ''));
        expect(await gb.getByTestId('market-ttl').textContent()).toBe(`Until ${expiresAt}`);
        expect(await us.getByTestId('market-ttl').textContent()).toBe('No TTL');
        await gb.getByRole('img', { name: '2 reserved: 0 sold, 0 held, 2 available' }).waitFor();
        await us.getByRole('img', { name: '3 reserved: 0 sold, 0 held, 3 available' }).waitFor();

        await page.getByRole('button', { name: 'Go live' }).click();
        await eventually(() => page.getByTestId('offer-status').textContent()).toBe('Live');

        // A shopper of another market is turned away; one in GB holds a unit of GB's share.
        const outsider = await claimIn(offerId, 'FR', 'market-e2e-fr');
        expect(outsider.status).toBe(409);
        expect(((await outsider.json()) as { error: { code: string } }).error.code).toBe(
          'not_in_market',
        );
        const claim = await claimIn(offerId, 'GB', 'market-e2e-gb');
        expect(claim.status).toBe(201);
        await gb
          .getByRole('img', { name: '2 reserved: 0 sold, 1 held, 1 available' })
          .waitFor({ timeout: 10_000 });
        expect(await gb.getByTestId('market-held').textContent()).toBe('1');
        expect(await gb.getByTestId('market-available').textContent()).toBe('1');
        expect(await us.getByTestId('market-held').textContent()).toBe('0');
        expect(await us.getByTestId('market-available').textContent()).toBe('3');
      });
    },
    testTimeout,
  );

  it(
    'shows the API’s refusal at the field it names: an owner who left the organisation meanwhile',
    async () => {
      const title = 'Owner-left lip kit';
      const offerId = await approvedOffer(title);
      // A member who joins, is offered as an owner by the form, and is removed before arming.
      const invitation = await callApi<{ acceptUrl: string }>('POST', '/api/v1/invitations', {
        email: 'leaving-lead@market-e2e.test',
        role: 'inventory_lead',
      });
      const token = invitation.acceptUrl.split('/invite/')[1] ?? '';
      const accepted = await fetch(`${session.baseUrl}/api/v1/public/invitations/${token}/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Lee Leaving', password: 'leaving-lead-password-2026' }),
      });
      expect(accepted.status).toBe(200);
      const leaving = ((await accepted.json()) as { user: { id: string } }).user.id;

      await onOfferPage(offerId, title, async (page, armRequests) => {
        const form = page.locator('form.arm-form');
        await form.getByLabel('Split by market').check();
        await form.getByLabel('Market 1 code', { exact: true }).fill('DE');
        await form.getByLabel('Market 1 Units', { exact: true }).fill('2');
        const owner = form.getByLabel('Market 1 Owner', { exact: true });
        await owner.selectOption({ label: 'Lee Leaving · Inventory lead' });
        await callApi('DELETE', `/api/v1/members/${leaving}`);

        await form.getByRole('button', { name: 'Arm', exact: true }).click();
        await eventually(() => owner.getAttribute('aria-invalid')).toBe('true');
        expect(armRequests()).toBe(1);
        const errorId = (await owner.getAttribute('aria-describedby')) ?? '';
        expect(await page.locator(`#${errorId}`).textContent()).toBe(
          `${leaving} is not a member of this organisation`,
        );
        // The server's own words, naming the field, are announced above the form's buttons too.
        expect(
          await page.locator('.offer-controls > .alert-error[role="alert"]').textContent(),
        ).toBe(`markets.0.ownerId: ${leaving} is not a member of this organisation`);
        expect(await page.getByTestId('offer-status').textContent()).toBe('Approved');

        // Choosing another owner clears the server's message at the field.
        await owner.selectOption({ index: 0 });
        await eventually(() => owner.getAttribute('aria-invalid')).toBeNull();
      });
    },
    testTimeout,
  );

  it(
    "asks a shopper where to ship, then sells them only their market's units",
    async () => {
      const title = `Shopper markets ${Math.random().toString(36).slice(2, 6)}`;
      const offerId = await approvedOffer(title);
      // An API token arms on nobody's behalf: each market names its owner.
      const members = await callApi<{ items: Array<{ userId: string; role: string }> }>(
        'GET',
        '/api/v1/members',
      );
      const ownerId = members.items.find((member) => member.role === 'inventory_lead')?.userId;
      await callApi('POST', `/api/v1/offers/${offerId}/arm`, {
        markets: [
          { market: 'GB', units: 1, ownerId },
          { market: 'US', units: 3, ownerId },
        ],
      });
      await callApi('POST', `/api/v1/offers/${offerId}/go-live`);
      await session.withPage(async (page) => {
        await page.goto(`/o/${offerId}?code=STREAM1`);
        await page.getByRole('heading', { level: 1, name: title }).waitFor();
        // No market yet: the page asks instead of offering a claim.
        expect(await page.locator('#claim-form').isHidden()).toBe(true);
        await page.getByLabel('Where should we ship?').selectOption('GB');
        await page.getByRole('button', { name: 'Show stock for my country' }).click();
        await page.waitForURL(/market=GB/);
        expect(page.url()).toContain('code=STREAM1');
        await page.getByText('Units for').waitFor();
        expect(await page.locator('#market').textContent()).toBe('GB');
        await eventually(() => page.locator('#stock').textContent()).toBe('1');

        await page.getByRole('button', { name: /^Claim for/ }).click();
        await page.locator('#hold').waitFor({ state: 'visible' });
        await page.getByLabel('Email', { exact: true }).fill('gb@example.com');
        await page.getByLabel('Full name', { exact: true }).fill('Sam Shopper');
        await page.getByLabel('Address', { exact: true }).fill('10 Downing Street');
        await page.getByLabel('City', { exact: true }).fill('London');
        await page.getByLabel('Postal code', { exact: true }).fill('SW1A 2AA');
        await page.getByLabel('Country', { exact: true }).fill('FR');
        await page.getByLabel('Payment', { exact: true }).selectOption('pm_card_visa');
        await page.getByRole('button', { name: 'Pay' }).click();
        // A GB unit does not ship to France: the shopper is told, the hold stays.
        await eventually(() => page.locator('#notice').textContent()).toContain('GB');
        expect(await page.locator('#hold').isVisible()).toBe(true);
        await page.getByLabel('Country', { exact: true }).fill('GB');
        await page.getByRole('button', { name: 'Pay' }).click();
        await page.getByRole('heading', { name: 'Order confirmed' }).waitFor();
      });
      const offer = await callApi<{ markets: MarketShare[] }>('GET', `/api/v1/offers/${offerId}`);
      expect(offer.markets.map((share) => [share.market, share.sold])).toEqual([
        ['GB', 1],
        ['US', 0],
      ]);
    },
    testTimeout,
  );
});
