/**
 * Approvals in a real browser against the real server, signed in as the demo's people: the
 * campaign's matrix as one table; the producer edits the shot list and compares versions;
 * the brand approver returns it with a comment on one line; after the fix the brand approver
 * and social ops approve it; legal sees the offer copy waiting on them.
 *
 * Needs Debian's Chromium at /usr/bin/chromium. Without it the suite is skipped, unless
 * MYDROP_REQUIRE_SERVICES=1, where a missing browser is a failure.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { DemoFile } from '../../src/modules/demo/index.js';
import { eventually, signIn, skipWithoutChromium, useDemoInBrowser } from '../support/browser.js';
import { demoUser } from '../support/server-process.js';

const testTimeout = 120_000;
const shotList = 'Glow Serum shot list';
type DemoRole = DemoFile['users'][number]['role'];

describe.skipIf(skipWithoutChromium())('approvals in the console', () => {
  const session = useDemoInBrowser({ console: true });

  /** Runs `body` signed in as the demo's person holding `role`, in a fresh context. */
  function as(role: DemoRole, body: (page: Page) => Promise<void>): Promise<void> {
    return session.withPage(async (page) => {
      await signIn(page, demoUser(session.demo, role));
      await page.waitForURL(/\/calendar$/);
      await body(page);
    });
  }

  async function openApprovals(page: Page): Promise<void> {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Approvals' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
  }

  async function openDocument(page: Page, title: string): Promise<void> {
    await openApprovals(page);
    await page.getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  }

  const status = (page: Page) => page.getByTestId('document-status').first().textContent();

  it(
    'shows the campaign’s approvals matrix as one table, with SLA, CC and escalation',
    async () => {
      await as('owner', async (page) => {
        await openApprovals(page);
        const matrix = page.getByTestId('approvals-matrix');
        await matrix.waitFor();
        const hostScript = matrix.getByRole('row', { name: /Host script/ });
        expect(await hostScript.textContent()).toMatch(
          /Brand approver.*Legal.*legal sign-off.*48 hours.*Social ops.*Brand approver → Owner/,
        );
        const shots = matrix.getByRole('row', { name: /Shot list/ });
        expect(await shots.textContent()).toContain('Brand approver + Social ops');
      });
    },
    testTimeout,
  );

  it(
    'edits a document, shows the diff, returns it with a line comment and approves it',
    async () => {
      await as('producer', async (page) => {
        await openDocument(page, shotList);
        expect(await status(page)).toBe('Draft');
        const editor = page.getByRole('textbox', { name: 'Text', exact: true });
        const original = await editor.inputValue();
        await editor.fill(
          original.replace(
            'Split screen: before and after glow',
            'Split screen: glow at 0 and 10 min',
          ),
        );
        await page.getByLabel('What changed (optional)').fill('Timed glow shot');
        await page.getByRole('button', { name: 'Save as new version' }).click();
        await page.getByText('Saved as version 2.').waitFor();

        const diff = page.getByTestId('diff');
        await diff.waitFor();
        await eventually(() => page.getByTestId('diff-summary').textContent()).toBe(
          '1 added, 1 removed',
        );
        expect(await diff.locator('tr.diff-removed').textContent()).toContain(
          'Split screen: before and after glow',
        );
        expect(await diff.locator('tr.diff-added').textContent()).toContain(
          'Split screen: glow at 0 and 10 min',
        );

        await page.getByRole('button', { name: 'Submit v2 for review' }).click();
        await eventually(() => status(page)).toBe('In review');
        expect(await page.getByTestId('assignment-brand_approver').textContent()).toBe('Waiting');
        expect(await page.getByTestId('assignment-social_ops').textContent()).toBe('Waiting');
      });

      await as('brand_approver', async (page) => {
        await openDocument(page, shotList);
        await page.getByRole('button', { name: 'Comment on line 2' }).click();
        await page
          .getByLabel('Your comment on line 2')
          .fill('Show the dropper on the wrist, not the hand.');
        await page.getByRole('button', { name: 'Return with 1 comment' }).click();
        await eventually(() => status(page)).toBe('Returned');
        await page.getByText('Show the dropper on the wrist, not the hand.').waitFor();
      });

      await as('producer', async (page) => {
        await openDocument(page, shotList);
        const text = page.getByTestId('document-text');
        expect(await text.locator('li.line-commented').textContent()).toContain(
          'Show the dropper on the wrist',
        );
        const editor = page.getByRole('textbox', { name: 'Text', exact: true });
        await editor.fill(
          (await editor.inputValue()).replace('on the back of the hand', 'on the wrist'),
        );
        await page.getByRole('button', { name: 'Save as new version' }).click();
        await page.getByText('Saved as version 3.').waitFor();
        await page.getByRole('button', { name: 'Submit v3 for review' }).click();
        await eventually(() => status(page)).toBe('In review');
        await page.getByText(/\(re-review\), 24 hours per stage/).waitFor();
      });

      await as('brand_approver', async (page) => {
        await openDocument(page, shotList);
        await page.getByRole('button', { name: 'Approve v3' }).click();
        await eventually(() => page.getByTestId('assignment-brand_approver').textContent()).toBe(
          'Approved',
        );
        expect(await status(page)).toBe('In review');
      });

      await as('social_ops', async (page) => {
        await openDocument(page, shotList);
        await page.getByRole('button', { name: 'Approve v3' }).click();
        await eventually(() => status(page)).toBe('Approved');
      });

      // What the console showed is what the API answers.
      const answer = await fetch(`${session.baseUrl}/api/v1/documents?status=approved`, {
        headers: { authorization: `Bearer ${session.demo.apiToken}` },
      });
      const { items } = (await answer.json()) as { items: Array<{ title: string }> };
      const approved = items.find((document: { title: string }) => document.title === shotList);
      expect(approved).toMatchObject({ approved: true, currentVersionNumber: 3 });
    },
    testTimeout,
  );

  it(
    'shows legal what waits on them, and how late',
    async () => {
      await as('legal', async (page) => {
        await openApprovals(page);
        await page.getByRole('link', { name: 'Waiting on' }).click();
        const legal = page.getByTestId('waiting-legal');
        await legal.waitFor();
        expect(await legal.textContent()).toMatch(/Glow Serum offer copy.*2 of 2.*On time/);
        await legal.getByRole('link', { name: 'Glow Serum offer copy' }).click();
        await page.getByRole('heading', { level: 1, name: 'Glow Serum offer copy' }).waitFor();
        await page.getByText(/Generated by Offer copy varianter/).waitFor();
      });
    },
    testTimeout,
  );
});
