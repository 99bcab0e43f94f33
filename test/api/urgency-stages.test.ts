import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { claim } from '../support/drops.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

/**
 * Staged urgency messages (issue 3): the offer page and overlays show the tightest stage the
 * stock left reaches; an offer without stages keeps "Only N left" at its low-stock threshold.
 */
describe('staged urgency messages', () => {
  const clock = new ManualClock('2026-11-22T18:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;
  let skuId: string;

  const send = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    context.app.inject({
      method,
      url,
      headers: { cookie: acme.ownerCookie },
      ...(payload ? { payload } : {}),
    });

  const offerBody = (extra: object = {}) => ({
    brandId: acme.brandId,
    title: 'Serum drop',
    kind: 'single_sku',
    components: [{ skuId, quantity: 1 }],
    priceMinor: 1900,
    currency: 'EUR',
    lowStockThreshold: 5,
    codes: [`C${Math.random().toString(36).slice(2, 10)}`],
    ...extra,
  });

  async function liveWith(extra: object, units: number): Promise<string> {
    const created = await send('POST', '/api/v1/offers', offerBody(extra));
    expect(created.statusCode, created.body).toBe(201);
    const offerId = created.json().id as string;
    for (const [action, payload] of [
      ['approve', undefined],
      ['arm', { units }],
      ['go-live', undefined],
    ] as const) {
      const response = await send('POST', `/api/v1/offers/${offerId}/${action}`, payload);
      expect(response.statusCode, response.body).toBe(200);
    }
    return offerId;
  }

  const publicView = async (offerId: string) =>
    (await context.app.inject({ url: `/api/v1/public/offers/${offerId}` })).json();

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
    const product = await send('POST', '/api/v1/products', {
      brandId: acme.brandId,
      title: 'Staged serum',
      skus: [{ code: 'STAGED-1', priceMinor: 2900, currency: 'EUR', stockOnHand: 500 }],
    });
    skuId = product.json().skus[0].id;
  });
  afterAll(() => context.close());

  it('shows the tightest stage the stock left reaches, with {left} filled in', async () => {
    const offerId = await liveWith(
      {
        urgencyStages: [
          { atOrBelow: 20, message: 'Only {left} left' },
          { atOrBelow: 50, message: 'Selling fast' },
        ],
        urgencyRule: { firstOrders: 100, bonus: 'a Silk Sleep Mask' },
      },
      60,
    );
    const bonus = 'First 100 orders get a Silk Sleep Mask';
    expect((await publicView(offerId)).messages).toEqual([bonus]);
    expect((await claim(context.app, offerId, 'a', { quantity: 10 })).statusCode).toBe(201);
    expect(await publicView(offerId)).toMatchObject({
      stockLeft: 50,
      messages: ['Selling fast', bonus],
    });
    expect((await claim(context.app, offerId, 'b', { quantity: 30 })).statusCode).toBe(201);
    expect((await publicView(offerId)).messages).toEqual(['Only 20 left', bonus]);
    expect((await claim(context.app, offerId, 'c', { quantity: 3 })).statusCode).toBe(201);
    expect((await publicView(offerId)).messages).toEqual(['Only 17 left', bonus]);

    // Shown on the offer page shoppers open from the stream.
    const page = await context.app.inject({ url: `/o/${offerId}` });
    expect(page.body).toContain('<li>Only 17 left</li>');
  });

  it('keeps "Only N left" at the low-stock threshold when the offer has no stages', async () => {
    const offerId = await liveWith({}, 8);
    expect((await publicView(offerId)).messages).toEqual([]);
    expect((await claim(context.app, offerId, 'a', { quantity: 3 })).statusCode).toBe(201);
    expect((await publicView(offerId)).messages).toEqual(['Only 5 left']);
  });

  it('stores stages tightest first, and edits them without voiding an approval', async () => {
    const created = await send(
      'POST',
      '/api/v1/offers',
      offerBody({
        urgencyStages: [
          { atOrBelow: 50, message: 'Selling fast' },
          { atOrBelow: 10, message: 'Last {left}!' },
        ],
      }),
    );
    const offer = created.json();
    expect(offer.urgencyStages).toEqual([
      { atOrBelow: 10, message: 'Last {left}!' },
      { atOrBelow: 50, message: 'Selling fast' },
    ]);
    expect((await send('POST', `/api/v1/offers/${offer.id}/approve`)).statusCode).toBe(200);
    const stages = [{ atOrBelow: 30, message: 'Going quickly' }];
    const edited = await send('PUT', `/api/v1/offers/${offer.id}`, {
      ...offerBody({ codes: offer.codes }),
      urgencyStages: stages,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    // Copy, like the low-stock threshold: the approved terms did not change.
    expect(edited.json()).toMatchObject({ status: 'approved', urgencyStages: stages });
  });

  it('names the field of bad stages and changes nothing', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        [
          { atOrBelow: 20, message: 'Hurry' },
          { atOrBelow: 20, message: 'Only {left} left' },
        ],
        /urgencyStages: .*already starts at 20/,
      ],
      [[{ atOrBelow: 0, message: 'Hurry' }], /urgencyStages\.0\.atOrBelow/],
      [[{ atOrBelow: 2.5, message: 'Hurry' }], /urgencyStages\.0\.atOrBelow/],
      [[{ atOrBelow: 5, message: '   ' }], /urgencyStages\.0\.message/],
      [[{ atOrBelow: 5, message: 'x'.repeat(121) }], /urgencyStages\.0\.message/],
      [[{ atOrBelow: 5, message: 'Only {count} left' }], /urgencyStages: .*\{count\}/],
      [
        Array.from({ length: 11 }, (_, index) => ({ atOrBelow: index + 1, message: 'Hurry' })),
        /urgencyStages/,
      ],
    ];
    const count = async () => (await send('GET', '/api/v1/offers')).json().items.length;
    const before = await count();
    for (const [urgencyStages, message] of cases) {
      const response = await send('POST', '/api/v1/offers', offerBody({ urgencyStages }));
      expect(response.statusCode, JSON.stringify(urgencyStages)).toBe(400);
      expect(response.json().error.message).toMatch(message);
    }
    expect(await count()).toBe(before);
  });
});
