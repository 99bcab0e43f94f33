/**
 * The go/no-go gate in a real browser against the real server: the demo owner opens tomorrow's
 * demo show from the calendar, is refused going live with the failing checks listed, confirms
 * the host's check and sees it pass, while the rest still blocks the show.
 *
 * Needs Debian's Chromium at /usr/bin/chromium. Without it the suite is skipped, unless
 * MYDROP_REQUIRE_SERVICES=1, where a missing browser is a failure.
 */
import { describe, expect, it } from 'vitest';
import { eventually, signIn, skipWithoutChromium, useDemoInBrowser } from '../support/browser.js';

const testTimeout = 90_000;
const showTitle = 'Glow Serum launch live';

describe.skipIf(skipWithoutChromium())('the go/no-go gate in the console', () => {
  const session = useDemoInBrowser({ console: true });

  it(
    'refuses the pending demo show with its failing checks until they pass',
    async () => {
      await session.withPage(async (page) => {
        await signIn(page, session.owner);
        await page.waitForURL(/\/calendar$/);

        // Tomorrow's show is on the calendar; its page holds the checklist.
        await page.getByRole('link', { name: showTitle }).click();
        await page.waitForURL(new RegExp(`/calendar/shows/${session.demo.pendingShowId}$`));
        await page.getByRole('heading', { level: 1, name: showTitle }).waitFor();
        const hostCheck = page.getByTestId('check-manual:host_ready');
        await hostCheck.waitFor();
        expect(await hostCheck.getAttribute('data-passed')).toBe('false');
        expect(await page.getByTestId('check-stream_health').getAttribute('data-passed')).toBe(
          'true',
        );

        // Going live is refused, naming each failing check.
        await page.getByRole('button', { name: 'Go live', exact: true }).click();
        const refusal = page.getByTestId('go-live-refusal');
        await page.locator('[data-testid="go-live-refusal"][data-attempt="1"]').waitFor();
        const failing = async () =>
          (await refusal.getByTestId('failing-check').allTextContents()).join('\n');
        expect(await failing()).toContain('manual:host_ready');
        expect(await failing()).toContain(`link_tested:${session.demo.liveOfferId}`);
        // The offer copy still waits on legal; the approved script's promise is kept.
        expect(await failing()).toContain('Approved at the version used: Glow Serum offer copy');
        expect(await failing()).not.toContain('delivery_promises:');

        // The owner confirms the host's check: it passes.
        await hostCheck.getByRole('button', { name: /^Confirm/ }).click();
        await eventually(() => hostCheck.getAttribute('data-passed')).toBe('true');
        await hostCheck.getByRole('button', { name: 'Withdraw' }).waitFor();

        // Still refused, for what remains, but no longer for the host.
        await page.getByRole('button', { name: 'Go live', exact: true }).click();
        await page.locator('[data-testid="go-live-refusal"][data-attempt="2"]').waitFor();
        expect(await failing()).toContain(`link_tested:${session.demo.liveOfferId}`);
        expect(await failing()).not.toContain('manual:host_ready');
        expect(await page.getByTestId('show-status').textContent()).toBe('Scheduled');

        // What the console showed is what the API answers.
        const refused = await page.evaluate(async (showId) => {
          const response = await fetch(`/api/v1/shows/${showId}/go-live`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          });
          return {
            status: response.status,
            body: (await response.json()) as {
              error: { code: string; details: { failing: string[] } };
            },
          };
        }, session.demo.pendingShowId);
        expect(refused.status).toBe(409);
        expect(refused.body.error.code).toBe('preflight_failed');
        expect(refused.body.error.details.failing).not.toContain('manual:host_ready');
      });
    },
    testTimeout,
  );

  it(
    'goes live on an emergency override with a reason',
    async () => {
      await session.withPage(async (page) => {
        await signIn(page, session.owner);
        await page.waitForURL(/\/calendar$/);
        await page.goto(`/calendar/shows/${session.demo.pendingShowId}`);
        await page.getByRole('button', { name: 'Emergency override…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Emergency override' });
        await dialog.getByRole('button', { name: 'Go live anyway' }).click();
        await dialog.getByText('Say why the show goes live').waitFor();
        await dialog.getByLabel('Reason').fill('Retailer window closes tonight');
        await dialog.getByRole('button', { name: 'Go live anyway' }).click();
        await eventually(() => page.getByTestId('show-status').textContent()).toBe('Live');
        await page.getByText('Went live on an emergency override').waitFor();
      });
    },
    testTimeout,
  );
});
