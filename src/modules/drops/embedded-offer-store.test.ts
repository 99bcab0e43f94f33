import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim, liveOffer } from '../../../test/support/drops.js';
import type { DropsRepositories } from '../../../test/support/drops-repositories.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../../../test/support/test-app.js';
import { ManualClock } from '../../lib/clock.js';
import { prepareKeyTables } from '../../lib/key-table.js';
import { EmbeddedOfferStore } from './embedded-offer-store.js';
import type { HoldJournal } from './hold-journal.js';

describe('the embedded offer store', () => {
  const clock = new ManualClock('2026-11-22T18:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
  });
  afterAll(() => context.close());

  it('keeps a closed book for an hour, until its payments settle, then lets it go', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 3 });
    const store = context.services.offerStore;
    const first = (await claim(context.app, offerId, 'ann', { key: 'ann-1' })).json();
    const paying = (await claim(context.app, offerId, 'ben')).json();
    // Ben's payment is in flight when the offer closes.
    expect(await store.beginCheckout(paying.holdId, clock.now().getTime())).toMatchObject({
      ok: true,
    });
    const closed = await context.app.inject({
      method: 'POST',
      url: `/api/v1/offers/${offerId}/close`,
      headers: { cookie: acme.ownerCookie },
    });
    expect(closed.json().status).toBe('closed');

    // Within the hour a retry still gets its first answer.
    const retry = await claim(context.app, offerId, 'ann', { key: 'ann-1' });
    expect(retry.json()).toEqual(first);
    clock.advance(3_600_000);
    await store.sweep();
    // Ben's payment has not settled: the book stays.
    expect(await store.counts(offerId)).toMatchObject({ status: 'closed', held: 1 });
    await store.completeSale(paying.holdId);
    await store.sweep();
    expect(await store.counts(offerId)).toBeUndefined();
    // Answered from the row from now on.
    const late = await claim(context.app, offerId, 'ann', { key: 'ann-1' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('closed');
  });

  it("prepares the memory of an expected crowd's answers when it starts", async () => {
    const logged: Array<Record<string, unknown>> = [];
    const logger = { info: (fields: Record<string, unknown>) => logged.push(fields) };
    const store = new EmbeddedOfferStore({
      // Not used by start and stop.
      ...({} as DropsRepositories),
      journal: { drain: async () => {} } as unknown as HoldJournal,
      clock,
      logger: logger as unknown as Logger,
      expectedCrowd: 100_000,
    });
    store.start();
    await store.stop();
    // Every array a table of 100,000 answers grows through is there already.
    expect(prepareKeyTables(100_000)).toBe(0);
    expect(logged).toEqual([expect.objectContaining({ crowd: 100_000 })]);
  });
});
