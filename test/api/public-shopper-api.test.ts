import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { claim, liveOffer, payWith } from '../support/drops.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

/** The public shopper API is a stable contract: overlays and players call it. */
describe('the public shopper API', () => {
  const clock = new ManualClock('2026-11-22T18:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
  });
  afterAll(() => context.close());

  const checkout = (holdId: string, token: string) =>
    context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      payload: payWith(token),
    });

  it('describes a live offer with price, currency, stock left and state', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 200 });
    const response = await context.app.inject({ url: `/api/v1/public/offers/${offerId}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      state: 'live',
      price: 1900,
      currency: 'EUR',
      stockLeft: 200,
      endsAt: null,
    });
  });

  it('claims a hold, answers a retry with the same key with the same hold, and counts it once', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const first = await claim(context.app, offerId, 'shopper-1', { key: 'retry-key' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({
      holdId: expect.any(String),
      expiresAt: '2026-11-22T18:10:00.000Z',
    });
    const retry = await claim(context.app, offerId, 'shopper-1', { key: 'retry-key' });
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    const offer = await context.app.inject({ url: `/api/v1/public/offers/${offerId}` });
    expect(offer.json().stockLeft).toBe(4);
  });

  it('answers 409 sold_out, limit_reached, paused and closed with those codes', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 2, perBuyerLimit: 1 });
    expect((await claim(context.app, offerId, 'a')).statusCode).toBe(201);
    const limit = await claim(context.app, offerId, 'a');
    expect([limit.statusCode, limit.json().error.code]).toEqual([409, 'limit_reached']);
    expect((await claim(context.app, offerId, 'b')).statusCode).toBe(201);
    const soldOut = await claim(context.app, offerId, 'c');
    expect([soldOut.statusCode, soldOut.json().error.code]).toEqual([409, 'sold_out']);
    const headers = { cookie: acme.ownerCookie };
    await context.app.inject({ method: 'POST', url: `/api/v1/offers/${offerId}/pause`, headers });
    const paused = await claim(context.app, offerId, 'd');
    expect([paused.statusCode, paused.json().error.code]).toEqual([409, 'paused']);
    await context.app.inject({ method: 'POST', url: `/api/v1/offers/${offerId}/close`, headers });
    const closed = await claim(context.app, offerId, 'd');
    expect([closed.statusCode, closed.json().error.code]).toEqual([409, 'closed']);
    expect(
      (await context.app.inject({ url: `/api/v1/public/offers/${offerId}` })).json().state,
    ).toBe('closed');
  });

  it('points shoppers who missed a sold-out offer to its live fallback bundle', async () => {
    const fallback = await liveOffer(context.app, acme, { units: 5 });
    const { offerId } = await liveOffer(context.app, acme, {
      units: 1,
      fallbackOfferId: fallback.offerId,
    });
    const describe = async () =>
      (await context.app.inject({ url: `/api/v1/public/offers/${offerId}` })).json();
    expect((await describe()).fallback).toBeNull();
    expect((await claim(context.app, offerId, 'first')).statusCode).toBe(201);

    const refused = await claim(context.app, offerId, 'second');
    expect(refused.json().error).toMatchObject({
      code: 'sold_out',
      details: { offerId, fallbackOfferId: fallback.offerId },
    });
    expect((await describe()).fallback).toEqual({
      offerId: fallback.offerId,
      title: 'Live drop',
      stockLeft: 5,
    });

    await context.app.inject({
      method: 'POST',
      url: `/api/v1/offers/${fallback.offerId}/pause`,
      headers: { cookie: acme.ownerCookie },
    });
    expect((await describe()).fallback).toBeNull();
    expect((await claim(context.app, offerId, 'third')).json().error.details).toEqual({ offerId });
  });

  it('checks out a hold into an order; a retry answers the same order', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 3 });
    const { holdId } = (await claim(context.app, offerId, 'buyer')).json();
    const paid = await checkout(holdId, 'pm_card_visa');
    expect(paid.statusCode).toBe(201);
    expect(paid.json()).toEqual({ orderId: expect.any(String) });
    const again = await checkout(holdId, 'pm_card_visa');
    expect(again.json()).toEqual(paid.json());
    const order = await context.app.inject({
      url: `/api/v1/orders/${paid.json().orderId}`,
      headers: { cookie: acme.ownerCookie },
    });
    expect(order.json()).toMatchObject({
      offerId,
      quantity: 1,
      amountMinor: 1900,
      currency: 'EUR',
      status: 'paid',
    });
  });

  it('answers 402 payment_declined and keeps the hold until it expires, then 410 hold_expired', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1, holdTtlSeconds: 60 });
    const { holdId } = (await claim(context.app, offerId, 'decliner')).json();
    const declined = await checkout(holdId, 'pm_card_chargeDeclined');
    expect([declined.statusCode, declined.json().error.code]).toEqual([402, 'payment_declined']);
    expect((await claim(context.app, offerId, 'someone-else')).json().error.code).toBe('sold_out');
    clock.advance(60_000);
    const expired = await checkout(holdId, 'pm_card_visa');
    expect([expired.statusCode, expired.json().error.code]).toEqual([410, 'hold_expired']);
    expect((await claim(context.app, offerId, 'someone-else')).statusCode).toBe(201);
  });

  it('lets a declined shopper pay with another card while the hold lasts', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const { holdId } = (await claim(context.app, offerId, 'retrier')).json();
    expect((await checkout(holdId, 'pm_card_chargeDeclined')).statusCode).toBe(402);
    expect((await checkout(holdId, 'pm_card_visa')).statusCode).toBe(201);
  });

  it('reports a provider failure without charging, and an unknown test card as a bad field', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const { holdId } = (await claim(context.app, offerId, 'unlucky')).json();
    const failed = await checkout(holdId, 'pm_card_providerError');
    expect([failed.statusCode, failed.json().error.code]).toEqual([502, 'payment_unavailable']);
    const unknown = await checkout(holdId, 'pm_card_madeUp');
    expect([unknown.statusCode, unknown.json().error.details.field]).toEqual([
      400,
      'payment.token',
    ]);
    expect((await checkout(holdId, 'pm_card_visa')).statusCode).toBe(201);
  });

  it('names the field when a claim or checkout is malformed, and changes nothing', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const bad = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/offers/${offerId}/claims`,
      payload: { quantity: 0 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.issues.map((i: { field: string }) => i.field)).toEqual([
      'body.shopper',
      'body.quantity',
    ]);
    const { holdId } = (await claim(context.app, offerId, 'x')).json();
    const badCheckout = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      payload: {
        ...payWith('pm_card_visa'),
        email: 'nope',
        address: { line1: '', city: 'Paris', postalCode: '1', country: 'France' },
      },
    });
    expect(badCheckout.statusCode).toBe(400);
    expect(badCheckout.json().error.details.issues.map((i: { field: string }) => i.field)).toEqual([
      'body.email',
      'body.address.line1',
      'body.address.country',
    ]);
    expect((await checkout(holdId, 'pm_card_visa')).statusCode).toBe(201);
  });

  it('answers 404 for an unknown offer or hold', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await context.app.inject({ url: `/api/v1/public/offers/${unknown}` })).statusCode).toBe(
      404,
    );
    expect((await claim(context.app, unknown, 'a')).statusCode).toBe(404);
    expect((await checkout(unknown, 'pm_card_visa')).statusCode).toBe(404);
  });

  it('gives released units to the waitlist first, as a fresh hold', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1, holdTtlSeconds: 30 });
    expect((await claim(context.app, offerId, 'early')).statusCode).toBe(201);
    const joined = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/offers/${offerId}/waitlist`,
      payload: { shopper: 'patient' },
    });
    expect(joined.json()).toEqual({ position: 1 });
    clock.advance(30_000);
    await context.services.offerStore.sweep();
    expect((await claim(context.app, offerId, 'newcomer')).json().error.code).toBe('sold_out');
    const offer = await context.app.inject({
      url: `/api/v1/offers/${offerId}`,
      headers: { cookie: acme.ownerCookie },
    });
    expect(offer.json().inventory).toMatchObject({ held: 1, available: 0, sold: 0, waitlist: 0 });
    const standing = await context.app.inject({
      url: `/api/v1/public/offers/${offerId}/waitlist/patient`,
    });
    expect(standing.json()).toEqual({ holdId: expect.any(String), expiresAt: expect.any(String) });
    const hold = await context.app.inject({
      url: `/api/v1/public/holds/${standing.json().holdId}`,
    });
    expect(hold.json()).toMatchObject({ offerId, state: 'held', quantity: 1, orderId: null });
  });

  it('keeps a shopper at the per-buyer limit out of the waitlist', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1, perBuyerLimit: 1 });
    expect((await claim(context.app, offerId, 'owner-of-one')).statusCode).toBe(201);
    // Sold out for everyone, the shopper with the last unit included.
    expect((await claim(context.app, offerId, 'owner-of-one')).json().error.code).toBe('sold_out');
    const join = (shopper: string) =>
      context.app.inject({
        method: 'POST',
        url: `/api/v1/public/offers/${offerId}/waitlist`,
        payload: { shopper },
      });
    const refused = await join('owner-of-one');
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'limit_reached']);
    expect((await join('someone-else')).json()).toEqual({ position: 1 });
  });

  it('tells what became of a hold: paid with its order, or expired', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 2, holdTtlSeconds: 30 });
    const paidHold = (await claim(context.app, offerId, 'payer')).json().holdId;
    const { orderId } = (await checkout(paidHold, 'pm_card_visa')).json();
    const paid = await context.app.inject({ url: `/api/v1/public/holds/${paidHold}` });
    expect(paid.json()).toMatchObject({ state: 'checked_out', orderId });
    const lapsed = (await claim(context.app, offerId, 'dawdler')).json().holdId;
    clock.advance(30_000);
    await context.services.offerStore.sweep();
    const expired = await context.app.inject({ url: `/api/v1/public/holds/${lapsed}` });
    expect(expired.json().state).toBe('expired');
  });
});

describe('checkout in a shop without the sandbox', () => {
  it('refuses test cards, naming payment.provider, and keeps the hold', async () => {
    const context = await createTestContext({ sandboxPayments: false });
    try {
      const acme = await seedOrganization(context, 'Acme');
      const { offerId } = await liveOffer(context.app, acme, { units: 1 });
      const { holdId } = (await claim(context.app, offerId, 'tester')).json();
      const response = await context.app.inject({
        method: 'POST',
        url: `/api/v1/public/holds/${holdId}/checkout`,
        payload: payWith('pm_card_visa'),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details.field).toBe('payment.provider');
      expect((await claim(context.app, offerId, 'someone')).json().error.code).toBe('sold_out');
    } finally {
      await context.close();
    }
  });
});
