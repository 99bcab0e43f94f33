/**
 * Settings › Audit log in a real browser against the real server on the demo workspace: the
 * owner sees the recorded entries and verifies the chain; a host (no audit.read) does not see
 * the section at all.
 */
import { describe, it } from 'vitest';
import { eventually, signIn, skipWithoutChromium, useDemoInBrowser } from '../support/browser.js';
import { demoUser } from '../support/server-process.js';

describe.skipIf(skipWithoutChromium())('the audit log in the console', () => {
  const session = useDemoInBrowser({ console: true });

  async function openSettings(page: import('playwright-core').Page): Promise<void> {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Settings' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  }

  it('shows the owner recorded entries and an intact chain', async () => {
    await session.withPage(async (page) => {
      await signIn(page, session.owner);
      await page.waitForURL(/\/calendar$/);
      await openSettings(page);
      const section = page.locator('section#audit');
      await section.getByRole('heading', { name: 'Audit log' }).waitFor();
      // The demo's live offer went through approval and go-live.
      await section.locator('td code', { hasText: 'offer.went_live' }).first().waitFor();
      await section.getByRole('button', { name: 'Verify chain' }).click();
      await section.getByText(/^Chain intact: all \d+ entries match/).waitFor();
      await eventually(() =>
        section.getByRole('link', { name: 'Export CSV' }).getAttribute('href'),
      ).toBe('/api/v1/audit/export?format=csv');
    });
  }, 90_000);

  it('leaves the section out for a role without audit.read', async () => {
    await session.withPage(async (page) => {
      await signIn(page, demoUser(session.demo, 'host'));
      await page.waitForURL(/\/calendar$/);
      await openSettings(page);
      await page.getByRole('heading', { name: 'Members' }).waitFor();
      await eventually(() => page.locator('section#audit').count()).toBe(0);
    });
  }, 90_000);
});
