import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addSignedInMember,
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

type Notification = { kind: string; title: string; body: string; data: Record<string, unknown> };

/**
 * Seed 004: "inventory thresholds that automatically flag operations". An offer split by
 * market warns each market's owner when their own pool runs low, not only when it is empty.
 */
describe('per-market low-stock thresholds', () => {
  let context: TestContext;
  let acme: SeededOrganization;
  // Roles outside the stock alerts' audience: they hear of a market only as its owner.
  let gbOwner: { userId: string; cookie: string };
  let usOwner: { userId: string; cookie: string };
  const headers = () => ({ cookie: acme.ownerCookie });

  beforeAll(async () => {
    context = await createTestContext();
    acme = await seedOrganization(context, 'Acme');
    gbOwner = await addSignedInMember(context, acme.organizationId, 'gb@acme.test', 'agency');
    usOwner = await addSignedInMember(context, acme.organizationId, 'us@acme.test', 'comms');
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
  async function approvedOffer(stock: number, lowStockThreshold: number) {
    const product = await post('/api/v1/products', {
      brandId: acme.brandId,
      title: `Low item ${Math.random()}`,
      skus: [
        { code: `LOW-${Math.random()}`, priceMinor: 2900, currency: 'EUR', stockOnHand: stock },
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
      lowStockThreshold,
      codes: [`LOW${Math.random().toString(36).slice(2, 8)}`],
    });
    const offerId = created.json().id as string;
    expect((await post(`/api/v1/offers/${offerId}/approve`)).statusCode).toBe(200);
    return { offerId, skuId };
  }

  const claimIn = async (offerId: string, shopper: string, market: string) => {
    const response = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/offers/${offerId}/claims`,
      payload: { shopper, quantity: 1, market },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().holdId as string;
  };

  const release = (holdId: string) =>
    context.app.inject({ method: 'DELETE', url: `/api/v1/public/holds/${holdId}` });

  /** The markets' alerts of this offer the watch raised (the offer's own are other tests'). */
  const watch = async (offerId: string) =>
    (await context.services.stockWatch.check()).filter(
      (alert) => alert.offerId === offerId && alert.market !== undefined,
    );

  const lowAlertsOf = async (cookie: string, offerId: string): Promise<Notification[]> =>
    (await context.app.inject({ url: '/api/v1/notifications', headers: { cookie } }))
      .json()
      .items.filter(
        (item: Notification) =>
          item.kind === 'offer.market_low_stock' && item.data.offerId === offerId,
      );

  it("refuses a market's threshold that is not below its units, naming the field, and changes nothing", async () => {
    const { offerId, skuId } = await approvedOffer(10, 2);
    const cases: Array<[object, string]> = [
      [
        {
          markets: [
            { market: 'US', units: 3, lowStockThreshold: 1 },
            { market: 'GB', units: 2, lowStockThreshold: 2 },
          ],
        },
        'markets.1.lowStockThreshold',
      ],
      [
        { markets: [{ market: 'US', units: 3, lowStockThreshold: -1 }] },
        'markets.0.lowStockThreshold',
      ],
      [
        { markets: [{ market: 'US', units: 3, lowStockThreshold: 1.5 }] },
        'markets.0.lowStockThreshold',
      ],
    ];
    for (const [payload, field] of cases) {
      const response = await post(`/api/v1/offers/${offerId}/arm`, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.message).toContain(field);
    }
    const refused = await post(`/api/v1/offers/${offerId}/arm`, cases[0]?.[0]);
    expect(refused.json().error.details.field).toBe('markets.1.lowStockThreshold');
    expect(refused.json().error.message).toContain("must be less than the market's units (2)");
    expect(await getOffer(offerId)).toMatchObject({ status: 'approved', markets: [] });
    expect(await skuStock(skuId)).toBe(10);
  });

  it("defaults a market's threshold to the offer's scaled to its share of the units, rounded up", async () => {
    const { offerId } = await approvedOffer(100, 10);
    const armed = await post(`/api/v1/offers/${offerId}/arm`, {
      markets: [
        { market: 'GB', units: 10 },
        { market: 'US', units: 30 },
        { market: 'DE', units: 20, lowStockThreshold: 0 },
      ],
    });
    expect(armed.statusCode, armed.body).toBe(200);
    // GB: 10 × 10/60 = 1.67 → 2; US: 10 × 30/60 = 5; DE as given.
    const thresholds = (await getOffer(offerId)).markets.map(
      (share: { market: string; lowStockThreshold: number; lowStockFlaggedAt: string | null }) => [
        share.market,
        share.lowStockThreshold,
        share.lowStockFlaggedAt,
      ],
    );
    expect(thresholds).toEqual([
      ['DE', 0, null],
      ['GB', 2, null],
      ['US', 5, null],
    ]);
  });

  it("tells a market's owner once when claims take it to its threshold, not the other market's", async () => {
    const { offerId } = await approvedOffer(10, 0);
    await post(`/api/v1/offers/${offerId}/arm`, {
      markets: [
        { market: 'GB', units: 3, ownerId: gbOwner.userId, lowStockThreshold: 1 },
        { market: 'US', units: 3, ownerId: usOwner.userId, lowStockThreshold: 1 },
      ],
    });
    await post(`/api/v1/offers/${offerId}/go-live`);
    await claimIn(offerId, 'gb-1', 'GB');
    expect(await watch(offerId)).toEqual([]);

    const second = await claimIn(offerId, 'gb-2', 'GB');
    expect(await watch(offerId)).toEqual([
      { offerId, level: 'low_stock', available: 1, market: 'GB' },
    ]);
    const [told, ...more] = await lowAlertsOf(gbOwner.cookie, offerId);
    expect(more).toEqual([]);
    expect(told).toMatchObject({
      title: 'Two-market drop: only 1 left in GB (threshold 1)',
      data: { market: 'GB', ownerId: gbOwner.userId, available: 1, lowStockThreshold: 1 },
    });
    expect(told?.body).toContain('0 sold of 3 reserved for GB. 2 units are in carts');
    expect(told?.body).toContain('Other markets: US 3 left.');
    expect(await lowAlertsOf(usOwner.cookie, offerId)).toEqual([]);
    expect(await lowAlertsOf(acme.ownerCookie, offerId)).toHaveLength(1);
    const flagged = (await getOffer(offerId)).markets.find(
      (share: { market: string }) => share.market === 'GB',
    );
    expect(flagged.lowStockFlaggedAt).not.toBeNull();

    // Not again while it stays low, nor when it sells out then gets a unit back.
    expect(await watch(offerId)).toEqual([]);
    const third = await claimIn(offerId, 'gb-3', 'GB');
    expect(await watch(offerId)).toEqual([
      { offerId, level: 'sold_out', available: 0, market: 'GB' },
    ]);
    await release(third);
    expect(await watch(offerId)).toEqual([]);
    expect(await lowAlertsOf(gbOwner.cookie, offerId)).toHaveLength(1);

    // Units back above the threshold re-arm it: the next crossing is told again.
    await release(second);
    expect(await watch(offerId)).toEqual([]);
    expect((await getOffer(offerId)).markets[0].lowStockFlaggedAt).toBeNull();
    await claimIn(offerId, 'gb-4', 'GB');
    expect(await watch(offerId)).toEqual([
      { offerId, level: 'low_stock', available: 1, market: 'GB' },
    ]);
    expect(await lowAlertsOf(gbOwner.cookie, offerId)).toHaveLength(2);
    expect(await lowAlertsOf(usOwner.cookie, offerId)).toEqual([]);
  });

  it('says sold out, not low, for a market that runs out between two checks', async () => {
    const { offerId } = await approvedOffer(10, 0);
    await post(`/api/v1/offers/${offerId}/arm`, {
      markets: [
        { market: 'GB', units: 2, ownerId: gbOwner.userId, lowStockThreshold: 1 },
        { market: 'US', units: 3, ownerId: usOwner.userId },
      ],
    });
    await post(`/api/v1/offers/${offerId}/go-live`);
    await claimIn(offerId, 'gb-a', 'GB');
    await claimIn(offerId, 'gb-b', 'GB');
    expect(await watch(offerId)).toEqual([
      { offerId, level: 'sold_out', available: 0, market: 'GB' },
    ]);
    expect(await watch(offerId)).toEqual([]);
    expect(await lowAlertsOf(gbOwner.cookie, offerId)).toEqual([]);
  });
});
