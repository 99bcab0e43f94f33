import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { liveOffer, payWith } from '../support/drops.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

/**
 * What an offer points at (its fallback bundle, its substitute SKUs) must be its own
 * organisation's and brand's, and a claim's offer code counts as attribution only when it is
 * one of the offer's codes.
 */
describe('references an offer makes', () => {
  const clock = new ManualClock('2026-11-22T18:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;
  let globex: SeededOrganization;
  let acmeSkuId: string;
  let acmeSpareSkuId: string;
  let otherBrandSkuId: string;
  let otherBrandOfferId: string;
  let globexSkuId: string;
  let globexOfferId: string;

  const send = (
    org: SeededOrganization,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: object,
  ) =>
    context.app.inject({
      method,
      url,
      headers: { cookie: org.ownerCookie },
      ...(payload ? { payload } : {}),
    });

  async function createSkus(org: SeededOrganization, brandId: string, count: number) {
    const product = await send(org, 'POST', '/api/v1/products', {
      brandId,
      title: `Item ${Math.random()}`,
      skus: Array.from({ length: count }, (_, index) => ({
        code: `REF-${Math.random().toString(36).slice(2)}-${index}`,
        priceMinor: 2900,
        currency: 'EUR',
        stockOnHand: 50,
      })),
    });
    expect(product.statusCode).toBe(201);
    return (product.json().skus as Array<{ id: string }>).map((sku) => sku.id);
  }

  const offerBody = (brandId: string, skuId: string, extra: object = {}) => ({
    brandId,
    title: 'Serum drop',
    kind: 'single_sku',
    components: [{ skuId, quantity: 1 }],
    priceMinor: 1900,
    currency: 'EUR',
    codes: [`C${Math.random().toString(36).slice(2, 10)}`],
    ...extra,
  });

  async function createOffer(org: SeededOrganization, body: object): Promise<string> {
    const created = await send(org, 'POST', '/api/v1/offers', body);
    expect(created.statusCode, created.body).toBe(201);
    return created.json().id;
  }

  const offerCount = async () =>
    (await send(acme, 'GET', '/api/v1/offers')).json().items.length as number;

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
    globex = await seedOrganization(context, 'Globex');
    [acmeSkuId = '', acmeSpareSkuId = ''] = await createSkus(acme, acme.brandId, 2);
    const brand = await send(acme, 'POST', '/api/v1/brands', {
      name: 'Acme Outdoor',
      currency: 'EUR',
      timezone: 'UTC',
    });
    expect(brand.statusCode).toBe(201);
    [otherBrandSkuId = ''] = await createSkus(acme, brand.json().id, 1);
    otherBrandOfferId = await createOffer(acme, offerBody(brand.json().id, otherBrandSkuId));
    [globexSkuId = ''] = await createSkus(globex, globex.brandId, 1);
    globexOfferId = await createOffer(globex, offerBody(globex.brandId, globexSkuId));
  });
  afterAll(() => context.close());

  describe('the fallback bundle', () => {
    it("refuses another organisation's offer, one that does not exist, and another brand's, changing nothing", async () => {
      const before = await offerCount();
      const cases: Array<[string, RegExp]> = [
        [globexOfferId, /fallbackOfferId: no offer .* in this organisation/],
        ['00000000-0000-4000-8000-000000000000', /fallbackOfferId: no offer/],
        [otherBrandOfferId, /fallbackOfferId: .* belongs to another brand/],
      ];
      for (const [fallbackOfferId, message] of cases) {
        const response = await send(
          acme,
          'POST',
          '/api/v1/offers',
          offerBody(acme.brandId, acmeSkuId, { fallbackOfferId }),
        );
        expect(response.statusCode, fallbackOfferId).toBe(400);
        expect(response.json().error.message).toMatch(message);
        expect(response.json().error.details.issues).toContainEqual(
          expect.objectContaining({ field: 'body.fallbackOfferId' }),
        );
      }
      // Another organisation's offer is answered as if it did not exist.
      expect(
        (
          await send(
            acme,
            'POST',
            '/api/v1/offers',
            offerBody(acme.brandId, acmeSkuId, { fallbackOfferId: globexOfferId }),
          )
        ).json().error.message,
      ).toBe(
        (
          await send(
            acme,
            'POST',
            '/api/v1/offers',
            offerBody(acme.brandId, acmeSkuId, {
              fallbackOfferId: '00000000-0000-4000-8000-000000000000',
            }),
          )
        )
          .json()
          .error.message.replace('00000000-0000-4000-8000-000000000000', globexOfferId),
      );
      expect(await offerCount()).toBe(before);
    });

    it('refuses an offer as its own fallback and two offers falling back to each other', async () => {
      const first = await createOffer(acme, offerBody(acme.brandId, acmeSkuId));
      const secondBody = offerBody(acme.brandId, acmeSkuId, { fallbackOfferId: first });
      const second = await createOffer(acme, secondBody);
      expect((await send(acme, 'GET', `/api/v1/offers/${second}`)).json().fallbackOfferId).toBe(
        first,
      );

      const firstBody = offerBody(acme.brandId, acmeSkuId, { title: 'Renamed' });
      const itself = await send(acme, 'PUT', `/api/v1/offers/${first}`, {
        ...firstBody,
        fallbackOfferId: first,
      });
      expect(itself.statusCode).toBe(400);
      expect(itself.json().error.message).toMatch(/fallbackOfferId: .*its own fallback/);
      const cycle = await send(acme, 'PUT', `/api/v1/offers/${first}`, {
        ...firstBody,
        fallbackOfferId: second,
      });
      expect(cycle.statusCode).toBe(400);
      expect(cycle.json().error.message).toMatch(/fallbackOfferId: .*falls back to this offer/);
      // Neither changed the offer.
      expect((await send(acme, 'GET', `/api/v1/offers/${first}`)).json()).toMatchObject({
        title: 'Serum drop',
        fallbackOfferId: null,
      });
    });
  });

  describe('SKU substitutions', () => {
    it('refuses a substitute of another organisation, another brand, or none, and a rule for a SKU the offer lacks', async () => {
      const before = await offerCount();
      const cases: Array<[object, RegExp]> = [
        [
          { skuId: acmeSkuId, substituteSkuId: globexSkuId },
          /substitutions: no SKU .* in this organisation/,
        ],
        [
          { skuId: acmeSkuId, substituteSkuId: '00000000-0000-4000-8000-000000000000' },
          /substitutions: no SKU/,
        ],
        [
          { skuId: acmeSkuId, substituteSkuId: otherBrandSkuId },
          /substitutions: substitute SKU .* belongs to another brand/,
        ],
        [
          { skuId: acmeSpareSkuId, substituteSkuId: acmeSkuId },
          /substitutions: .* is not one of the offer's components/,
        ],
        [{ skuId: acmeSkuId, substituteSkuId: acmeSkuId }, /substitutions: .*for itself/],
      ];
      for (const [rule, message] of cases) {
        const response = await send(
          acme,
          'POST',
          '/api/v1/offers',
          offerBody(acme.brandId, acmeSkuId, { substitutions: [rule] }),
        );
        expect(response.statusCode, JSON.stringify(rule)).toBe(400);
        expect(response.json().error.message).toMatch(message);
        expect(response.json().error.details.issues).toContainEqual(
          expect.objectContaining({ field: 'body.substitutions' }),
        );
      }
      expect(await offerCount()).toBe(before);
    });

    it("keeps a substitute of the offer's own brand", async () => {
      const rule = { skuId: acmeSkuId, substituteSkuId: acmeSpareSkuId };
      const id = await createOffer(
        acme,
        offerBody(acme.brandId, acmeSkuId, { substitutions: [rule] }),
      );
      expect((await send(acme, 'GET', `/api/v1/offers/${id}`)).json().substitutions).toEqual([
        rule,
      ]);
    });
  });

  describe('offer codes on claims', () => {
    let origin: string;

    beforeAll(async () => {
      await context.app.listen({ port: 0, host: '127.0.0.1' });
      origin = `http://127.0.0.1:${(context.app.server.address() as AddressInfo).port}`;
    });

    /** Claims over a socket (answered by the direct route) or through Fastify's pipeline. */
    async function claimWith(offerId: string, body: object, direct: boolean) {
      const url = `/api/v1/public/offers/${offerId}/claims`;
      if (direct) {
        const response = await fetch(`${origin}${url}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: response.status, body: await response.json() };
      }
      const response = await context.app.inject({ method: 'POST', url, payload: body });
      return { status: response.statusCode, body: response.json() };
    }

    async function orderOf(holdId: string) {
      const paid = await context.app.inject({
        method: 'POST',
        url: `/api/v1/public/holds/${holdId}/checkout`,
        payload: payWith('pm_card_visa'),
      });
      expect(paid.statusCode, paid.body).toBe(201);
      return (await send(acme, 'GET', `/api/v1/orders/${paid.json().orderId}`)).json();
    }

    for (const direct of [true, false]) {
      const path = direct ? 'the direct route' : "Fastify's route";
      it(`sells on an unknown code without attributing it, and attributes the offer's own code (${path})`, async () => {
        const code = direct ? 'GLOWDIRECT' : 'GLOWFASTIFY';
        const { offerId } = await liveOffer(context.app, acme, { units: 5, code });
        const known = await claimWith(
          offerId,
          { shopper: 'ana', offerCode: code, source: 'tiktok_live' },
          direct,
        );
        expect(known.status).toBe(201);
        expect(await orderOf(known.body.holdId)).toMatchObject({
          offerCode: code,
          trafficSource: 'tiktok_live',
        });

        // Another offer's code, or a typo: the sale goes through, the code is not recorded.
        for (const offerCode of [`${code}2`, code.toLowerCase(), 'CNOTHERS']) {
          const unknown = await claimWith(
            offerId,
            { shopper: `ben-${offerCode}`, offerCode, source: 'tiktok_live' },
            direct,
          );
          expect(unknown.status, offerCode).toBe(201);
          expect(await orderOf(unknown.body.holdId)).toMatchObject({
            offerCode: null,
            trafficSource: 'tiktok_live',
          });
        }
      });
    }
  });
});
