import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { createServices } from '../../src/services.js';
import { claim, liveOffer, payWith } from '../support/drops.js';
import {
  addSignedInMember,
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
  testPasswordCost,
  testSecret,
} from '../support/test-app.js';

describe('offers, inventory and orders', () => {
  let context: TestContext;
  let acme: SeededOrganization;
  let globex: SeededOrganization;
  const headers = () => ({ cookie: acme.ownerCookie });

  beforeAll(async () => {
    context = await createTestContext();
    acme = await seedOrganization(context, 'Acme');
    globex = await seedOrganization(context, 'Globex');
  });
  afterAll(() => context.close());

  async function skuStock(skuId: string, org = acme): Promise<number> {
    const products = await context.app.inject({
      url: '/api/v1/products',
      headers: { cookie: org.ownerCookie },
    });
    for (const product of products.json().items) {
      for (const sku of product.skus) if (sku.id === skuId) return sku.stockOnHand;
    }
    throw new Error(`no SKU ${skuId}`);
  }

  async function createSkus(count: number, stock: number): Promise<string[]> {
    const response = await context.app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: headers(),
      payload: {
        brandId: acme.brandId,
        title: `Bundle parts ${Math.random()}`,
        skus: Array.from({ length: count }, (_, i) => ({
          code: `PART-${i}-${Math.random()}`,
          priceMinor: 1000,
          currency: 'EUR',
          stockOnHand: stock,
        })),
      },
    });
    return response.json().skus.map((sku: { id: string }) => sku.id);
  }

  const post = (url: string, payload?: object) =>
    context.app.inject({
      method: 'POST',
      url,
      headers: headers(),
      ...(payload ? { payload } : {}),
    });

  it('walks the lifecycle: terms freeze at approval, arming locks stock, closing returns the unsold', async () => {
    const [skuId] = await createSkus(1, 100);
    const body = {
      brandId: acme.brandId,
      title: 'Serum drop',
      kind: 'single_sku',
      components: [{ skuId, quantity: 1 }],
      priceMinor: 1900,
      currency: 'EUR',
      codes: ['SERUM19'],
    };
    const created = await post('/api/v1/offers', body);
    expect(created.statusCode).toBe(201);
    const offerId = created.json().id;
    expect(created.json()).toMatchObject({ status: 'draft', inventory: null, codes: ['SERUM19'] });

    expect((await post(`/api/v1/offers/${offerId}/arm`, { units: 10 })).statusCode).toBe(409);
    expect((await post(`/api/v1/offers/${offerId}/approve`)).json().status).toBe('approved');
    const repriced = await context.app.inject({
      method: 'PUT',
      url: `/api/v1/offers/${offerId}`,
      headers: headers(),
      payload: { ...body, priceMinor: 1500 },
    });
    expect(repriced.json()).toMatchObject({
      status: 'draft',
      priceMinor: 1500,
      approvedTermsHash: null,
    });
    await post(`/api/v1/offers/${offerId}/approve`);

    const armed = await post(`/api/v1/offers/${offerId}/arm`, { units: 40 });
    expect(armed.json()).toMatchObject({
      status: 'armed',
      reservedUnits: 40,
      inventory: { reserved: 40, available: 40, held: 0, sold: 0 },
    });
    expect(await skuStock(skuId as string)).toBe(60);
    const frozen = await context.app.inject({
      method: 'PUT',
      url: `/api/v1/offers/${offerId}`,
      headers: headers(),
      payload: body,
    });
    expect(frozen.statusCode).toBe(409);

    expect((await claim(context.app, offerId, 'early')).json().error.code).toBe('not_live');
    await post(`/api/v1/offers/${offerId}/go-live`);
    const { holdId } = (await claim(context.app, offerId, 'buyer', { quantity: 3 })).json();
    await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      payload: payWith('pm_card_visa'),
    });
    await claim(context.app, offerId, 'holder', { quantity: 2 });

    const closed = await post(`/api/v1/offers/${offerId}/close`);
    expect(closed.json()).toMatchObject({
      status: 'closed',
      inventory: { reserved: 3, available: 0, held: 0, sold: 3 },
    });
    expect(await skuStock(skuId as string)).toBe(97);
  });

  it('refuses to arm more than the stock on hand and changes nothing', async () => {
    const { offerId, skuId } = await liveOffer(context.app, acme, { units: 5, stock: 5 });
    expect(offerId).toBeDefined();
    const [other] = await createSkus(1, 3);
    const created = await post('/api/v1/offers', {
      brandId: acme.brandId,
      title: 'Too big',
      kind: 'single_sku',
      components: [{ skuId: other, quantity: 1 }],
      priceMinor: 100,
      currency: 'EUR',
      codes: ['TOOBIG'],
    });
    await post(`/api/v1/offers/${created.json().id}/approve`);
    const arm = await post(`/api/v1/offers/${created.json().id}/arm`, { units: 4 });
    expect([arm.statusCode, arm.json().error.details.rule]).toEqual([409, 'insufficient_stock']);
    expect(await skuStock(other as string)).toBe(3);
    expect(await skuStock(skuId)).toBe(0);
  });

  it('reserves every component of a bundle and prices by tier', async () => {
    const [lipstick, mask] = await createSkus(2, 50);
    const created = await post('/api/v1/offers', {
      brandId: acme.brandId,
      title: 'Lip + masks bundle',
      kind: 'tiered_bundle',
      components: [
        { skuId: lipstick, quantity: 1 },
        { skuId: mask, quantity: 2 },
      ],
      priceMinor: 4000,
      currency: 'EUR',
      priceTiers: [{ minQuantity: 3, unitPriceMinor: 3500 }],
      codes: ['LIPMASK'],
    });
    const offerId = created.json().id;
    await post(`/api/v1/offers/${offerId}/approve`);
    await post(`/api/v1/offers/${offerId}/arm`, { units: 20 });
    expect([await skuStock(lipstick as string), await skuStock(mask as string)]).toEqual([30, 10]);
    await post(`/api/v1/offers/${offerId}/go-live`);
    const { holdId } = (await claim(context.app, offerId, 'bundler', { quantity: 3 })).json();
    const { orderId } = (
      await context.app.inject({
        method: 'POST',
        url: `/api/v1/public/holds/${holdId}/checkout`,
        payload: payWith('pm_card_visa'),
      })
    ).json();
    const order = await context.app.inject({
      url: `/api/v1/orders/${orderId}`,
      headers: headers(),
    });
    expect(order.json()).toMatchObject({ quantity: 3, amountMinor: 10_500 });
    const offer = await context.app.inject({
      url: `/api/v1/offers/${offerId}`,
      headers: headers(),
    });
    expect(offer.json().inventory.components).toEqual([
      { skuId: lipstick, quantity: 1, reserved: 20, available: 17, held: 0, sold: 3 },
      { skuId: mask, quantity: 2, reserved: 40, available: 34, held: 0, sold: 6 },
    ]);
  });

  it('cancels with restock back on sale, returns without restock, tracks fulfilment, exports CSV', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 2 });
    const orderIds: string[] = [];
    for (const shopper of ['one', 'two']) {
      const { holdId } = (await claim(context.app, offerId, shopper)).json();
      const paid = await context.app.inject({
        method: 'POST',
        url: `/api/v1/public/holds/${holdId}/checkout`,
        payload: payWith('pm_card_visa'),
      });
      orderIds.push(paid.json().orderId);
    }
    expect((await claim(context.app, offerId, 'three')).json().error.code).toBe('sold_out');
    const cancelled = await post(`/api/v1/orders/${orderIds[0]}/cancel`, { restock: true });
    expect(cancelled.json().status).toBe('cancelled');
    expect((await claim(context.app, offerId, 'three')).statusCode).toBe(201);

    const shipped = await context.app.inject({
      method: 'PUT',
      url: `/api/v1/orders/${orderIds[1]}/fulfilment`,
      headers: headers(),
      payload: { status: 'shipped' },
    });
    expect(shipped.json().fulfilmentStatus).toBe('shipped');
    const returned = await post(`/api/v1/orders/${orderIds[1]}/return`, { restock: false });
    expect(returned.json().status).toBe('returned');
    const offer = await context.app.inject({
      url: `/api/v1/offers/${offerId}`,
      headers: headers(),
    });
    expect(offer.json().inventory).toMatchObject({ reserved: 1, held: 1, sold: 0, available: 0 });

    const csv = await context.app.inject({
      url: `/api/v1/orders.csv?offerId=${offerId}`,
      headers: headers(),
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,offerId,createdAt,status,fulfilmentStatus,quantity,amountMinor,taxMinor,totalMinor,currency,fulfilmentRegionId,email,name,offerCode,trafficSource,market,showId,shopperId,saleNumber,bonus',
    );
    expect(lines).toHaveLength(3);
  });

  it('keeps offers and orders of one organisation away from another', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const foreign = { cookie: globex.ownerCookie };
    expect(
      (await context.app.inject({ url: `/api/v1/offers/${offerId}`, headers: foreign })).statusCode,
    ).toBe(404);
    expect(
      (
        await context.app.inject({
          method: 'POST',
          url: `/api/v1/offers/${offerId}/pause`,
          headers: foreign,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await context.app.inject({ url: '/api/v1/orders', headers: foreign })).json().items,
    ).toEqual([]);
  });

  it('lets only roles with the kill switch pause an offer', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const host = await addSignedInMember(context, acme.organizationId, 'host@acme.test', 'host');
    const refused = await context.app.inject({
      method: 'POST',
      url: `/api/v1/offers/${offerId}/pause`,
      headers: { cookie: host.cookie },
    });
    expect(refused.statusCode).toBe(403);
    const producer = await addSignedInMember(
      context,
      acme.organizationId,
      'producer@acme.test',
      'producer',
    );
    const paused = await context.app.inject({
      method: 'POST',
      url: `/api/v1/offers/${offerId}/pause`,
      headers: { cookie: producer.cookie },
    });
    expect(paused.json().status).toBe('paused');
  });

  it('rebuilds live counts, holds, idempotency answers and buyer limits after a restart', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 10, perBuyerLimit: 2 });
    const first = (await claim(context.app, offerId, 'keeper', { key: 'before-restart' })).json();
    const { holdId } = (await claim(context.app, offerId, 'payer', { quantity: 2 })).json();
    await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      payload: payWith('pm_card_visa'),
    });
    await context.services.offerStore.stop();

    const restarted = createServices({
      db: context.database.db,
      clock: context.services.clock,
      secret: testSecret,
      passwordCost: testPasswordCost,
    });
    await restarted.offerStore.recover();
    expect(await restarted.offerStore.counts(offerId)).toEqual({
      status: 'live',
      reserved: 10,
      available: 7,
      held: 1,
      sold: 2,
      waitlist: 0,
      markets: [],
    });
    const retry = await restarted.shopper.claim(
      offerId,
      { shopper: 'keeper', quantity: 1 },
      'before-restart',
    );
    expect(retry.holdId).toBe(first.holdId);
    // The payer bought their two: the limit per buyer still holds after the restart.
    const more = await restarted.shopper.decideClaim(
      offerId,
      { shopper: 'payer', quantity: 1 },
      null,
    );
    expect(more).toMatchObject({ ok: false, code: 'limit_reached' });
    await restarted.offerStore.stop();
  });
});

describe('a reserve with a time to live', () => {
  it('returns the units to stock when the offer never went live in time', async () => {
    const clock = new ManualClock('2026-11-22T09:00:00Z');
    const context = await createTestContext({ clock });
    try {
      const acme = await seedOrganization(context, 'Acme');
      const headers = { cookie: acme.ownerCookie };
      const product = await context.app.inject({
        method: 'POST',
        url: '/api/v1/products',
        headers,
        payload: {
          brandId: acme.brandId,
          title: 'Reserved',
          skus: [{ code: 'RES-1', priceMinor: 100, currency: 'EUR', stockOnHand: 50 }],
        },
      });
      const skuId = product.json().skus[0].id;
      const offer = await context.app.inject({
        method: 'POST',
        url: '/api/v1/offers',
        headers,
        payload: {
          brandId: acme.brandId,
          title: 'Held back',
          kind: 'single_sku',
          components: [{ skuId }],
          priceMinor: 100,
          currency: 'EUR',
          codes: ['HELD'],
        },
      });
      const offerId = offer.json().id;
      await context.app.inject({
        method: 'POST',
        url: `/api/v1/offers/${offerId}/approve`,
        headers,
      });
      const armed = await context.app.inject({
        method: 'POST',
        url: `/api/v1/offers/${offerId}/arm`,
        headers,
        payload: { units: 30, reserveTtlSeconds: 3600 },
      });
      expect(armed.json().reserveExpiresAt).toBe('2026-11-22T10:00:00.000Z');
      expect(await context.services.offers.releaseExpiredReserves()).toBe(0);
      clock.advance(3600 * 1000);
      expect(await context.services.offers.releaseExpiredReserves()).toBe(1);
      const after = await context.app.inject({ url: `/api/v1/offers/${offerId}`, headers });
      expect(after.json()).toMatchObject({ status: 'closed', reservedUnits: 0 });
      const stock = await context.app.inject({
        url: `/api/v1/products/${product.json().id}`,
        headers,
      });
      expect(stock.json().skus[0].stockOnHand).toBe(50);
    } finally {
      await context.close();
    }
  });
});
