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

/** Orders announce themselves to the organisation's webhooks: paid, fulfilled, cancelled. */
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

  it('never puts the payment reference or the address in an event', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const { holdId } = (await claim(context.app, offerId, 'bo')).json();
    await post(`/api/v1/public/holds/${holdId}/checkout`, payWith('pm_card_visa'));
    const [last] = (await delivered()).slice(-1);
    expect(last?.type).toBe('order.paid');
    expect(JSON.stringify(last)).not.toMatch(/Rivoli|paymentReference|75001/);
  });
});
