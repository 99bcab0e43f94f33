import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.js';
import { type DirectHandler, DirectRoutes } from './direct-routes.js';

/** Where Fastify would be: answers 299 so a test sees the direct route declined. */
function fastifyStandIn(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(299, { 'content-type': 'text/plain' });
  response.end('fastify');
}

describe('DirectRoutes', () => {
  let server: Server | undefined;
  const logged: Array<Record<string, unknown>> = [];

  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    logged.length = 0;
  });

  async function serve(
    handle: DirectHandler,
    afterAnswer?: () => void,
  ): Promise<{ routes: DirectRoutes; url: string }> {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const routes = new DirectRoutes(pino({ level: 'info' }, sink), {
      bodyLimit: 1024,
      afterAnswer,
    });
    routes.post(/^\/things\/([a-z]+)\/claims(?:\?|$)/, handle);
    const factory = routes.serverFactory();
    server = factory(fastifyStandIn, {}) as Server;
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return { routes, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  const post = (url: string, body: string, type = 'application/json') =>
    fetch(url, { method: 'POST', headers: { 'content-type': type }, body });

  it('answers a matching JSON POST with the captured params and the parsed body', async () => {
    const { routes, url } = await serve((request) => ({
      status: 201,
      body: JSON.stringify({ params: request.params, body: request.body }),
    }));
    const response = await post(`${url}/things/abc/claims?x=1`, '{"n":1}');
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ params: ['abc'], body: { n: 1 } });
    expect(routes.served).toBe(1);
  });

  it('runs afterAnswer once each answer is written, and not for what Fastify answers', async () => {
    const seen: string[] = [];
    let answered = 0;
    const { url } = await serve(
      (request) => {
        answered += 1;
        return { status: 201, body: JSON.stringify(request.params) };
      },
      () => seen.push(`after answer ${answered}`),
    );
    expect((await post(`${url}/things/abc/claims`, '{}')).status).toBe(201);
    expect((await post(`${url}/things/def/claims`, '{}')).status).toBe(201);
    expect((await fetch(`${url}/things/abc/claims`)).status).toBe(299);
    expect(seen).toEqual(['after answer 1', 'after answer 2']);
  });

  it('leaves to Fastify other methods, URLs, content types and bodies over its limit', async () => {
    const { routes, url } = await serve(() => ({ status: 201, body: '{}' }));
    const declined = [
      await fetch(`${url}/things/abc/claims`),
      await post(`${url}/things/ABC/claims`, '{}'),
      await post(`${url}/things/abc/claims/`, '{}'),
      await post(`${url}/things/abc/claims`, '{}', 'text/plain'),
      await post(`${url}/things/abc/claims`, '{}', 'application/jsonx'),
      await post(`${url}/things/abc/claims`, JSON.stringify({ big: 'x'.repeat(2000) })),
    ];
    expect(declined.map((response) => response.status)).toEqual([299, 299, 299, 299, 299, 299]);
    expect(routes.served).toBe(0);
  });

  it('answers a thrown fault with the API 500 body and logs it, a 4xx without a log', async () => {
    const { url } = await serve((request) => {
      if ((request.body as { fail?: string }).fail === 'fault') throw new Error('disk on fire');
      return Promise.reject(new AppError('rate_limited', 'Slow down', { retryAfterSeconds: 7 }));
    });
    const fault = await post(`${url}/things/abc/claims`, '{"fail":"fault"}');
    expect(fault.status).toBe(500);
    expect(await fault.json()).toEqual({
      error: { code: 'internal', message: 'Something went wrong on our side', details: {} },
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      msg: 'request failed',
      err: { message: 'disk on fire' },
      req: { method: 'POST', url: '/things/abc/claims' },
    });

    const limited = await post(`${url}/things/abc/claims`, '{"fail":"limit"}');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    const notJson = await post(`${url}/things/abc/claims`, '{"fail":');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: 'invalid' } });
    expect(logged).toHaveLength(1);
  });

  it('while draining, leaves new requests to Fastify and closes the connection of answers', async () => {
    let release: (() => void) | undefined;
    const { routes, url } = await serve(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ status: 201, body: '{}' });
        }),
    );
    const pending = post(`${url}/things/abc/claims`, '{}');
    await expect.poll(() => release).toBeDefined();
    routes.drain();
    release?.();
    const answered = await pending;
    expect(answered.status).toBe(201);
    expect(answered.headers.get('connection')).toBe('close');
    expect((await post(`${url}/things/abc/claims`, '{}')).status).toBe(299);
    expect(routes.served).toBe(1);
  });
});
