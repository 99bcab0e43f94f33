/**
 * The console in a real browser against the real server: sign-in, the navigation shell, the
 * organisation and brand switchers (persisted server-side), and API error messages.
 *
 * Needs Debian's Chromium at /usr/bin/chromium. Without it the suite is skipped, unless
 * MYDROP_REQUIRE_SERVICES=1, where a missing browser is a failure.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually, signIn, skipWithoutChromium, useDemoInBrowser } from '../support/browser.js';

const testTimeout = 60_000;
const areaNames = [
  'Calendar',
  'Programs',
  'Offers',
  'Orders',
  'Approvals',
  'Live room',
  'Analytics',
  'Post-mortems',
  'Benchmarks',
  'Settings',
];

describe.skipIf(skipWithoutChromium())('console in a browser', () => {
  const session = useDemoInBrowser({ console: true });

  interface Option {
    value: string;
    label: string;
  }

  /** The options of the <select> labelled `selectLabel`, in order, read in one go. */
  function selectOptions(page: Page, selectLabel: string): Promise<Option[]> {
    return page
      .getByLabel(selectLabel, { exact: true })
      .locator('option')
      .evaluateAll((options) =>
        options.map((option) => ({
          value: (option as unknown as { value: string }).value,
          label: (option.textContent ?? '').trim(),
        })),
      );
  }

  it(
    'signs in and sees the navigation shell',
    async () => {
      await session.withPage(async (page) => {
        await signIn(page, session.owner);
        await page.waitForURL(/\/calendar$/);
        const nav = page.getByRole('navigation', { name: 'Main' });
        for (const name of areaNames) {
          await nav.getByRole('link', { name, exact: true }).waitFor({ state: 'visible' });
        }
        await page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor();
        await page.getByRole('button', { name: 'Sign out' }).waitFor();
      });
    },
    testTimeout,
  );

  it(
    'switches brand and organisation',
    async () => {
      await session.withPage(async (page) => {
        await signIn(page, session.owner);
        await page.waitForURL(/\/calendar$/);
        const brandSelect = page.getByLabel('Brand', { exact: true });
        const organizationSelect = page.getByLabel('Organisation', { exact: true });
        const activeBrand = page.getByTestId('active-brand');

        // "All brands" plus the first organisation's two brands.
        await eventually(() => brandSelect.locator('option').count()).toBeGreaterThanOrEqual(3);
        const brandOptions = await selectOptions(page, 'Brand');
        expect(brandOptions[0]).toEqual({ value: '', label: 'All brands' });
        const firstOrganizationBrands = brandOptions.slice(1).map((option) => option.label);
        const secondBrand = brandOptions[2];
        if (!secondBrand) throw new Error('the first organisation has fewer than two brands');

        await brandSelect.selectOption(secondBrand.value);
        await eventually(() => activeBrand.textContent()).toBe(secondBrand.label);

        // The choice lives on the server: a reload keeps it.
        await page.reload();
        await eventually(() => brandSelect.inputValue()).toBe(secondBrand.value);
        await eventually(() => activeBrand.textContent()).toBe(secondBrand.label);

        // Another organisation has other brands, and starts on "All brands".
        const currentOrganization = await organizationSelect.inputValue();
        const organizationIds = (await selectOptions(page, 'Organisation')).map((o) => o.value);
        const otherOrganization = organizationIds.find((id) => id && id !== currentOrganization);
        if (!otherOrganization) throw new Error('the owner belongs to only one organisation');
        await organizationSelect.selectOption(otherOrganization);

        await eventually(() => organizationSelect.inputValue()).toBe(otherOrganization);
        await eventually(async () => {
          const brands = (await selectOptions(page, 'Brand')).slice(1).map((o) => o.label);
          return (
            brands.length > 0 && brands.every((name) => !firstOrganizationBrands.includes(name))
          );
        }).toBe(true);
        await eventually(() => activeBrand.textContent()).toBe('All brands');
      });
    },
    testTimeout,
  );

  it(
    'a wrong password shows the error',
    async () => {
      const wrongPassword = 'not-the-right-password-at-all';
      // The message the API gives for this case, so the test checks the console shows it as is.
      const response = await fetch(`${session.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: session.owner.email, password: wrongPassword }),
      });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_credentials');

      await session.withPage(async (page) => {
        await signIn(page, session.owner, wrongPassword);
        const alert = page.getByRole('alert');
        await alert.waitFor({ state: 'visible' });
        expect((await alert.textContent())?.trim()).toBe(body.error.message);
        expect(new URL(page.url()).pathname).toBe('/login');
      });
    },
    testTimeout,
  );
});
