import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim, liveOffer, payWith } from '../support/drops.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

describe('fulfilment regions, tax and time-to-fulfil', () => {
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

  const region = (payload: object) =>
    context.app.inject({
      method: 'POST',
      url: '/api/v1/fulfilment/regions',
      headers: headers(),
      payload,
    });

  async function buy(offerId: string, shopper: string, country: string) {
    const { holdId } = (await claim(context.app, offerId, shopper)).json();
    const body = payWith('pm_card_visa');
    return context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      payload: { ...body, address: { ...body.address, country } },
    });
  }

  it('checks out without routing while no region is set up', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const paid = await buy(offerId, 'early', 'JP');
    const order = await context.app.inject({
      url: `/api/v1/orders/${paid.json().orderId}`,
      headers: headers(),
    });
    expect(order.json()).toMatchObject({ fulfilmentRegionId: null, taxMinor: 0, totalMinor: 1900 });
  });

  it('routes orders by country, with tax inside EU prices and on top of US prices', async () => {
    const eu = await region({
      name: 'EU warehouse',
      countries: ['FR', 'DE'],
      capabilities: ['next_day', 'standard'],
      taxRates: [
        { country: 'FR', rateBasisPoints: 2000 },
        { country: 'DE', rateBasisPoints: 1900 },
      ],
    });
    expect(eu.statusCode).toBe(201);
    const us = await region({
      name: 'US east',
      countries: ['us'],
      capabilities: ['standard'],
      pricesIncludeTax: false,
      taxRates: [{ country: 'US', rateBasisPoints: 800 }],
    });
    expect(us.json().countries).toEqual(['US']);

    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const french = await buy(offerId, 'paris', 'FR');
    const american = await buy(offerId, 'boston', 'US');
    const orders = await context.app.inject({
      url: `/api/v1/orders?offerId=${offerId}`,
      headers: headers(),
    });
    const byRegion = Object.fromEntries(orders.json().items.map((o: { id: string }) => [o.id, o]));
    expect(byRegion[french.json().orderId]).toMatchObject({
      fulfilmentRegionId: eu.json().id,
      amountMinor: 1900,
      taxRateBasisPoints: 2000,
      taxMinor: 317,
      totalMinor: 1900,
    });
    expect(byRegion[american.json().orderId]).toMatchObject({
      fulfilmentRegionId: us.json().id,
      taxMinor: 152,
      totalMinor: 2052,
    });
  });

  it('refuses a country no region serves, naming the field, and keeps the hold', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const { holdId } = (await claim(context.app, offerId, 'tokyo')).json();
    const body = payWith('pm_card_visa');
    const refused = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      payload: { ...body, address: { ...body.address, country: 'JP' } },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toMatchObject({
      field: 'address.country',
      rule: 'no_fulfilment_region',
    });
    const retried = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      payload: body,
    });
    expect(retried.statusCode).toBe(201);
  });

  it('rejects a tax rate for a country outside the region', async () => {
    const response = await region({
      name: 'UK',
      countries: ['GB'],
      capabilities: ['standard'],
      taxRates: [{ country: 'FR', rateBasisPoints: 2000 }],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.field).toBe('taxRates');
  });

  it('takes carrier events and measures hours to ship and deliver per region', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 2 });
    const { orderId } = (await buy(offerId, 'lyon', 'FR')).json();
    const order = (
      await context.app.inject({ url: `/api/v1/orders/${orderId}`, headers: headers() })
    ).json();
    const created = new Date(order.createdAt).getTime();
    const at = (hours: number) => new Date(created + hours * 3_600_000).toISOString();
    const { token } = await context.services.tokens.issue(acme.organizationId, {
      name: 'carrier',
      role: 'inventory_lead',
      createdBy: null,
    });
    const events = await context.app.inject({
      method: 'POST',
      url: '/api/v1/fulfilment/events',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        events: [
          { orderId, status: 'shipped', occurredAt: at(6) },
          { orderId, status: 'delivered', occurredAt: at(30) },
          { orderId: '00000000-0000-4000-8000-000000000000', status: 'shipped' },
        ],
      },
    });
    expect(events.json().results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, false]);
    const updated = (
      await context.app.inject({ url: `/api/v1/orders/${orderId}`, headers: headers() })
    ).json();
    expect(updated).toMatchObject({
      fulfilmentStatus: 'delivered',
      packedAt: at(6),
      shippedAt: at(6),
      deliveredAt: at(30),
    });
    const timing = await context.app.inject({
      url: `/api/v1/fulfilment/time-to-fulfil?offerId=${offerId}`,
      headers: headers(),
    });
    expect(timing.json().items).toEqual([
      expect.objectContaining({
        orders: 1,
        shipped: 1,
        delivered: 1,
        hoursToShip: { p50: 6, p90: 6 },
        hoursToDeliver: { p50: 30, p90: 30 },
      }),
    ]);
  });

  it('keeps regions to their organisation', async () => {
    const list = await context.app.inject({
      url: '/api/v1/fulfilment/regions',
      headers: { cookie: globex.ownerCookie },
    });
    expect(list.json().items).toEqual([]);
    const mine = (
      await context.app.inject({ url: '/api/v1/fulfilment/regions', headers: headers() })
    ).json().items[0];
    const foreign = await context.app.inject({
      method: 'DELETE',
      url: `/api/v1/fulfilment/regions/${mine.id}`,
      headers: { cookie: globex.ownerCookie },
    });
    expect(foreign.statusCode).toBe(404);
  });
});
