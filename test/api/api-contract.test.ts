import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
  testPassword,
} from '../support/test-app.js';

describe('the API contract', () => {
  const logLines: string[] = [];
  let context: TestContext;
  let acme: SeededOrganization;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    context = await createTestContext({ logger: createLogger('info', sink) });
    acme = await seedOrganization(context, 'Acme');
  });

  afterAll(() => context.close());

  it('documents itself as OpenAPI 3.1 with every route and both ways to authenticate', async () => {
    const response = await context.app.inject({ url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/me',
      '/api/v1/brands',
      '/api/v1/brands/{id}',
      '/api/v1/products',
      '/api/v1/members/{userId}',
      '/api/v1/invitations',
      '/api/v1/tokens/{id}',
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    expect(Object.keys(document.components.securitySchemes)).toEqual(['session', 'bearer']);
    const createBrand = document.paths['/api/v1/brands'].post;
    expect(createBrand.requestBody.content['application/json'].schema.required).toContain(
      'currency',
    );
  });

  it('serves a readable API reference page', async () => {
    const response = await context.app.inject({ url: '/api/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });

  it('answers unknown API paths with a JSON 404 in the error shape', async () => {
    const response = await context.app.inject({ url: '/api/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'not_found', message: 'No route GET /api/v1/nothing-here', details: {} },
    });
  });

  it('rejects bad input naming each field and the problem, and changes nothing', async () => {
    const headers = { cookie: acme.ownerCookie };
    const response = await context.app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers,
      payload: {
        brandId: acme.brandId,
        title: 'Half made',
        skus: [{ code: 'HALF-1', priceMinor: 12.5, currency: 'EURO' }],
      },
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('invalid');
    expect(error.details.issues).toEqual(
      expect.arrayContaining([
        { field: 'body.skus.0.priceMinor', message: 'must be whole minor units' },
        { field: 'body.skus.0.currency', message: 'must be a 3-letter ISO 4217 code such as EUR' },
      ]),
    );
    const products = await context.app.inject({ url: '/api/v1/products', headers });
    expect(products.json().items.map((p: { title: string }) => p.title)).not.toContain('Half made');
  });

  it('rejects a malformed JSON body with 400 in the error shape', async () => {
    const response = await context.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid');
  });

  it('reports liveness and database readiness', async () => {
    expect((await context.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await context.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('never writes passwords, cookies or tokens to the logs', async () => {
    const { token } = await context.services.tokens.issue(acme.organizationId, {
      name: 'log probe',
      role: 'owner',
      createdBy: null,
    });
    await context.app.inject({
      url: '/api/v1/brands',
      headers: { authorization: `Bearer ${token}` },
    });
    const login = await context.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: acme.ownerEmail, password: testPassword },
    });
    const sessionToken = login.cookies[0]?.value ?? 'missing';
    await context.app.inject({
      url: '/api/v1/me',
      headers: { cookie: `mydrop_session=${sessionToken}` },
    });
    const logs = logLines.join('');
    expect(logs).toContain('/api/v1/me');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(sessionToken);
    expect(logs).not.toContain(testPassword);
  });
});

describe('readiness without a database', () => {
  it('answers 503 when the database does not answer', async () => {
    const context = await createTestContext();
    await context.database.close();
    const response = await context.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('unavailable');
    await context.app.close();
  });
});
