import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim } from '../support/drops.js';
import {
  addSignedInMember,
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

type Notification = { kind: string; title: string; body: string; data: Record<string, unknown> };

/**
 * Seed 004: inventory thresholds flag operations, with the SKU substitution rules and the
 * fallback bundle in hand, so the host can pivot without calling a meeting.
 */
describe('stock thresholds flag operations', () => {
  let context: TestContext;
  let acme: SeededOrganization;
  let lead: { cookie: string };
  let host: { cookie: string };
  let offerId: string;

  const asOwner = () => ({ cookie: acme.ownerCookie });
  const notificationsOf = async (cookie: string): Promise<Notification[]> => {
    const response = await context.app.inject({
      url: '/api/v1/notifications',
      headers: { cookie },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().items;
  };
  const stockAlerts = async (cookie: string) =>
    (await notificationsOf(cookie)).filter((n) => n.kind.startsWith('offer.'));

  beforeAll(async () => {
    context = await createTestContext();
    acme = await seedOrganization(context, 'Acme');
    lead = await addSignedInMember(
      context,
      acme.organizationId,
      'lead@acme.test',
      'inventory_lead',
    );
    host = await addSignedInMember(context, acme.organizationId, 'host@acme.test', 'host');
    const product = await context.app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: asOwner(),
      payload: {
        brandId: acme.brandId,
        title: 'Glow Serum',
        skus: [
          { code: 'GLOW-30', priceMinor: 2900, currency: 'EUR', stockOnHand: 5 },
          { code: 'GLOW-50', priceMinor: 3900, currency: 'EUR', stockOnHand: 40 },
        ],
      },
    });
    expect(product.statusCode, product.body).toBe(201);
    const [original, substitute] = product.json().skus as Array<{ id: string }>;
    const created = await context.app.inject({
      method: 'POST',
      url: '/api/v1/offers',
      headers: asOwner(),
      payload: {
        brandId: acme.brandId,
        title: 'Glow 30 ml live price',
        kind: 'single_sku',
        components: [{ skuId: original?.id, quantity: 1 }],
        priceMinor: 1900,
        currency: 'EUR',
        lowStockThreshold: 2,
        codes: ['GLOWLIVE'],
        substitutions: [{ skuId: original?.id, substituteSkuId: substitute?.id }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    offerId = created.json().id;
    for (const [action, payload] of [
      ['approve', undefined],
      ['arm', { units: 5 }],
      ['go-live', undefined],
    ] as const) {
      const response = await context.app.inject({
        method: 'POST',
        url: `/api/v1/offers/${offerId}/${action}`,
        headers: asOwner(),
        ...(payload ? { payload } : {}),
      });
      expect(response.statusCode, response.body).toBe(200);
    }
  });

  afterAll(async () => {
    await context.close();
  });

  it('says nothing while stock is above the threshold', async () => {
    await claim(context.app, offerId, 'early-1');
    expect(await context.services.stockWatch.check()).toEqual([]);
    expect(await stockAlerts(lead.cookie)).toEqual([]);
  });

  it('tells the inventory lead and the host once when stock reaches the threshold, naming the substitute', async () => {
    await claim(context.app, offerId, 'early-2');
    await claim(context.app, offerId, 'early-3');
    expect(await context.services.stockWatch.check()).toEqual([
      { offerId, level: 'low_stock', available: 2 },
    ]);
    expect(await context.services.stockWatch.check()).toEqual([]);
    for (const member of [lead, host]) {
      const alerts = await stockAlerts(member.cookie);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.kind).toBe('offer.low_stock');
      expect(alerts[0]?.title).toBe('Glow 30 ml live price: only 2 left (threshold 2)');
      expect(alerts[0]?.body).toContain(
        'Substitute GLOW-30 with GLOW-50 (Glow Serum): 40 on hand.',
      );
    }
  });

  it('tells them when it sells out, and again after units came back and ran out', async () => {
    const last = [
      await claim(context.app, offerId, 'late-1'),
      await claim(context.app, offerId, 'late-2'),
    ];
    expect(await context.services.stockWatch.check()).toEqual([
      { offerId, level: 'sold_out', available: 0 },
    ]);
    expect((await stockAlerts(lead.cookie)).map((alert) => alert.kind)).toEqual([
      'offer.sold_out',
      'offer.low_stock',
    ]);

    // Two shoppers give their units back: above zero again, still at the threshold.
    for (const response of last) {
      const released = await context.app.inject({
        method: 'DELETE',
        url: `/api/v1/public/holds/${response.json().holdId}`,
      });
      expect(released.statusCode, released.body).toBe(204);
    }
    expect(await context.services.stockWatch.check()).toEqual([]);
    await claim(context.app, offerId, 'late-3');
    await claim(context.app, offerId, 'late-4');
    expect(await context.services.stockWatch.check()).toEqual([
      { offerId, level: 'sold_out', available: 0 },
    ]);
    expect((await stockAlerts(lead.cookie)).map((alert) => alert.kind)).toEqual([
      'offer.sold_out',
      'offer.sold_out',
      'offer.low_stock',
    ]);
  });
});
