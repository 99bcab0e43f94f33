import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { claim, liveOffer } from '../support/drops.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

interface Answer {
  status: number;
  contentType: string | null;
  cacheControl: string | null;
  body: unknown;
}

interface Request {
  method?: 'GET' | 'POST';
  url: string;
  body?: string;
  headers?: Record<string, string>;
}

const json = { 'content-type': 'application/json' };

/**
 * The public claim is answered ahead of Fastify's pipeline over a real socket (the direct
 * route), while `inject` goes through Fastify's route: both must give every caller the same
 * answer, and the direct route must decline what it does not handle without reading it.
 */
describe('the claim route answered directly from node:http', () => {
  const clock = new ManualClock('2026-11-22T18:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;
  let origin: string;

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
    await context.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(context.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => context.close());

  const parse = (text: string) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };

  /** Over the socket; `direct` says whether the direct route answered it. */
  async function overSocket(request: Request): Promise<Answer & { direct: boolean }> {
    const before = context.app.directRoutes.served;
    const method = request.method ?? 'POST';
    const response = await fetch(`${origin}${request.url}`, {
      method,
      headers: request.headers ?? (method === 'GET' ? {} : json),
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    const body = parse(await response.text());
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      cacheControl: response.headers.get('cache-control'),
      body,
      direct: context.app.directRoutes.served > before,
    };
  }

  async function throughFastify(request: Request): Promise<Answer> {
    const method = request.method ?? 'POST';
    const response = await context.app.inject({
      method,
      url: request.url,
      headers: request.headers ?? (method === 'GET' ? {} : json),
      ...(request.body === undefined ? {} : { payload: request.body }),
    });
    return {
      status: response.statusCode,
      contentType: String(response.headers['content-type'] ?? '') || null,
      cacheControl: String(response.headers['cache-control'] ?? '') || null,
      body: parse(response.body),
    };
  }

  /** Sends the request both ways and expects the same answer; answers it. */
  async function sameBothWays(request: Request, direct: boolean): Promise<Answer> {
    const socket = await overSocket(request);
    const fastify = await throughFastify(request);
    expect(socket.direct).toBe(direct);
    expect({ ...socket, direct: undefined }).toEqual({ ...fastify, direct: undefined });
    return fastify;
  }

  const claimsOf = (offerId: string) => `/api/v1/public/offers/${offerId}/claims`;
  const body = (value: unknown) => JSON.stringify(value);

  it('gives a winner a hold, and a retry with the same key on either path the same hold', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const request = {
      url: claimsOf(offerId),
      body: body({ shopper: 'shopper-1', quantity: 2 }),
      headers: { ...json, 'idempotency-key': 'direct-1' },
    };
    const first = await overSocket(request);
    expect(first).toEqual({
      status: 201,
      contentType: 'application/json; charset=utf-8',
      cacheControl: null,
      body: { holdId: expect.any(String), expiresAt: '2026-11-22T18:10:00.000Z' },
      direct: true,
    });
    expect(await throughFastify(request)).toEqual({ ...first, direct: undefined });
    expect(await overSocket(request)).toEqual(first);

    const viaFastifyFirst = { ...request, headers: { ...json, 'idempotency-key': 'direct-2' } };
    const held = await throughFastify(viaFastifyFirst);
    expect(held.status).toBe(201);
    expect(await overSocket(viaFastifyFirst)).toEqual({ ...held, direct: true });

    const offer = await context.app.inject({ url: `/api/v1/public/offers/${offerId}` });
    expect(offer.json().stockLeft).toBe(1);
  });

  it('answers refusals the same way: sold out (with its fallback), limit reached, paused', async () => {
    const fallback = await liveOffer(context.app, acme, { units: 3 });
    const { offerId } = await liveOffer(context.app, acme, {
      units: 1,
      perBuyerLimit: 1,
      fallbackOfferId: fallback.offerId,
    });
    expect((await claim(context.app, offerId, 'early')).statusCode).toBe(201);
    const soldOut = await sameBothWays(
      { url: claimsOf(offerId), body: body({ shopper: 'late' }) },
      true,
    );
    expect(soldOut.body).toMatchObject({
      error: { code: 'sold_out', details: { offerId, fallbackOfferId: fallback.offerId } },
    });
    // A query string does not change the route (Fastify ignores it for this one).
    await sameBothWays(
      { url: `${claimsOf(offerId)}?utm=stream`, body: body({ shopper: 'x' }) },
      true,
    );

    const limited = await liveOffer(context.app, acme, { units: 5, perBuyerLimit: 1 });
    expect((await claim(context.app, limited.offerId, 'buyer')).statusCode).toBe(201);
    const limit = await sameBothWays(
      { url: claimsOf(limited.offerId), body: body({ shopper: 'buyer' }) },
      true,
    );
    expect(limit).toMatchObject({ status: 409, body: { error: { code: 'limit_reached' } } });

    await context.app.inject({
      method: 'POST',
      url: `/api/v1/offers/${limited.offerId}/pause`,
      headers: { cookie: acme.ownerCookie },
    });
    const paused = await sameBothWays(
      { url: claimsOf(limited.offerId), body: body({ shopper: 'someone' }) },
      true,
    );
    expect(paused).toMatchObject({ status: 409, body: { error: { code: 'paused' } } });
  });

  it('answers bad requests with the same 400 or 404, naming the field', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const url = claimsOf(offerId);
    const cases: Array<[Request, number, RegExp]> = [
      [{ url, body: '{"shopper":' }, 400, /not valid JSON/],
      [{ url, body: '' }, 400, /cannot be empty/],
      [{ url, body: '{"shopper":"a","__proto__":{"admin":true}}' }, 400, /not valid JSON/],
      [{ url, body: '{"shopper":"a","constructor":{"prototype":{}}}' }, 400, /not valid JSON/],
      [{ url, body: body({ quantity: 0 }) }, 400, /body\.shopper: .*body\.quantity: /],
      [{ url, body: body({ shopper: '   ' }) }, 400, /body\.shopper/],
      [{ url, body: body({ shopper: 'a', market: 'France' }) }, 400, /body\.market/],
      [{ url: claimsOf('not-a-uuid'), body: body({ shopper: 'a' }) }, 400, /params\.offerId/],
      [
        {
          url,
          body: body({ shopper: 'a' }),
          headers: { ...json, 'idempotency-key': 'k'.repeat(201) },
        },
        400,
        /headers\.idempotency-key/,
      ],
      [
        { url: claimsOf('00000000-0000-4000-8000-000000000000'), body: body({ shopper: 'a' }) },
        404,
        /was not found/,
      ],
    ];
    for (const [request, status, message] of cases) {
      const answer = await sameBothWays(request, true);
      expect(answer.status, request.body).toBe(status);
      expect((answer.body as { error: { message: string } }).error.message).toMatch(message);
    }
    // Nothing was claimed by any of them.
    const offer = await context.app.inject({ url: `/api/v1/public/offers/${offerId}` });
    expect(offer.json().stockLeft).toBe(5);
  });

  it("answers the offer's live state the same way, with and without a market", async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const url = `/api/v1/public/offers/${offerId}`;
    const live = await sameBothWays({ method: 'GET', url }, true);
    expect(live).toMatchObject({
      status: 200,
      cacheControl: 'no-store',
      body: { id: offerId, state: 'live', stockLeft: 5, startsAt: null, market: null },
    });
    await claim(context.app, offerId, 'shopper-1', { quantity: 2 });
    const after = await sameBothWays({ method: 'GET', url: `${url}?market=fr` }, true);
    expect(after.body).toMatchObject({ stockLeft: 3, market: null });

    const cases: Array<[Request, number, boolean]> = [
      [{ method: 'GET', url: `${url}?market=France` }, 400, true],
      [{ method: 'GET', url: `${url}?market=` }, 400, true],
      [{ method: 'GET', url: '/api/v1/public/offers/not-a-uuid' }, 400, true],
      [
        { method: 'GET', url: '/api/v1/public/offers/00000000-0000-4000-8000-000000000000' },
        404,
        true,
      ],
      [{ method: 'GET', url: `${url}?market=fr&market=de` }, 400, false],
      [{ method: 'GET', url: `${url}?utm=stream` }, 200, false],
      [{ method: 'GET', url: `${url}/` }, 404, false],
    ];
    for (const [request, status, direct] of cases) {
      expect((await sameBothWays(request, direct)).status, request.url).toBe(status);
    }
  });

  it('leaves to Fastify what it does not handle, with Fastify answering it', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const url = claimsOf(offerId);
    const plain = await sameBothWays(
      { url, body: body({ shopper: 'a' }), headers: { 'content-type': 'text/plain' } },
      false,
    );
    expect(plain.status).toBe(400);
    const xml = await sameBothWays(
      { url, body: '<shopper/>', headers: { 'content-type': 'application/xml' } },
      false,
    );
    expect(xml.status).toBe(415);
    expect(
      (await sameBothWays({ url: `${url}/`, body: body({ shopper: 'a' }) }, false)).status,
    ).toBe(404);
    const big = body({ shopper: 'a', source: 'x'.repeat(20_000) });
    expect((await sameBothWays({ url, body: big }, false)).status).toBe(400);
    const encoded = url.replace(offerId, encodeURIComponent(offerId).replace('-', '%2D'));
    const headers = { ...json, 'idempotency-key': 'encoded-id' };
    const decoded = await sameBothWays(
      { url: encoded, body: body({ shopper: 'a' }), headers },
      false,
    );
    expect(decoded.status).toBe(201);

    // While the server drains, Fastify answers (and, as it closes, refuses with 503).
    context.app.directRoutes.drain();
    const late = await overSocket({ url, body: body({ shopper: 'b' }) });
    expect([late.status, late.direct]).toEqual([201, false]);
  });
});
