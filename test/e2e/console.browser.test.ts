/**
 * The console in a real browser against the real server: sign-in, the navigation shell, the
 * organisation and brand switchers (persisted server-side), and API error messages.
 *
 * Needs Debian's Chromium at /usr/bin/chromium. Without it the suite is skipped, unless
 * MYDROP_REQUIRE_SERVICES=1, where a missing browser is a failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ServerProcess,
  startServerProcess,
  temporaryDataDir,
} from '../support/server-process.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
const requireServices = process.env.MYDROP_REQUIRE_SERVICES === '1';
const skipSuite = !hasChromium && !requireServices;
if (skipSuite) console.warn('skipping browser tests: /usr/bin/chromium not found');

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
  'Settings',
];

interface DemoUser {
  email: string;
  password: string;
  role: string;
}

interface DemoFile {
  baseUrl: string;
  users: DemoUser[];
  apiToken: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function buildConsoleIfMissing(): void {
  if (existsSync(join(repoRoot, 'web/dist/index.html'))) return;
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], {
    cwd: repoRoot,
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
  });
}

describe.skipIf(skipSuite)('console in a browser', () => {
  let server: ServerProcess | undefined;
  let dataDir = '';
  let baseUrl = '';
  let owner: DemoUser;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!hasChromium) {
      throw new Error(
        `MYDROP_REQUIRE_SERVICES=1 but ${chromiumPath} was not found: install Debian's chromium package`,
      );
    }
    buildConsoleIfMissing();

    dataDir = temporaryDataDir();
    server = await startServerProcess({ MYDROP_DATA_DIR: dataDir, MYDROP_DEMO: '1' });
    baseUrl = server.url;
    const demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as DemoFile;
    const found = demo.users.find((user) => user.role === 'owner');
    if (!found) throw new Error('demo.json has no owner user');
    owner = found;

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (server) {
      const stopped = server.stop();
      const timedOut = await Promise.race([
        stopped.then(() => false),
        sleep(10_000).then(() => true),
      ]);
      if (timedOut) server.child.kill('SIGKILL');
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  /** Runs `body` in a fresh browser context (no cookies), failing on uncaught page errors. */
  async function withPage(body: (page: Page) => Promise<void>): Promise<void> {
    if (!browser) throw new Error('the browser did not start');
    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await body(page);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }

  async function signIn(page: Page, password = owner.password): Promise<void> {
    await page.goto('/');
    await page.waitForURL(/\/login(\?|$)/);
    await page.getByLabel('Email', { exact: true }).fill(owner.email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

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

  /** Retries `read` until the assertion holds; the UI waits on API calls, so allow time. */
  function eventually<T>(read: () => Promise<T> | T) {
    return expect.poll(read, { timeout: 15_000, interval: 100 });
  }

  it(
    'signs in and sees the navigation shell',
    async () => {
      await withPage(async (page) => {
        await signIn(page);
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
      await withPage(async (page) => {
        await signIn(page);
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
      const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: owner.email, password: wrongPassword }),
      });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_credentials');

      await withPage(async (page) => {
        await signIn(page, wrongPassword);
        const alert = page.getByRole('alert');
        await alert.waitFor({ state: 'visible' });
        expect((await alert.textContent())?.trim()).toBe(body.error.message);
        expect(new URL(page.url()).pathname).toBe('/login');
      });
    },
    testTimeout,
  );
});
