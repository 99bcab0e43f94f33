import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { claim, liveOffer, payWith } from '../support/drops.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';
import { startReceiver } from '../support/webhook-receiver.js';

/** Orders announce themselves to the organisation's webhooks: paid, fulfilled, cancelled, returned. */
describe('order events', () => {
  const clock = new ManualClock('2026-11-22T09:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
    receiver = await startReceiver(() => 204);
    const subscribed = await context.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: { cookie: acme.ownerCookie },
      payload: { url: receiver.url, eventTypes: ['order.*'] },
    });
    expect(subscribed.statusCode).toBe(201);
  });
  afterAll(async () => {
    await context.close();
    await receiver.close();
  });

  const send = (method: 'POST' | 'PUT', url: string, payload: object) =>
    context.app.inject({ method, url, headers: { cookie: acme.ownerCookie }, payload });
  const post = (url: string, payload: object) => send('POST', url, payload);

  async function delivered(): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    await context.services.scheduler.runDue();
    return receiver.received.map((request) => JSON.parse(request.body));
  }

  it('sends order.paid, order.fulfilment_changed and order.cancelled with the attribution', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 2, code: 'GLOW19' });
    const held = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/offers/${offerId}/claims`,
      payload: { shopper: 'ana', quantity: 1, offerCode: 'GLOW19', source: 'tiktok_live' },
    });
    const paid = await post(`/api/v1/public/holds/${held.json().holdId}/checkout`, {
      ...payWith('pm_card_visa'),
    });
    const { orderId } = paid.json();
    expect((await delivered()).map((event) => event.type)).toEqual(['order.paid']);
    expect((await delivered())[0]?.data).toMatchObject({
      orderId,
      offerId,
      status: 'paid',
      quantity: 1,
      currency: 'EUR',
      offerCode: 'GLOW19',
      trafficSource: 'tiktok_live',
    });

    const packed = await send('PUT', `/api/v1/orders/${orderId}/fulfilment`, { status: 'packed' });
    expect(packed.statusCode).toBe(200);
    await send('PUT', `/api/v1/orders/${orderId}/fulfilment`, { status: 'packed' }); // no change
    await post(`/api/v1/orders/${orderId}/cancel`, { restock: true });
    // Each event is its own delivery: receivers get them all, not necessarily in order.
    const events = await delivered();
    const ofType = (type: string) => events.filter((event) => event.type === type);
    expect(events).toHaveLength(3);
    expect(ofType('order.fulfilment_changed')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ orderId, fulfilmentStatus: 'packed' }),
      }),
    ]);
    expect(ofType('order.cancelled')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ orderId, status: 'cancelled', restocked: true }),
      }),
    ]);
  });

  /** Buys one unit of `offerId` and ships it, as an order is before it comes back. */
  async function shippedOrder(offerId: string, shopper: string): Promise<string> {
    const { holdId } = (await claim(context.app, offerId, shopper)).json();
    const paid = await post(`/api/v1/public/holds/${holdId}/checkout`, payWith('pm_card_visa'));
    const { orderId } = paid.json();
    const shipped = await send('PUT', `/api/v1/orders/${orderId}/fulfilment`, {
      status: 'shipped',
    });
    expect(shipped.statusCode).toBe(200);
    return orderId;
  }

  async function inventoryOf(offerId: string) {
    const offer = await context.app.inject({
      url: `/api/v1/offers/${offerId}`,
      headers: { cookie: acme.ownerCookie },
    });
    const { reserved, available, held, sold } = offer.json().inventory;
    return { reserved, available, held, sold };
  }

  async function stockOnHand(skuId: string): Promise<number> {
    const products = await context.app.inject({
      url: '/api/v1/products',
      headers: { cookie: acme.ownerCookie },
    });
    const skus = products
      .json()
      .items.flatMap(
        (product: { skus: Array<{ id: string; stockOnHand: number }> }) => product.skus,
      );
    return skus.find((sku: { id: string }) => sku.id === skuId).stockOnHand;
  }

  async function returnedEvents(orderId: string) {
    return (await delivered()).filter(
      (event) => event.type === 'order.returned' && event.data.orderId === orderId,
    );
  }

  it('sends order.returned and puts a restocked return back on sale', async () => {
    const { offerId, skuId } = await liveOffer(context.app, acme, { units: 3 });
    const orderId = await shippedOrder(offerId, 'cy');
    expect(await inventoryOf(offerId)).toEqual({ reserved: 3, available: 2, held: 0, sold: 1 });
    const catalogBefore = await stockOnHand(skuId);

    const returned = await post(`/api/v1/orders/${orderId}/return`, { restock: true });
    expect(returned.json()).toMatchObject({ status: 'returned', fulfilmentStatus: 'shipped' });
    expect(await inventoryOf(offerId)).toEqual({ reserved: 3, available: 3, held: 0, sold: 0 });
    expect(await stockOnHand(skuId)).toBe(catalogBefore);
    // The unit is claimable again.
    expect((await claim(context.app, offerId, 'next')).statusCode).toBe(201);
    expect(await returnedEvents(orderId)).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          orderId,
          offerId,
          status: 'returned',
          restocked: true,
          refundedMinor: 1900,
          currency: 'EUR',
        }),
      }),
    ]);
  });

  it('writes a return without restock off: the reserve shrinks and the catalog stays', async () => {
    const { offerId, skuId } = await liveOffer(context.app, acme, { units: 3 });
    const orderId = await shippedOrder(offerId, 'dee');
    const catalogBefore = await stockOnHand(skuId);

    const returned = await post(`/api/v1/orders/${orderId}/return`, { restock: false });
    expect(returned.json()).toMatchObject({ status: 'returned' });
    expect(await inventoryOf(offerId)).toEqual({ reserved: 2, available: 2, held: 0, sold: 0 });
    expect(await stockOnHand(skuId)).toBe(catalogBefore);
    expect(await returnedEvents(orderId)).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ orderId, status: 'returned', restocked: false }),
      }),
    ]);
  });

  it('puts a restocked return of a closed offer back in the catalog, and a written-off one not', async () => {
    const { offerId, skuId } = await liveOffer(context.app, acme, { units: 3, stock: 5 });
    const restockedId = await shippedOrder(offerId, 'eve');
    const writtenOffId = await shippedOrder(offerId, 'fay');
    const closed = await post(`/api/v1/offers/${offerId}/close`, {});
    expect(closed.statusCode).toBe(200);
    // Stock 5, reserve 3, 2 sold: the unsold unit went back when the offer closed.
    expect(await stockOnHand(skuId)).toBe(3);

    await post(`/api/v1/orders/${restockedId}/return`, { restock: true });
    expect(await stockOnHand(skuId)).toBe(4);
    await post(`/api/v1/orders/${writtenOffId}/return`, { restock: false });
    expect(await stockOnHand(skuId)).toBe(4);
    expect((await returnedEvents(restockedId))[0]?.data).toMatchObject({ restocked: true });
    expect((await returnedEvents(writtenOffId))[0]?.data).toMatchObject({ restocked: false });
  });

  it('never puts the payment reference or the address in an event', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const { holdId } = (await claim(context.app, offerId, 'bo')).json();
    await post(`/api/v1/public/holds/${holdId}/checkout`, payWith('pm_card_visa'));
    const [last] = (await delivered()).slice(-1);
    expect(last?.type).toBe('order.paid');
    expect(JSON.stringify(last)).not.toMatch(/Rivoli|paymentReference|75001/);
  });
});
