/**
 * The Orders area in a real browser against the real server: orders bought through the public
 * shopper API on the live demo offer appear with their urgency bonus, the offer filter narrows
 * the list, cancel and return refund the charge (with and without restock), and the CSV export
 * link downloads the same orders.
 *
 * Needs Debian's Chromium at /usr/bin/chromium. Without it the suite is skipped, unless
 * MYDROP_REQUIRE_SERVICES=1, where a missing browser is a failure.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually, signIn, skipWithoutChromium, useDemoInBrowser } from '../support/browser.js';
import { shopperDetails } from '../support/drops.js';

const liveOfferTitle = 'Glow Serum live drop';
const otherOfferTitle = 'Insulated Bottle transatlantic drop';
const bonus = 'a Silk Sleep Mask';
/** Money shows in the browser's locale: fix it so amounts read "€19.00". */
const english = { context: { locale: 'en-US' } };

describe.skipIf(skipWithoutChromium())('orders in the console', () => {
  const session = useDemoInBrowser({ console: true });

  /** Claims one unit of the live demo offer and checks out as `name`; answers the order id. */
  async function buy(name: string): Promise<string> {
    const offerUrl = `${session.baseUrl}/api/v1/public/offers/${session.demo.liveOfferId}`;
    const claim = await fetch(`${offerUrl}/claims`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `orders-e2e-${name}` },
      body: JSON.stringify({ shopper: `orders-e2e-${name}`, quantity: 1 }),
    });
    expect(claim.status).toBe(201);
    const { holdId } = (await claim.json()) as { holdId: string };
    const paid = await fetch(`${session.baseUrl}/api/v1/public/holds/${holdId}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...shopperDetails,
        name,
        email: `${name.toLowerCase()}@example.com`,
        payment: { provider: 'sandbox', token: 'pm_card_visa' },
      }),
    });
    expect(paid.status).toBe(201);
    return ((await paid.json()) as { orderId: string }).orderId;
  }

  async function stockLeft(): Promise<number> {
    const offer = await fetch(
      `${session.baseUrl}/api/v1/public/offers/${session.demo.liveOfferId}`,
    );
    return ((await offer.json()) as { stockLeft: number }).stockLeft;
  }

  async function openOrders(page: Page): Promise<void> {
    await signIn(page, session.owner);
    await page.waitForURL(/\/calendar$/);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Orders' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
  }

  it('lists orders with their bonus, filters by offer, cancels and returns with refunds, and exports CSV', async () => {
    const cancelId = await buy('Ada');
    const returnId = await buy('Brook');
    const keptId = await buy('Cyd');
    const rowOf = (page: Page, name: string) => page.locator('tbody tr', { hasText: name });

    await session.withPage(async (page) => {
      await openOrders(page);
      await eventually(() => page.locator('#orders-heading').textContent()).toBe('3 orders');
      for (const name of ['Ada', 'Brook', 'Cyd']) {
        const row = rowOf(page, name);
        await row.waitFor();
        expect(await row.textContent()).toContain(liveOfferTitle);
        // The demo offer's rule: the first 100 orders get the Silk Sleep Mask.
        expect(await row.textContent()).toContain(`+ ${bonus}`);
        expect(await row.textContent()).toContain('Paid');
      }

      // The offer filter: another offer has no orders; the live one has all three.
      const filter = page.getByLabel('Offer', { exact: true });
      await filter.selectOption({ label: otherOfferTitle });
      await page.getByText('Nobody has bought this offer yet.').waitFor();
      await filter.selectOption({ label: liveOfferTitle });
      await page.waitForURL(new RegExp(`/orders\\?offer=${session.demo.liveOfferId}$`));
      await eventually(() => page.locator('#orders-heading').textContent()).toBe('3 orders');

      // Cancel with restock: the refund names the amount charged and the unit goes back on sale.
      const beforeCancel = await stockLeft();
      const ada = rowOf(page, 'Ada');
      await ada.getByRole('button', { name: `Cancel… order ${cancelId.slice(0, 8)}` }).click();
      await ada.getByRole('button', { name: /^Refund €19\.00 and cancel$/ }).click();
      await eventually(() => ada.textContent()).toContain('Cancelled');
      expect(await ada.textContent()).toContain('Refunded');
      expect(await stockLeft()).toBe(beforeCancel + 1);

      // Once shipped an order is returned, not cancelled; unticking restock writes it off.
      const brook = rowOf(page, 'Brook');
      await brook
        .getByLabel(`Fulfilment of order ${returnId.slice(0, 8)}`)
        .selectOption({ label: 'Shipped' });
      const returnButton = brook.getByRole('button', {
        name: `Return… order ${returnId.slice(0, 8)}`,
      });
      await returnButton.waitFor();
      await brook.getByLabel(`Restock units of order ${returnId.slice(0, 8)}`).uncheck();
      await returnButton.click();
      await brook.getByRole('button', { name: /^Refund €19\.00 and return$/ }).click();
      await eventually(() => brook.textContent()).toContain('Returned');
      expect(await stockLeft()).toBe(beforeCancel + 1);

      // The export link downloads the filtered orders with the session's cookie.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Export CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('orders.csv');
      const csv = await readFile(await download.path(), 'utf8');
      const [header, ...lines] = csv.trim().split('\r\n');
      const columns = header?.split(',') ?? [];
      const cells = (id: string) => {
        const line = lines.find((candidate) => candidate.startsWith(id)) ?? '';
        const values = line.split(',');
        return {
          status: values[columns.indexOf('status')],
          bonus: values[columns.indexOf('bonus')],
        };
      };
      expect(lines).toHaveLength(3);
      expect(cells(cancelId)).toEqual({ status: 'cancelled', bonus });
      expect(cells(returnId)).toEqual({ status: 'returned', bonus });
      expect(cells(keptId)).toEqual({ status: 'paid', bonus });
    }, english);
  }, 120_000);
});
