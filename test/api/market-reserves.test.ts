import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { newId } from '../../src/lib/ids.js';
import { OrdersRepository } from '../../src/modules/drops/orders.repository.js';
import { createServices } from '../../src/services.js';
import { claim, payWith, shopperDetails } from '../support/drops.js';
import {
  addSignedInMember,
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
  testPasswordCost,
  testSecret,
} from '../support/test-app.js';

/**
 * Per-market reserves (issue #3, seed 004: "per-market hold - who owns the TTL?"): an offer
 * armed per market keeps each market's units for that market's shoppers, each share with its
 * own owner and TTL; units ship only to their market.
 */
describe('per-market reserves', () => {
  const clock = new ManualClock('2026-11-22T09:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;
  let globex: SeededOrganization;
  let ukLead: { userId: string; cookie: string };
  const headers = () => ({ cookie: acme.ownerCookie });

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
    globex = await seedOrganization(context, 'Globex');
    ukLead = await addSignedInMember(
      context,
      acme.organizationId,
      'uk@acme.test',
      'inventory_lead',
    );
  });
  afterAll(() => context.close());

  const post = (url: string, payload?: object) =>
    context.app.inject({
      method: 'POST',
      url,
      headers: headers(),
      ...(payload ? { payload } : {}),
    });

  const getOffer = async (offerId: string) =>
    (await context.app.inject({ url: `/api/v1/offers/${offerId}`, headers: headers() })).json();

  async function skuStock(skuId: string): Promise<number> {
    const row = await context.database.db
      .selectFrom('skus')
      .select('stockOnHand')
      .where('id', '=', skuId)
      .executeTakeFirstOrThrow();
    return row.stockOnHand;
  }

  /** An approved single-SKU offer on a fresh SKU with `stock` units on hand. */
  async function approvedOffer(stock: number, holdTtlSeconds = 600) {
    const product = await post('/api/v1/products', {
      brandId: acme.brandId,
      title: `Market item ${Math.random()}`,
      skus: [
        { code: `MKT-${Math.random()}`, priceMinor: 2900, currency: 'EUR', stockOnHand: stock },
      ],
    });
    const skuId = product.json().skus[0].id as string;
    const created = await post('/api/v1/offers', {
      brandId: acme.brandId,
      title: 'Two-market drop',
      kind: 'single_sku',
      components: [{ skuId, quantity: 1 }],
      priceMinor: 1900,
      currency: 'EUR',
      holdTtlSeconds,
      codes: [`MKT${Math.random().toString(36).slice(2, 8)}`],
    });
    const offerId = created.json().id as string;
    expect((await post(`/api/v1/offers/${offerId}/approve`)).statusCode).toBe(200);
    return { offerId, skuId };
  }

  const claimIn = (offerId: string, shopper: string, market?: string) =>
    context.app.inject({
      method: 'POST',
      url: `/api/v1/public/offers/${offerId}/claims`,
      payload: { shopper, quantity: 1, ...(market ? { market } : {}) },
    });

  const checkout = (holdId: string, country: string) =>
    context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      payload: {
        ...payWith('pm_card_visa'),
        address: { ...shopperDetails.address, country },
      },
    });

  it('refuses a split that does not add up, names a market twice or has an outsider as owner, and changes nothing', async () => {
    const { offerId, skuId } = await approvedOffer(10);
    const cases: Array<[object, string]> = [
      [
        {
          units: 4,
          markets: [
            { market: 'US', units: 2 },
            { market: 'GB', units: 1 },
          ],
        },
        'units',
      ],
      [
        {
          markets: [
            { market: 'US', units: 2 },
            { market: 'us', units: 1 },
          ],
        },
        'markets.1.market',
      ],
      [{ markets: [{ market: 'US', units: 2, ownerId: globex.ownerId }] }, 'markets.0.ownerId'],
      [{ markets: [{ market: 'USA', units: 2 }] }, 'markets.0.market'],
      [{ reserveTtlSeconds: 600 }, 'units'],
    ];
    for (const [payload, field] of cases) {
      const response = await post(`/api/v1/offers/${offerId}/arm`, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.message).toContain(field);
    }
    expect(await getOffer(offerId)).toMatchObject({ status: 'approved', markets: [] });
    expect(await skuStock(skuId)).toBe(10);
  });

  it("keeps each market's units for its shoppers, ships them only there, and returns a market's unused units at its TTL", async () => {
    const { offerId, skuId } = await approvedOffer(10);
    const armed = await post(`/api/v1/offers/${offerId}/arm`, {
      markets: [
        { market: 'us', units: 3 },
        { market: 'GB', units: 2, ownerId: ukLead.userId, reserveTtlSeconds: 3600 },
      ],
    });
    expect(armed.statusCode).toBe(200);
    expect(armed.json()).toMatchObject({
      status: 'armed',
      reservedUnits: 5,
      inventory: { reserved: 5, available: 5 },
      markets: [
        {
          market: 'GB',
          ownerId: ukLead.userId,
          expiresAt: '2026-11-22T10:00:00.000Z',
          releasedAt: null,
          reserved: 2,
          available: 2,
        },
        { market: 'US', ownerId: acme.ownerId, expiresAt: null, reserved: 3, available: 3 },
      ],
    });
    expect(await skuStock(skuId)).toBe(5);
    await post(`/api/v1/offers/${offerId}/go-live`);

    // A shopper without a market, or of a market with no reserve, gets none of these units.
    for (const market of [undefined, 'FR']) {
      const refused = await claimIn(offerId, 'nomad', market);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('not_in_market');
    }
    const us = [];
    for (const shopper of ['ann', 'ben', 'cal']) {
      const response = await claimIn(offerId, shopper, 'us');
      expect(response.statusCode).toBe(201);
      us.push(response.json().holdId as string);
    }
    // US is sold out while GB still has its two units.
    expect((await claimIn(offerId, 'dan', 'US')).json().error.code).toBe('sold_out');
    const gb = await claimIn(offerId, 'eve', 'GB');
    expect(gb.statusCode).toBe(201);
    const gbHold = gb.json().holdId as string;
    const holdRow = await context.database.db
      .selectFrom('holds')
      .select('market')
      .where('id', '=', gbHold)
      .executeTakeFirstOrThrow();
    expect(holdRow.market).toBe('GB');

    // A GB unit does not ship to France: refused before any charge, the hold stays.
    const abroad = await checkout(gbHold, 'FR');
    expect(abroad.statusCode).toBe(400);
    expect(abroad.json().error).toMatchObject({ details: { field: 'address.country' } });
    expect(abroad.json().error.message).toContain('GB');
    const hold = await context.app.inject({ url: `/api/v1/public/holds/${gbHold}` });
    expect(hold.json().state).toBe('held');
    const paid = await checkout(gbHold, 'gb');
    expect(paid.statusCode).toBe(201);
    const order = await context.database.db
      .selectFrom('orders')
      .select(['market', 'id'])
      .where('holdId', '=', gbHold)
      .executeTakeFirstOrThrow();
    expect(order.market).toBe('GB');
    const listed = await context.app.inject({
      url: `/api/v1/orders/${order.id}`,
      headers: headers(),
    });
    expect(listed.json()).toMatchObject({ market: 'GB' });
    const csv = await context.app.inject({
      url: `/api/v1/orders.csv?offerId=${offerId}`,
      headers: headers(),
    });
    expect(csv.body).toContain(',GB,');

    // The US waitlist gets the next US unit given back; a market without a reserve cannot wait.
    const waiting = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/offers/${offerId}/waitlist`,
      payload: { shopper: 'dan', market: 'US' },
    });
    expect(waiting.json()).toEqual({ position: 1 });
    const outsider = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/offers/${offerId}/waitlist`,
      payload: { shopper: 'nomad', market: 'FR' },
    });
    expect(outsider.json().error.code).toBe('not_in_market');
    await context.app.inject({ method: 'DELETE', url: `/api/v1/public/holds/${us[0]}` });
    const standing = await context.app.inject({
      url: `/api/v1/public/offers/${offerId}/waitlist/dan`,
    });
    expect(standing.json()).toHaveProperty('holdId');

    // GB's TTL passes: its unused unit goes back to the catalog, GB shoppers get no more.
    expect(await getOffer(offerId)).toMatchObject({
      markets: [
        { market: 'GB', reserved: 2, available: 1, held: 0, sold: 1 },
        { market: 'US', reserved: 3, available: 0, held: 3, sold: 0 },
      ],
    });
    clock.advance(3600 * 1000);
    expect(await context.services.offers.releaseExpiredReserves()).toBe(0);
    expect(await skuStock(skuId)).toBe(6);
    const released = await getOffer(offerId);
    expect(released).toMatchObject({
      status: 'live',
      reservedUnits: 4,
      inventory: { reserved: 4 },
      markets: [
        {
          market: 'GB',
          releasedAt: '2026-11-22T10:00:00.000Z',
          reserved: 1,
          available: 0,
          sold: 1,
        },
        { market: 'US', reserved: 3 },
      ],
    });
    expect((await claimIn(offerId, 'fay', 'GB')).json().error.code).toBe('sold_out');
    // Once is enough: a second run finds nothing more to return.
    await context.services.offers.releaseExpiredReserves();
    expect(await skuStock(skuId)).toBe(6);
    const audit = await context.app.inject({
      url: '/api/v1/audit/entries?limit=50',
      headers: headers(),
    });
    const entry = audit
      .json()
      .items.find((item: { action: string }) => item.action === 'offer.market_reserve_released');
    expect(entry).toMatchObject({ subjectId: offerId });

    // Cancelling the GB order gives its unit back to the released market: it returns to stock.
    const cancelled = await post(`/api/v1/orders/${order.id}/cancel`, { restock: true });
    expect(cancelled.statusCode).toBe(200);
    await context.services.offers.releaseExpiredReserves();
    expect(await skuStock(skuId)).toBe(7);
    expect((await getOffer(offerId)).markets[0]).toMatchObject({ market: 'GB', reserved: 0 });

    // Closing returns the rest per market.
    const closed = await post(`/api/v1/offers/${offerId}/close`);
    expect(closed.json()).toMatchObject({ status: 'closed', reservedUnits: 0 });
    expect(await skuStock(skuId)).toBe(10);
    const rows = await context.database.db
      .selectFrom('offerMarkets')
      .select(['market', 'reservedUnits', 'soldUnits'])
      .where('offerId', '=', offerId)
      .orderBy('market')
      .execute();
    expect(rows).toEqual([
      { market: 'GB', reservedUnits: 0, soldUnits: 0 },
      { market: 'US', reservedUnits: 0, soldUnits: 0 },
    ]);
  });

  it("rebuilds each market's counts after a restart", async () => {
    const { offerId } = await approvedOffer(10);
    await post(`/api/v1/offers/${offerId}/arm`, {
      markets: [
        { market: 'DE', units: 2 },
        { market: 'AT', units: 1 },
      ],
    });
    await post(`/api/v1/offers/${offerId}/go-live`);
    const held = (await claimIn(offerId, 'gus', 'DE')).json().holdId as string;
    const paying = (await claimIn(offerId, 'hal', 'AT')).json().holdId as string;
    expect((await checkout(paying, 'AT')).statusCode).toBe(201);
    await context.services.offerStore.stop();

    const restarted = createServices({
      db: context.database.db,
      clock,
      secret: testSecret,
      passwordCost: testPasswordCost,
    });
    await restarted.offerStore.recover();
    const counts = await restarted.offerStore.counts(offerId);
    expect(counts?.markets).toEqual([
      { market: 'AT', released: false, reserved: 1, available: 0, held: 0, sold: 1 },
      { market: 'DE', released: false, reserved: 2, available: 1, held: 1, sold: 0 },
    ]);
    expect(await restarted.offerStore.hold(held)).toMatchObject({ market: 'DE' });
    const refused = restarted.shopper.decideClaim(
      offerId,
      { shopper: 'ivy', quantity: 1, market: 'AT' },
      null,
    );
    expect(await refused).toMatchObject({ ok: false, code: 'sold_out' });
    await restarted.offerStore.stop();
    await restarted.scheduler.stop();
    context.services.offerStore.start();
  });

  it("has the database refuse a sale beyond a market's own reserve", async () => {
    const { offerId } = await approvedOffer(10);
    await post(`/api/v1/offers/${offerId}/arm`, {
      markets: [
        { market: 'US', units: 2 },
        { market: 'GB', units: 1 },
      ],
    });
    const now = clock.now();
    // Two GB holds as a misbehaving engine might write them: the offer has room, GB has one unit.
    const holds = [newId(), newId()];
    await context.database.db
      .insertInto('holds')
      .values(
        holds.map((id, index) => ({
          id,
          organizationId: acme.organizationId,
          offerId,
          shopperId: `gb-${index}`,
          quantity: 1,
          status: 'held',
          market: 'GB',
          createdAt: now,
          expiresAt: new Date(now.getTime() + 60_000),
        })),
      )
      .execute();
    const orders = holds.map((holdId, index) => ({
      id: newId(),
      organizationId: acme.organizationId,
      offerId,
      holdId,
      shopperId: `gb-${index}`,
      email: 'gb@example.com',
      name: 'GB shopper',
      address: JSON.stringify({ ...shopperDetails.address, country: 'GB' }),
      quantity: 1,
      amountMinor: 1900,
      totalMinor: 1900,
      currency: 'EUR',
      status: 'paid',
      fulfilmentStatus: 'unfulfilled',
      paymentProvider: 'sandbox',
      paymentReference: `ch_${index}`,
      offerCode: null,
      trafficSource: null,
      market: 'GB',
      createdAt: now,
      updatedAt: now,
    }));
    const written = await new OrdersRepository(context.database.db).insertOrdersForHolds(
      orders,
      now,
    );
    expect(written).toHaveLength(1);
    const gb = await context.database.db
      .selectFrom('offerMarkets')
      .select('soldUnits')
      .where('offerId', '=', offerId)
      .where('market', '=', 'GB')
      .executeTakeFirstOrThrow();
    expect(gb.soldUnits).toBe(1);
  });

  it("shows shoppers their market's stock, and takes the market through the page without JavaScript", async () => {
    const { offerId } = await approvedOffer(10);
    await post(`/api/v1/offers/${offerId}/arm`, {
      markets: [
        { market: 'GB', units: 1 },
        { market: 'US', units: 4 },
      ],
    });
    await post(`/api/v1/offers/${offerId}/go-live`);
    const view = async (query = '') =>
      (await context.app.inject({ url: `/api/v1/public/offers/${offerId}${query}` })).json();
    expect(await view()).toMatchObject({ markets: ['GB', 'US'], market: null, stockLeft: 5 });
    expect(await view('?market=gb')).toMatchObject({ market: 'GB', stockLeft: 1, state: 'live' });
    expect(await view('?market=FR')).toMatchObject({ market: null, stockLeft: 5 });
    const badMarket = await context.app.inject({
      url: `/api/v1/public/offers/${offerId}?market=France`,
    });
    expect(badMarket.statusCode).toBe(400);
    expect(badMarket.json().error.message).toContain('market');

    // Without a market the page asks where to ship; the link with ?market=GB shows GB's stock.
    const page = await context.app.inject({ url: `/o/${offerId}/lite?code=X1&market=gb` });
    expect(page.body).toContain('Units for <strong id="market">GB</strong>');
    expect(page.body).toContain('<input type="hidden" name="market" value="GB">');
    expect(page.body).toContain('<strong id="stock">1</strong> left');
    const ask = await context.app.inject({ url: `/o/${offerId}/lite` });
    expect(ask.body).toContain('id="market-form"');
    const idempotencyKey = /name="idempotencyKey" value="([^"]*)"/.exec(page.body)?.[1] ?? '';
    const form = (fields: Record<string, string>) =>
      context.app.inject({
        method: 'POST',
        url: `/o/${offerId}/lite/claim`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      });
    const claimed = await form({ shopper: 'lite-shopper', idempotencyKey, market: 'GB' });
    expect(claimed.statusCode).toBe(303);
    expect(await view('?market=GB')).toMatchObject({ stockLeft: 0, state: 'sold_out' });
    // GB is gone; the page says so and keeps the shopper in GB (its waitlist, not another's).
    const soldOut = await form({ shopper: 'late', idempotencyKey: 'another-key', market: 'GB' });
    expect(soldOut.statusCode).toBe(409);
    expect(soldOut.body).toContain('Sold out');
    expect(soldOut.body).toContain('<input type="hidden" name="market" value="GB">');
  });

  it('flags a market that runs out to its owner while the other markets still sell', async () => {
    const { offerId } = await approvedOffer(10);
    await post(`/api/v1/offers/${offerId}/arm`, {
      markets: [
        { market: 'GB', units: 1, ownerId: ukLead.userId },
        { market: 'US', units: 2 },
      ],
    });
    await post(`/api/v1/offers/${offerId}/go-live`);
    const alertsOf = async (cookie: string) =>
      (await context.app.inject({ url: '/api/v1/notifications', headers: { cookie } }))
        .json()
        .items.filter(
          (item: { kind: string; data: { offerId?: string } }) =>
            item.kind === 'offer.market_sold_out' && item.data.offerId === offerId,
        );
    // The offer's own low-stock alert (3 units left) is not what this test is about.
    const watch = async () =>
      (await context.services.stockWatch.check()).filter((alert) => alert.market !== undefined);
    expect((await watch()).filter((alert) => alert.offerId === offerId)).toEqual([]);

    const gb = (await claimIn(offerId, 'uk-1', 'GB')).json().holdId as string;
    expect((await watch()).filter((alert) => alert.offerId === offerId)).toEqual([
      { offerId, level: 'sold_out', available: 0, market: 'GB' },
    ]);
    const [told] = await alertsOf(ukLead.cookie);
    expect(told).toMatchObject({ title: 'Two-market drop: GB is sold out' });
    expect(told.body).toContain('Still on sale: US 2 left.');
    // Told once per crossing; a unit back re-arms it.
    expect((await watch()).filter((alert) => alert.offerId === offerId)).toEqual([]);
    await context.app.inject({ method: 'DELETE', url: `/api/v1/public/holds/${gb}` });
    await watch();
    await claimIn(offerId, 'uk-2', 'GB');
    expect((await watch()).filter((alert) => alert.offerId === offerId)).toHaveLength(1);
    expect(await alertsOf(ukLead.cookie)).toHaveLength(2);
  });

  it('keeps the claim contract for offers that are not split: the market is ignored', async () => {
    const { offerId } = await approvedOffer(3);
    await post(`/api/v1/offers/${offerId}/arm`, { units: 2 });
    await post(`/api/v1/offers/${offerId}/go-live`);
    expect((await claimIn(offerId, 'jo', 'FR')).statusCode).toBe(201);
    expect((await claim(context.app, offerId, 'kim')).statusCode).toBe(201);
    expect((await getOffer(offerId)).markets).toEqual([]);
  });
});
