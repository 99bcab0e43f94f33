import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { createServices } from '../../src/services.js';
import { claim, payWith } from '../support/drops.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
  testPasswordCost,
  testSecret,
} from '../support/test-app.js';

const minuteMs = 60_000;

/**
 * A time-limited bundle whose window ends closes by itself at `endsAt`, as a manual close
 * does: open holds end and unsold units go back to the catalog's stock, from a durable job
 * that a restart does not lose.
 */
describe('a time-limited bundle whose window ends', () => {
  let clock: ManualClock;
  let context: TestContext;
  let acme: SeededOrganization;
  let productId: string;
  let serumId: string;
  let maskId: string;

  const send = (method: 'GET' | 'POST', url: string, payload?: object) =>
    context.app.inject({
      method,
      url,
      headers: { cookie: acme.ownerCookie },
      ...(payload ? { payload } : {}),
    });

  const stockOnHand = async () => {
    const skus = (await send('GET', `/api/v1/products/${productId}`)).json().skus as Array<{
      id: string;
      stockOnHand: number;
    }>;
    const of = (id: string) => skus.find((sku) => sku.id === id)?.stockOnHand;
    return { serum: of(serumId), mask: of(maskId) };
  };

  /** A bundle of 2 serums and 1 mask, on sale for one hour from now; armed with `units`. */
  async function armedBundle(units: number, goLive = true): Promise<string> {
    const now = clock.now().getTime();
    const created = await send('POST', '/api/v1/offers', {
      brandId: acme.brandId,
      title: 'Glow hour bundle',
      kind: 'time_limited_bundle',
      components: [
        { skuId: serumId, quantity: 2 },
        { skuId: maskId, quantity: 1 },
      ],
      priceMinor: 4900,
      currency: 'EUR',
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + 60 * minuteMs).toISOString(),
      codes: [`HOUR${Math.random().toString(36).slice(2, 8)}`],
    });
    expect(created.statusCode, created.body).toBe(201);
    const offer = created.json();
    expect(offer).toMatchObject({ kind: 'time_limited_bundle', status: 'draft' });
    const steps = [
      ['approve', undefined],
      ['arm', { units }],
      ...(goLive ? [['go-live', undefined] as const] : []),
    ] as const;
    for (const [action, payload] of steps) {
      const response = await send('POST', `/api/v1/offers/${offer.id}/${action}`, payload);
      expect(response.statusCode, response.body).toBe(200);
    }
    return offer.id;
  }

  beforeAll(async () => {
    clock = new ManualClock('2026-11-22T18:00:00Z');
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
  });
  afterAll(() => context.close());

  // A product of its own for each test, so each starts from known stock.
  beforeEach(async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const product = await send('POST', '/api/v1/products', {
      brandId: acme.brandId,
      title: 'Glow set',
      skus: [
        { code: `SERUM-${suffix}`, priceMinor: 2900, currency: 'EUR', stockOnHand: 40 },
        { code: `MASK-${suffix}`, priceMinor: 900, currency: 'EUR', stockOnHand: 30 },
      ],
    });
    productId = product.json().id;
    const skus = product.json().skus as Array<{ id: string; code: string }>;
    const idOf = (code: string) => skus.find((sku) => sku.code === code)?.id ?? '';
    serumId = idOf(`SERUM-${suffix}`);
    maskId = idOf(`MASK-${suffix}`);
  });

  it('closes at its end, ends open holds and returns the unsold units to stock', async () => {
    const offerId = await armedBundle(10);
    expect(await stockOnHand()).toEqual({ serum: 20, mask: 20 });
    const bought = (await claim(context.app, offerId, 'buyer', { quantity: 2 })).json();
    const paid = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${bought.holdId}/checkout`,
      payload: payWith('pm_card_visa'),
    });
    expect(paid.statusCode, paid.body).toBe(201);
    const open = (await claim(context.app, offerId, 'browser', { quantity: 1 })).json();

    // Nothing happens before the end.
    clock.advance(59 * minuteMs);
    await context.services.scheduler.runDue();
    expect((await send('GET', `/api/v1/offers/${offerId}`)).json().status).toBe('live');

    clock.advance(minuteMs);
    await context.services.scheduler.runDue();
    const closed = (await send('GET', `/api/v1/offers/${offerId}`)).json();
    expect(closed).toMatchObject({ status: 'closed', closedAt: closed.endsAt, reservedUnits: 2 });
    // 8 bundles unsold (the open hold's one included): 16 serums and 8 masks come back.
    expect(await stockOnHand()).toEqual({ serum: 36, mask: 28 });
    const checkout = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${open.holdId}/checkout`,
      payload: payWith('pm_card_visa'),
    });
    expect(checkout.statusCode).toBe(410);
    const audit = await send(
      'GET',
      `/api/v1/audit/entries?action=offer.closed&subjectId=${offerId}`,
    );
    expect(audit.json().items).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ kind: 'system', id: null }),
        reason: "The offer's window ended",
        data: expect.objectContaining({ from: 'live', unsoldReturned: 8 }),
      }),
    ]);
    expect(
      (await context.app.inject({ url: `/api/v1/public/offers/${offerId}` })).json().state,
    ).toBe('closed');

    // The job runs at least once: a second run changes nothing.
    await context.services.offers.closeEndedWindow(acme.organizationId, offerId);
    expect(await stockOnHand()).toEqual({ serum: 36, mask: 28 });
  });

  it('leaves an offer closed by hand before its end as it was', async () => {
    const offerId = await armedBundle(5);
    expect((await send('POST', `/api/v1/offers/${offerId}/close`)).statusCode).toBe(200);
    expect(await stockOnHand()).toEqual({ serum: 40, mask: 30 });
    clock.advance(60 * minuteMs);
    await context.services.scheduler.runDue();
    expect(await stockOnHand()).toEqual({ serum: 40, mask: 30 });
    const audit = await send(
      'GET',
      `/api/v1/audit/entries?action=offer.closed&subjectId=${offerId}`,
    );
    expect(audit.json().items).toHaveLength(1);
  });

  it('refuses to arm an offer whose window already ended, reserving nothing', async () => {
    const now = clock.now().getTime();
    const created = await send('POST', '/api/v1/offers', {
      brandId: acme.brandId,
      title: 'Too late',
      kind: 'time_limited_bundle',
      components: [{ skuId: serumId, quantity: 1 }],
      priceMinor: 2900,
      currency: 'EUR',
      endsAt: new Date(now + minuteMs).toISOString(),
      codes: ['LATE1'],
    });
    const offerId = created.json().id;
    expect((await send('POST', `/api/v1/offers/${offerId}/approve`)).statusCode).toBe(200);
    clock.advance(2 * minuteMs);
    const armed = await send('POST', `/api/v1/offers/${offerId}/arm`, { units: 5 });
    expect(armed.statusCode).toBe(409);
    expect(armed.json().error).toMatchObject({ details: { rule: 'window_ended' } });
    expect(await stockOnHand()).toEqual({ serum: 40, mask: 30 });
  });

  it('needs an end time or "ends with the stream"', async () => {
    const response = await send('POST', '/api/v1/offers', {
      brandId: acme.brandId,
      title: 'Endless',
      kind: 'time_limited_bundle',
      components: [{ skuId: serumId, quantity: 1 }],
      priceMinor: 2900,
      currency: 'EUR',
      codes: ['ENDLESS1'],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/endsAt: .*endsWithStream/);
  });

  it('gets its close scheduled at start-up when it was armed without a job', async () => {
    const offerId = await armedBundle(4);
    // As armed by a version that wrote no window job.
    await context.database.db
      .deleteFrom('scheduledJobs')
      .where('key', '=', `offer-window:${offerId}`)
      .execute();
    expect(await context.services.offers.scheduleWindowCloses()).toBeGreaterThanOrEqual(1);
    const job = await context.database.db
      .selectFrom('scheduledJobs')
      .select(['kind', 'runAt', 'status'])
      .where('key', '=', `offer-window:${offerId}`)
      .executeTakeFirst();
    const endsAt = (await send('GET', `/api/v1/offers/${offerId}`)).json().endsAt;
    expect(job).toEqual({ kind: 'offer.window_ended', runAt: new Date(endsAt), status: 'pending' });

    clock.advance(61 * minuteMs);
    await context.services.scheduler.runDue();
    expect((await send('GET', `/api/v1/offers/${offerId}`)).json().status).toBe('closed');
    expect(await stockOnHand()).toEqual({ serum: 40, mask: 30 });
  });

  it('closes after a restart, from the job written when it was armed', async () => {
    // The last test: the first process's store stops here, as in a crash.
    const offerId = await armedBundle(5, false);
    expect(await stockOnHand()).toEqual({ serum: 30, mask: 25 });
    await context.services.offerStore.stop();

    clock.advance(61 * minuteMs);
    const endsAt = (await send('GET', `/api/v1/offers/${offerId}`)).json().endsAt;
    const restarted = createServices({
      db: context.database.db,
      clock,
      secret: testSecret,
      passwordCost: testPasswordCost,
    });
    await restarted.offerStore.recover();
    expect(await restarted.scheduler.runDue()).toBeGreaterThanOrEqual(1);
    const owner = {
      kind: 'user' as const,
      id: acme.ownerId,
      organizationId: acme.organizationId,
      role: 'owner' as const,
      userId: acme.ownerId,
    };
    // Read through the restarted process: the first one's memory still has the old book.
    expect(await restarted.offers.get(owner, offerId)).toMatchObject({
      status: 'closed',
      reservedUnits: 0,
      closedAt: new Date(new Date(endsAt).getTime() + minuteMs),
    });
    expect(await stockOnHand()).toEqual({ serum: 40, mask: 30 });
    await restarted.offerStore.stop();
  });
});
