/**
 * The Benchmarks page in a real browser against the real server: the drop benchmark's recorded
 * runs (MYDROP_BENCH_RESULTS, here a copy of test/fixtures/drop-bench-runs.json) drawn as
 * charts, the targets with their verdicts, and the empty state before any run.
 *
 * Needs Debian's Chromium at /usr/bin/chromium. Without it the suite is skipped, unless
 * MYDROP_REQUIRE_SERVICES=1, where a missing browser is a failure.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { DropBenchRuns } from '../../src/modules/benchmarks/index.js';
import { eventually, signIn, skipWithoutChromium, useDemoInBrowser } from '../support/browser.js';

const testTimeout = 60_000;
const fixturePath = new URL('../fixtures/drop-bench-runs.json', import.meta.url);
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as DropBenchRuns;
// A zone and a language other than the server's, so the run's time is shown as the viewer reads it.
const viewer = { locale: 'en-GB', timezoneId: 'Asia/Tokyo' };

describe.skipIf(skipWithoutChromium())('the Benchmarks page', () => {
  const folder = mkdtempSync(join(tmpdir(), 'mydrop-bench-page-'));
  const resultsFile = join(folder, 'drop-runs.json');
  const session = useDemoInBrowser({ console: true, env: { MYDROP_BENCH_RESULTS: resultsFile } });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const latest = fixture.runs[fixture.runs.length - 1];
  if (!latest) throw new Error('the fixture has no runs');

  async function openBenchmarks(page: Page): Promise<void> {
    await signIn(page, session.owner);
    await page.waitForURL(/\/calendar$/);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Benchmarks' })
      .click();
    await page.waitForURL(/\/benchmarks$/);
    await page.getByRole('heading', { level: 1, name: 'Benchmarks' }).waitFor();
  }

  it(
    'draws the latest run as charts, with its targets, machine and the trend across runs',
    async () => {
      copyFileSync(fixturePath, resultsFile);
      await session.withPage(
        async (page) => {
          await openBenchmarks(page);

          // 19:46 UTC is 04:46 the next morning in Tokyo.
          await page.getByRole('heading', { name: /Latest run: 2 Dec 2026, 04:46/ }).waitFor();
          await page.getByText('AMD EPYC (virtual machine), 2 cores, 24 GiB').waitFor();
          await page.getByText('20,000 (200,000 in process), 256 in flight').waitFor();

          const targets = page.getByTestId('bench-target');
          expect(await targets.count()).toBe(latest.targets.length);
          await targets
            .filter({ hasText: 'p99 < 50 ms at 256 connections' })
            .getByText('MISSED', { exact: true })
            .waitFor();
          await targets
            .filter({ hasText: '0 oversold, every Mydrop row' })
            .getByText('MET', { exact: true })
            .waitFor();

          const decisions = page.locator(
            'svg[role="img"][aria-label^="Decisions per second on a log scale"]',
          );
          const measured = latest.rows.filter((row) => row.decisionsPerSecond !== null);
          expect(await decisions.locator('rect.bench-bar').count()).toBe(measured.length);
          expect(await decisions.locator('rect.bench-bar-ceiling').count()).toBe(2);
          expect(await decisions.locator('.bench-tick text').allTextContents()).toEqual([
            '1k',
            '10k',
            '100k',
            '1M',
          ]);
          await decisions.getByText('13,895/s', { exact: true }).waitFor();
          expect(await decisions.getAttribute('aria-label')).toContain(
            'fastest Mydrop in process, embedded store only (3-SKU bundle x200) at 870,172/s',
          );

          const latency = page.locator(
            'svg[role="img"][aria-label^="p99 latency for the 200 units drop"]',
          );
          await latency.getByTestId('bench-reference').getByText('50 ms target').waitFor();
          expect(
            await latency.locator('.bench-reference line').getAttribute('stroke-dasharray'),
          ).toBe('6 4');
          expect(await latency.getAttribute('aria-label')).toContain(
            '4 of 9 scenarios under the 50 ms target',
          );

          const ratio = page.locator(
            'svg[role="img"][aria-label^="Mydrop\'s decisions per second divided"]',
          );
          await ratio.getByText('0.7x target (HTTP)').waitFor();
          expect(await ratio.locator('rect.bench-bar').count()).toBe(15);

          const history = page.locator('svg[role="img"][aria-label*="over the last 2 runs"]');
          expect(await history.locator('circle').count()).toBe(4);
          expect(await history.getAttribute('aria-label')).toContain(
            'Mydrop embedded, over HTTP (PGlite) from 9,410/s to 13,895/s',
          );

          // The figures stay readable without the picture.
          const chartData = page.locator('figure').first().locator('details');
          await chartData.locator('summary').click();
          await chartData
            .getByRole('row', { name: /Baseline: conditional UPDATE.*3,202\/s/ })
            .first()
            .waitFor();

          expect(await page.getByTestId('oversold-badge').count()).toBe(0);
        },
        { context: viewer },
      );
    },
    testTimeout,
  );

  it(
    'flags an oversold row in red and leaves the history out with a single run',
    async () => {
      const rows = latest.rows.map((row) =>
        row.key === 'for-update' && row.drop?.id === 'units-1' ? { ...row, oversold: 3 } : row,
      );
      writeFileSync(resultsFile, JSON.stringify({ runs: [{ ...latest, rows }] }));
      await session.withPage(async (page) => {
        await openBenchmarks(page);
        const badge = page.getByTestId('oversold-badge');
        await eventually(() => badge.count()).toBe(1);
        expect(await badge.textContent()).toBe('3');
        expect(await page.locator('svg[aria-label*="over the last"]').count()).toBe(0);
      });
    },
    testTimeout,
  );

  it(
    'explains how to record a run while there is none',
    async () => {
      rmSync(resultsFile, { force: true });
      await session.withPage(async (page) => {
        await openBenchmarks(page);
        await page.getByRole('heading', { name: 'No benchmark runs recorded yet' }).waitFor();
        await page.getByText('npm run bench:drop', { exact: true }).waitFor();
        expect(await page.locator('svg[role="img"]').count()).toBe(0);
      });
    },
    testTimeout,
  );
});
