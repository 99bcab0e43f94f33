import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim, liveOffer } from '../../../test/support/drops.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../../../test/support/test-app.js';
import { ManualClock } from '../../lib/clock.js';

/** The no-JavaScript checkout, in process: plain form posts, 303s, and pages with a status. */
describe('the fallback checkout', () => {
  const clock = new ManualClock('2026-11-22T18:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
  });
  afterAll(() => context.close());

  const form = 'application/x-www-form-urlencoded';
  const post = (url: string, fields: Record<string, string>) =>
    context.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': form },
      payload: new URLSearchParams(fields).toString(),
    });
  const hiddenValue = (page: string, name: string) =>
    new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';
  const stockOf = async (offerId: string) =>
    (await context.app.inject({ url: `/api/v1/public/offers/${offerId}` })).json().stockLeft;
  const details = {
    email: 'sam@example.com',
    name: 'Sam Shopper',
    line1: '1 Rue de Rivoli',
    city: 'Paris',
    postalCode: '75001',
    country: 'fr',
  };

  /** Opens the lite page and sends its claim form as a browser would. */
  async function claimThroughForm(offerId: string) {
    const page = await context.app.inject({ url: `/o/${offerId}/lite` });
    const fields = {
      shopper: hiddenValue(page.body, 'shopper'),
      idempotencyKey: hiddenValue(page.body, 'idempotencyKey'),
      quantity: '1',
    };
    return { page, fields, response: await post(`/o/${offerId}/lite/claim`, fields) };
  }

  it('claims, shows the hold, takes payment and confirms the order', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const { page, fields, response } = await claimThroughForm(offerId);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).not.toContain('<script');
    expect(page.cookies.map((cookie) => cookie.name)).toContain('mydrop_shopper');
    expect(Buffer.byteLength(page.body)).toBeLessThan(15_000);

    expect(response.statusCode).toBe(303);
    const holdUrl = response.headers.location as string;
    expect(holdUrl).toMatch(/^\/o\/holds\/[0-9a-f-]{36}\/lite\?offer=.+&until=2026-11-22T18%3A10/);
    expect(await stockOf(offerId)).toBe(4);
    // The same form sent twice (a double tap, a resend on a slow link) is one hold.
    expect((await post(`/o/${offerId}/lite/claim`, fields)).headers.location).toBe(holdUrl);
    expect(await stockOf(offerId)).toBe(4);

    const hold = await context.app.inject({ url: holdUrl });
    expect(hold.statusCode).toBe(200);
    expect(hold.body).toContain('until <strong>18:10 UTC</strong> (about 10 minutes left to pay)');
    const holdId = holdUrl.split('/')[3];
    const paid = await post(`/o/holds/${holdId}/lite/checkout`, {
      offer: offerId,
      until: '2026-11-22T18:10:00.000Z',
      ...details,
      token: 'pm_card_visa',
    });
    expect(paid.statusCode).toBe(303);
    const doneUrl = paid.headers.location as string;
    expect(doneUrl).toMatch(new RegExp(`^/o/holds/${holdId}/lite/done\\?order=`));
    const done = await context.app.inject({ url: doneUrl });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Order confirmed');
    const orderId = new URL(doneUrl, 'http://x').searchParams.get('order');
    const order = await context.app.inject({
      url: `/api/v1/orders/${orderId}`,
      headers: { cookie: acme.ownerCookie },
    });
    expect(order.json()).toMatchObject({ offerId, status: 'paid', email: 'sam@example.com' });
  });

  it('re-renders a declined payment with 402 and keeps the hold for another card', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const { response } = await claimThroughForm(offerId);
    const holdId = (response.headers.location as string).split('/')[3];
    const pay = (token: string) =>
      post(`/o/holds/${holdId}/lite/checkout`, { offer: offerId, ...details, token });
    const declined = await pay('pm_card_chargeDeclined');
    expect(declined.statusCode).toBe(402);
    expect(declined.body).toContain('declined');
    expect(declined.body).toContain('the hold stays until it expires');
    expect(declined.body).toContain('value="Sam Shopper"');
    expect((await claim(context.app, offerId, 'someone-else')).json().error.code).toBe('sold_out');
    expect((await pay('pm_card_visa')).statusCode).toBe(303);
  });

  it('re-renders a bad field with 400, naming it, and changes nothing', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const { response } = await claimThroughForm(offerId);
    const holdId = (response.headers.location as string).split('/')[3];
    const bad = await post(`/o/holds/${holdId}/lite/checkout`, {
      offer: offerId,
      ...details,
      email: 'not-an-email',
      country: 'France',
      token: 'pm_card_visa',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Email must be an e-mail address');
    expect(bad.body).toContain('Country must be a 2-letter country code');
    expect(bad.body).toContain('value="not-an-email"');
    const retry = await post(`/o/holds/${holdId}/lite/checkout`, {
      ...details,
      token: 'pm_card_visa',
    });
    expect(retry.statusCode).toBe(303);
  });

  it('answers a sold-out claim with 409 and the waitlist form', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    // A second shopper opens the page while one unit is left, and someone else takes it.
    const page = await context.app.inject({ url: `/o/${offerId}/lite` });
    expect((await claimThroughForm(offerId)).response.statusCode).toBe(303);
    const soldOut = await post(`/o/${offerId}/lite/claim`, {
      shopper: 'another-shopper',
      idempotencyKey: hiddenValue(page.body, 'idempotencyKey'),
      quantity: '1',
    });
    expect(soldOut.statusCode).toBe(409);
    expect(soldOut.body).toContain('Sold out');
    expect(soldOut.body).toContain('Join the waitlist');
    const joined = await post(`/o/${offerId}/lite/waitlist`, { shopper: 'another-shopper' });
    expect(joined.statusCode).toBe(200);
    expect(joined.body).toContain('You are number 1 on the waitlist');
  });

  it('answers a paused offer with 409 and an expired hold with 410 and a fresh claim form', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 3, holdTtlSeconds: 60 });
    const { response } = await claimThroughForm(offerId);
    const holdId = (response.headers.location as string).split('/')[3];
    clock.advance(61_000);
    const expired = await post(`/o/holds/${holdId}/lite/checkout`, {
      offer: offerId,
      ...details,
      token: 'pm_card_visa',
    });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('This hold has expired; claim again');
    expect(expired.body).toContain(`action="/o/${offerId}/lite/claim"`);

    const headers = { cookie: acme.ownerCookie };
    await context.app.inject({ method: 'POST', url: `/api/v1/offers/${offerId}/pause`, headers });
    const paused = await post(`/o/${offerId}/lite/claim`, {
      shopper: 'late',
      idempotencyKey: 'paused-key',
      quantity: '1',
    });
    expect(paused.statusCode).toBe(409);
    expect(paused.body).toContain('The offer is paused');
  });

  it('answers unknown offers and holds with a 404 page', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await context.app.inject({ url: `/o/${missing}/lite` })).statusCode).toBe(404);
    expect((await context.app.inject({ url: '/o/not-an-id/lite' })).statusCode).toBe(404);
    const hold = await post(`/o/holds/${missing}/lite/checkout`, {
      ...details,
      token: 'pm_card_visa',
    });
    expect(hold.statusCode).toBe(404);
    expect(hold.body).toContain('Hold not found');
  });

  it('leaves the JSON API refusing form bodies', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const response = await post(`/api/v1/public/offers/${offerId}/claims`, { shopper: 'x' });
    expect(response.statusCode).toBe(415);
  });
});
