/**
 * Browser suites: the real server (`mydrop start`) on a fresh demo workspace, driven by Debian's
 * Chromium through playwright-core. Without /usr/bin/chromium a suite is skipped with one
 * warning, unless MYDROP_REQUIRE_SERVICES=1, where a missing browser is a failure.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { DemoFile } from '../../src/modules/demo/index.js';
import { skipWithout } from './require-service.js';
import {
  demoUser,
  readDemo,
  repoRoot,
  type ServerProcess,
  startServerProcess,
  temporaryDataDir,
} from './server-process.js';

export const chromiumPath = '/usr/bin/chromium';

/** For `describe.skipIf`: true when Chromium is missing; throws instead when it is required. */
export function skipWithoutChromium(): boolean {
  return skipWithout(
    'browser',
    existsSync(chromiumPath),
    `${chromiumPath} not found: install Debian's chromium package`,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds web/dist when it is missing or older than the console's sources, with the rule
 * `npm start` uses (scripts/ensure-console.mjs): a stale build makes the suites test old code.
 * Suites run in parallel workers, so a lock keeps two of them from building into web/dist at once.
 */
async function ensureConsoleBuilt(): Promise<void> {
  const checkout = createHash('sha256').update(repoRoot).digest('hex').slice(0, 12);
  const lock = join(tmpdir(), `mydrop-console-build-${checkout}.lock`);
  while (true) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a killed run would block every later one: builds take well under this.
      const lockedAt = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAt > 300_000) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    execFileSync(process.execPath, ['scripts/ensure-console.mjs'], {
      cwd: repoRoot,
      // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'inherit',
    });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Stops the server, killing it when it has not finished within ten seconds. */
async function stopOrKill(server: ServerProcess): Promise<void> {
  const stopped = server.stop().then(() => false);
  if (await Promise.race([stopped, sleep(10_000).then(() => true)])) server.child.kill('SIGKILL');
}

/** Retries `read` until the assertion holds; the UI waits on API calls, so allow time. */
export function eventually<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: 15_000, interval: 100 });
}

/** Signs in through the console's form, arriving at `/` signed out as a visitor does. */
export async function signIn(
  page: Page,
  user: { email: string; password: string },
  password = user.password,
): Promise<void> {
  await page.goto('/');
  await page.waitForURL(/\/login(\?|$)/);
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export interface PageOptions {
  /** Options for the fresh browser context, such as `{ javaScriptEnabled: false }`. */
  context?: BrowserContextOptions;
  /** Browser console errors that fail the page too, such as Content-Security-Policy refusals. */
  failOnConsoleErrors?: RegExp;
}

export interface DemoInBrowser {
  /** The server's address, such as http://localhost:41234. */
  readonly baseUrl: string;
  readonly demo: DemoFile;
  readonly owner: DemoFile['users'][number];
  /** Runs `body` in a fresh browser context (no cookies), failing on uncaught page errors. */
  withPage(body: (page: Page) => Promise<void>, options?: PageOptions): Promise<void>;
}

/**
 * Starts, for the enclosing describe, the server on a new demo workspace (building the console
 * first when `console` is set) and Chromium; stops both and removes the data folder afterwards.
 */
export function useDemoInBrowser(options: {
  console: boolean;
  /** More environment for the server, such as MYDROP_BENCH_RESULTS. */
  env?: Record<string, string>;
}): DemoInBrowser {
  let server: ServerProcess | undefined;
  let dataDir = '';
  let demo: DemoFile | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (options.console) await ensureConsoleBuilt();
    dataDir = temporaryDataDir();
    server = await startServerProcess({
      ...options.env,
      MYDROP_DATA_DIR: dataDir,
      MYDROP_DEMO: '1',
    });
    demo = readDemo(dataDir);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopOrKill(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  function started<T>(value: T | undefined): T {
    if (value === undefined) throw new Error('the server or the browser did not start');
    return value;
  }

  return {
    get baseUrl() {
      return started(server).url;
    },
    get demo() {
      return started(demo);
    },
    get owner() {
      return demoUser(started(demo), 'owner');
    },
    async withPage(body, pageOptions = {}) {
      const context = await started(browser).newContext({
        baseURL: started(server).url,
        ...pageOptions.context,
      });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      const failOn = pageOptions.failOnConsoleErrors;
      if (failOn) {
        page.on('console', (message) => {
          if (message.type() === 'error' && failOn.test(message.text())) {
            problems.push(message.text());
          }
        });
      }
      try {
        await body(page);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
  };
}
