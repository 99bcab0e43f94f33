import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claim, liveOffer } from '../../../test/support/drops.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../../../test/support/test-app.js';
import { ManualClock } from '../../lib/clock.js';

/** One-click checkout on the no-JavaScript pages: the profile token lives in a cookie. */
describe('one-click on the fallback checkout', () => {
  const clock = new ManualClock('2026-11-22T18:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;
  let globex: SeededOrganization;

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
    globex = await seedOrganization(context, 'Globex');
  });
  afterAll(() => context.close());

  const post = (url: string, fields: Record<string, string>, cookie?: string) =>
    context.app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(cookie ? { cookie } : {}),
      },
      payload: new URLSearchParams(fields).toString(),
    });
  const get = (url: string, cookie?: string) =>
    context.app.inject({ url, headers: cookie ? { cookie } : {} });
  const hiddenValue = (page: string, name: string, form = '') =>
    new RegExp(`${form}[^]*?name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';
  const holdIdOf = (location: unknown) => String(location).split('/')[3] as string;
  const profileCookieOf = (response: LightMyRequestResponse) =>
    response.cookies.find((cookie) => cookie.name.startsWith('mydrop_profile_'));
  const ordersOf = async (org: SeededOrganization, offerId: string) =>
    (
      await context.app.inject({
        url: `/api/v1/orders?offerId=${offerId}`,
        headers: { cookie: org.ownerCookie },
      })
    ).json().items as Array<{ id: string; email: string; status: string }>;
  const profileOf = (token: string) =>
    context.app.inject({
      url: '/api/v1/public/profiles/me',
      headers: { 'x-shopper-profile': token },
    });
  const details = {
    email: 'jane@example.com',
    name: 'Jane Shopper',
    line1: '1 Rue de Rivoli',
    city: 'Paris',
    postalCode: '75001',
    country: 'FR',
  };

  /** Claims through the lite page's form and pays with typed details, ticking "Save". */
  async function checkoutSaving(
    offerId: string,
    cookie?: string,
  ): Promise<{ paid: LightMyRequestResponse; header: string; token: string }> {
    const page = await get(`/o/${offerId}/lite`, cookie);
    const claimed = await post(
      `/o/${offerId}/lite/claim`,
      {
        shopper: hiddenValue(page.body, 'shopper'),
        idempotencyKey: hiddenValue(page.body, 'idempotencyKey'),
        quantity: '1',
      },
      cookie,
    );
    const holdPage = await get(claimed.headers.location as string, cookie);
    const paid = await post(
      `/o/holds/${holdIdOf(claimed.headers.location)}/lite/checkout`,
      {
        offer: offerId,
        idempotencyKey: hiddenValue(holdPage.body, 'idempotencyKey', 'lite/checkout"'),
        ...details,
        token: 'pm_card_visa',
        saveProfile: '1',
      },
      cookie,
    );
    const saved = profileCookieOf(paid);
    if (!saved) throw new Error(`no profile cookie: ${paid.statusCode} ${paid.body}`);
    return { paid, header: `${saved.name}=${saved.value}`, token: saved.value };
  }

  /** The lite offer page's Buy now form, as a browser would send it. */
  async function buyNowForm(offerId: string, cookie: string) {
    const page = await get(`/o/${offerId}/lite`, cookie);
    return {
      page,
      fields: {
        shopper: hiddenValue(page.body, 'shopper'),
        idempotencyKey: hiddenValue(page.body, 'idempotencyKey'),
        quantity: '1',
      },
    };
  }

  it('offers the save opt-in and keeps the token in an HttpOnly cookie, never in the page', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const { response } = { response: await get(`/o/${offerId}/lite`) };
    expect(response.body).not.toContain('Buy now');
    const { paid, token } = await checkoutSaving(offerId);
    expect(paid.statusCode).toBe(303);
    const cookie = profileCookieOf(paid);
    expect(cookie).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
      path: '/o',
      maxAge: 180 * 24 * 3600,
    });
    expect(cookie?.name).toMatch(/^mydrop_profile_[0-9a-f]{16}$/);
    expect(cookie?.name).not.toContain(acme.organizationId);
    expect(String(paid.headers.location)).not.toContain(token);
    const done = await get(paid.headers.location as string);
    expect(done.body).toContain('Your details are saved on this device');
    expect(done.body).not.toContain(token);
    expect((await profileOf(token)).json()).toMatchObject({
      name: 'Jane Shopper',
      paymentLabel: 'Visa ending 4242',
    });
  });

  it('shows Buy now with the name and card label on the next visit, and buys once', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const { header } = await checkoutSaving(offerId);
    const { page, fields } = await buyNowForm(offerId, header);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Buy now as Jane Shopper · Visa ending 4242');
    expect(page.body).toContain('Ships to Paris, FR; receipt to j***@example.com');
    expect(page.body).toContain('<summary>Use different details</summary>');
    expect(page.body).toContain('Forget my details');
    expect(page.body).not.toContain('jane@example.com');
    expect(page.body).not.toContain(header.split('=')[1]);

    const bought = await post(`/o/${offerId}/lite/buy-now`, fields, header);
    expect(bought.statusCode).toBe(303);
    expect(bought.headers.location).toMatch(/\/lite\/done\?order=[0-9a-f-]{36}&offer=/);
    expect(await ordersOf(acme, offerId)).toHaveLength(2);
    // The same form sent again (a double tap, a resend on a slow link) is the same order.
    const again = await post(`/o/${offerId}/lite/buy-now`, fields, header);
    expect(again.headers.location).toBe(bought.headers.location);
    expect(await ordersOf(acme, offerId)).toHaveLength(2);
  });

  it('buys once when the same Buy now form arrives twice at the same time', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const { header } = await checkoutSaving(offerId);
    const { fields } = await buyNowForm(offerId, header);
    const [first, second] = await Promise.all([
      post(`/o/${offerId}/lite/buy-now`, fields, header),
      post(`/o/${offerId}/lite/buy-now`, fields, header),
    ]);
    expect([first.statusCode, second.statusCode]).toEqual([303, 303]);
    expect(second.headers.location).toBe(first.headers.location);
    const orders = await ordersOf(acme, offerId);
    expect(orders).toHaveLength(2);
    expect(orders.every((order) => order.status === 'paid')).toBe(true);
  });

  it('pays a hold in one click, and "Use different details" opens the typed form', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const { header } = await checkoutSaving(offerId);
    const { page } = await buyNowForm(offerId, header);
    const claimed = await post(
      `/o/${offerId}/lite/claim`,
      {
        shopper: hiddenValue(page.body, 'shopper'),
        idempotencyKey: hiddenValue(page.body, 'idempotencyKey'),
        details: '1',
      },
      header,
    );
    expect(claimed.headers.location).toContain('&details=1');
    const holdPage = await get(claimed.headers.location as string, header);
    expect(holdPage.body).toContain('Buy now as Jane Shopper · Visa ending 4242');
    expect(holdPage.body).toContain('<details id="use-details" open>');
    const holdId = holdIdOf(claimed.headers.location);
    const fields = {
      offer: offerId,
      idempotencyKey: hiddenValue(holdPage.body, 'idempotencyKey', 'lite/buy-now"'),
    };
    const paid = await post(`/o/holds/${holdId}/lite/buy-now`, fields, header);
    expect(paid.statusCode).toBe(303);
    const again = await post(`/o/holds/${holdId}/lite/buy-now`, fields, header);
    expect(again.headers.location).toBe(paid.headers.location);
    expect(await ordersOf(acme, offerId)).toHaveLength(2);
  });

  it('forgets the details on the server and clears the cookie', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const { header, token } = await checkoutSaving(offerId);
    const forgotten = await post(`/o/${offerId}/lite/forget`, {}, header);
    expect(forgotten.statusCode).toBe(200);
    expect(forgotten.body).toContain('Your saved details and payment method are deleted');
    expect(forgotten.body).not.toContain('Buy now');
    expect(forgotten.body).toContain(`action="/o/${offerId}/lite/claim"`);
    const cleared = profileCookieOf(forgotten);
    expect(cleared?.value).toBe('');
    expect(cleared?.path).toBe('/o');
    expect((await profileOf(token)).statusCode).toBe(404);
    // A page kept open still posts Buy now with the old cookie: nothing is held or paid.
    const { fields } = await buyNowForm(offerId, header);
    const stale = await post(`/o/${offerId}/lite/buy-now`, fields, header);
    expect(stale.statusCode).toBe(400);
    expect(stale.body).toContain('Your saved details are not on this device any more');
    expect(await ordersOf(acme, offerId)).toHaveLength(1);
  });

  it('shows the plain form for a forgotten token and clears its cookie', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const { header, token } = await checkoutSaving(offerId);
    await context.app.inject({
      method: 'DELETE',
      url: '/api/v1/public/profiles/me',
      headers: { 'x-shopper-profile': token },
    });
    const page = await get(`/o/${offerId}/lite`, header);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Buy now');
    expect(page.body).toContain('Claim for');
    expect(profileCookieOf(page)?.value).toBe('');
  });

  it("keeps one shop's profile from another shop's pages", async () => {
    const acmeOffer = (await liveOffer(context.app, acme, { units: 5 })).offerId;
    const globexOffer = (await liveOffer(context.app, globex, { units: 5 })).offerId;
    const { header, token } = await checkoutSaving(acmeOffer);
    // The browser sends Acme's cookie to Globex's page too: it is not Globex's shop.
    const page = await get(`/o/${globexOffer}/lite`, header);
    expect(page.body).not.toContain('Buy now');
    expect(profileCookieOf(page)).toBeUndefined();

    // Acme's token under Globex's cookie name (a tampered cookie): Globex's pages do not know
    // it, so they offer no Buy now and clear the cookie; a post anyway holds and charges nothing.
    const globexShop = await context.services.shopper.shopKeyOf(globexOffer);
    const forged = `mydrop_profile_${globexShop}=${token}`;
    const { page: forgedPage, fields } = await buyNowForm(globexOffer, forged);
    expect(forgedPage.body).not.toContain('Buy now');
    expect(profileCookieOf(forgedPage)).toMatchObject({
      name: `mydrop_profile_${globexShop}`,
      value: '',
    });
    const refused = await post(`/o/${globexOffer}/lite/buy-now`, fields, forged);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).not.toContain('Buy now');
    expect((await context.services.offerStore.counts(globexOffer))?.held).toBe(0);
    expect(await ordersOf(globex, globexOffer)).toHaveLength(0);
    expect((await profileOf(token)).statusCode).toBe(200);
  });

  it('shows why a saved card was declined, with a 402, and keeps the hold', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 1 });
    const token = await context.services.shopper.profiles.saveProfile(
      acme.organizationId,
      { email: details.email, name: 'Jane Shopper', address: { ...details } },
      { provider: 'sandbox', method: 'pm_card_chargeDeclined', label: 'Visa ending 0002' },
    );
    const header = `mydrop_profile_${await context.services.shopper.shopKeyOf(offerId)}=${token}`;
    const { page, fields } = await buyNowForm(offerId, header);
    expect(page.body).toContain('Buy now as Jane Shopper · Visa ending 0002');
    const declined = await post(`/o/${offerId}/lite/buy-now`, fields, header);
    expect(declined.statusCode).toBe(402);
    expect(declined.body).toContain('The payment was declined (card_declined)');
    expect(declined.body).toContain('<details id="use-details" open>');
    expect(profileCookieOf(declined)).toBeUndefined();
    expect((await claim(context.app, offerId, 'someone-else')).json().error.code).toBe('sold_out');
    expect(await ordersOf(acme, offerId)).toHaveLength(0);
  });

  it('answers Buy now on a sold-out offer with 409 and on an expired hold with 410', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 2, holdTtlSeconds: 60 });
    const { header } = await checkoutSaving(offerId);
    const { fields } = await buyNowForm(offerId, header);
    expect((await claim(context.app, offerId, 'someone-else')).statusCode).toBe(201);
    const soldOut = await post(`/o/${offerId}/lite/buy-now`, fields, header);
    expect(soldOut.statusCode).toBe(409);
    expect(soldOut.body).toContain('Sold out');

    const other = await liveOffer(context.app, acme, { units: 2, holdTtlSeconds: 60 });
    const page = await get(`/o/${other.offerId}/lite`, header);
    const claimed = await post(
      `/o/${other.offerId}/lite/claim`,
      {
        shopper: hiddenValue(page.body, 'shopper'),
        idempotencyKey: hiddenValue(page.body, 'idempotencyKey'),
      },
      header,
    );
    clock.advance(61_000);
    const expired = await post(
      `/o/holds/${holdIdOf(claimed.headers.location)}/lite/buy-now`,
      { offer: other.offerId, idempotencyKey: 'late-key' },
      header,
    );
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('This hold has expired; claim again');
    expect(await ordersOf(acme, other.offerId)).toHaveLength(0);
  });

  it('replaces the profile saved before when the shopper saves new details', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const first = await checkoutSaving(offerId);
    const second = await checkoutSaving(offerId, first.header);
    expect(second.token).not.toBe(first.token);
    expect((await profileOf(first.token)).statusCode).toBe(404);
    expect((await profileOf(second.token)).statusCode).toBe(200);
  });
});
