/**
 * The Offers area in a real browser against the real server: the live demo offer with its
 * reserve, and an offer taken through its whole lifecycle from the console (create, approve,
 * arm, go live, kill switch), checked afterwards through the public shopper API.
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
if (skipSuite) console.warn('skipping offers browser tests: /usr/bin/chromium not found');

const testTimeout = 90_000;
const liveOfferTitle = 'Glow Serum live drop';

interface DemoUser {
  email: string;
  password: string;
  role: string;
}

interface DemoFile {
  users: DemoUser[];
  liveOfferId: string;
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

describe.skipIf(skipSuite)('offers in the console', () => {
  let server: ServerProcess | undefined;
  let dataDir = '';
  let baseUrl = '';
  let demo: DemoFile;
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
    demo = JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as DemoFile;
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

  /** Runs `body` signed in as the demo owner in a fresh context, failing on page errors. */
  async function asOwner(body: (page: Page) => Promise<void>): Promise<void> {
    if (!browser) throw new Error('the browser did not start');
    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto('/login');
      await page.getByLabel('Email', { exact: true }).fill(owner.email);
      await page.getByLabel('Password', { exact: true }).fill(owner.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/calendar$/);
      await body(page);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }

  /** Retries `read` until the assertion holds; the UI waits on API calls, so allow time. */
  function eventually<T>(read: () => Promise<T> | T) {
    return expect.poll(read, { timeout: 15_000, interval: 100 });
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
        const claim = await fetch(`${baseUrl}/api/v1/public/offers/${demo.liveOfferId}/claims`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'offers-e2e-claim' },
          body: JSON.stringify({ shopper: 'offers-e2e-shopper', quantity: 1 }),
        });
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

        const killSwitch = page.getByRole('button', { name: /kill switch/ });
        await killSwitch.click();
        await eventually(() => status.textContent()).toBe('Paused');
        await page.getByRole('button', { name: 'Resume' }).waitFor();
        expect(await killSwitch.count()).toBe(0);

        const response = await fetch(`${baseUrl}/api/v1/public/offers/${offerId}`);
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
