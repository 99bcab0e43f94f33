/**
 * The notifications bell and Settings → Webhooks in a real browser against the real server:
 * the demo's welcome notification read from the bell, and a webhook added (its secret shown
 * once), inspected and removed.
 *
 * Needs Debian's Chromium at /usr/bin/chromium. Without it the suite is skipped, unless
 * MYDROP_REQUIRE_SERVICES=1, where a missing browser is a failure.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/modules/notifications/index.js';
import { eventually, signIn, skipWithoutChromium, useDemoInBrowser } from '../support/browser.js';
import { demoUser } from '../support/server-process.js';

/** A local endpoint that accepts every delivery and keeps what it got. */
async function startReceiver() {
  const received: Array<{ body: string; signature: string | string[] | undefined }> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ body, signature: request.headers['mydrop-signature'] });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/mydrop`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const testTimeout = 90_000;

describe.skipIf(skipWithoutChromium())('notifications and webhooks in the console', () => {
  const session = useDemoInBrowser({ console: true });

  const bell = (page: Page) => page.getByRole('button', { name: /^Notifications/ });

  it(
    'shows the unread count, opens the notification and marks it read',
    async () => {
      await session.withPage(async (page) => {
        await signIn(page, session.owner);
        await page.waitForURL(/\/calendar$/);
        await eventually(() => bell(page).getAttribute('aria-label')).toBe(
          'Notifications, 1 unread',
        );
        expect(await page.getByTestId('unread-count').textContent()).toBe('1');

        await bell(page).click();
        const panel = page.getByRole('region', { name: 'Notifications' });
        await panel.getByText('Welcome to the Mydrop demo').click();
        await page.waitForURL(/\/settings#webhooks$/);
        await eventually(() => bell(page).getAttribute('aria-label')).toBe('Notifications');
        expect(await page.getByTestId('unread-count').count()).toBe(0);

        await bell(page).click();
        await panel.getByText('Welcome to the Mydrop demo').waitFor();
        expect(await panel.getByRole('button', { name: 'Mark all read' }).count()).toBe(0);
      });
    },
    testTimeout,
  );

  it(
    'adds a webhook, shows its secret once, delivers a signed test event and removes it',
    async () => {
      const receiver = await startReceiver();
      try {
        await session.withPage(async (page) => {
          page.on('dialog', (dialog) => void dialog.accept());
          await signIn(page, session.owner);
          await page.waitForURL(/\/calendar$/);
          await page.goto('/settings');
          const section = page.locator('#webhooks');
          await section.getByLabel('Endpoint URL').fill(receiver.url);
          await section.getByLabel('Event types').fill('approval.*, show.live');
          await section.getByLabel('Description').fill('Ops bridge');
          await section.getByRole('button', { name: 'Add webhook' }).click();

          const secret = await section.getByTestId('new-webhook-secret').textContent();
          expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
          const row = section.locator('tr', { hasText: receiver.url });
          await row.getByText('approval.*, show.live').waitFor();
          await row.getByText(`${secret?.slice(0, 10)}…`).waitFor();
          await section.getByRole('button', { name: 'I have copied it' }).click();
          expect(await section.getByTestId('new-webhook-secret').count()).toBe(0);
          expect(await page.content()).not.toContain(secret ?? 'no secret');

          await row.getByRole('button', { name: /^Deliveries/ }).click();
          await section.getByText('Nothing delivered yet').waitFor();

          // The real server's scheduler POSTs it; the list follows it until delivered.
          await section.getByRole('button', { name: 'Send test event' }).click();
          await eventually(() => section.getByTestId('delivery-status').first().textContent()).toBe(
            'delivered',
          );
          expect(receiver.received).toHaveLength(1);
          const [delivery] = receiver.received;
          expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({ type: 'webhook.test' });
          expect(
            verifyWebhookSignature(
              secret ?? '',
              delivery?.body ?? '',
              String(delivery?.signature),
              Math.floor(Date.now() / 1000),
            ),
          ).toBe(true);

          await row.getByRole('button', { name: /^Remove/ }).click();
          await section.getByText('No webhooks yet').waitFor();
        });
      } finally {
        await receiver.close();
      }
    },
    testTimeout,
  );

  it(
    'tells a producer that webhooks are for owners and social ops',
    async () => {
      await session.withPage(async (page) => {
        await signIn(page, demoUser(session.demo, 'producer'));
        await page.waitForURL(/\/calendar$/);
        await page.goto('/settings');
        await page
          .locator('#webhooks')
          .getByText('Only owners and social ops can see and add webhooks.')
          .waitFor();
        // The bell counts the producer's own inbox (the demo sends them a few notifications).
        const unread = await page.evaluate(async () => {
          const response = await fetch('/api/v1/notifications', { credentials: 'same-origin' });
          return ((await response.json()) as { unreadCount: number }).unreadCount;
        });
        expect(unread).toBeGreaterThan(0);
        await eventually(() => bell(page).getAttribute('aria-label')).toBe(
          `Notifications, ${unread} unread`,
        );
      });
    },
    testTimeout,
  );
});
