import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
  testPassword,
} from '../support/test-app.js';

function login(
  context: TestContext,
  email: string,
  password: string,
  ip = '203.0.113.7',
  headers = {},
) {
  return context.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: ip,
    headers,
  });
}

describe('signing in', () => {
  const clock = new ManualClock('2026-11-22T09:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;

  beforeAll(async () => {
    context = await createTestContext({ clock, trustProxy: true });
    acme = await seedOrganization(context, 'Acme');
  });

  afterAll(() => context.close());

  it('sets an HttpOnly, SameSite session cookie and answers who is signed in', async () => {
    const response = await login(context, acme.ownerEmail, testPassword);
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'mydrop_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.secure).toBeFalsy();
    expect(response.json()).toMatchObject({
      user: { email: acme.ownerEmail },
      activeOrganizationId: acme.organizationId,
      role: 'owner',
    });
    expect(response.json().permissions).toContain('members.manage');
  });

  it('marks the cookie Secure behind TLS', async () => {
    const response = await login(context, acme.ownerEmail, testPassword, '203.0.113.8', {
      'x-forwarded-proto': 'https',
    });
    expect(response.cookies.find((c) => c.name === 'mydrop_session')?.secure).toBe(true);
  });

  it('accepts the e-mail in any letter case', async () => {
    const response = await login(context, acme.ownerEmail.toUpperCase(), testPassword);
    expect(response.statusCode).toBe(200);
  });

  it('answers a wrong password with 401 in the error shape, and sets no cookie', async () => {
    const response = await login(context, acme.ownerEmail, 'not the password', '198.51.100.1');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error: { code: 'invalid_credentials', message: 'Email or password is wrong', details: {} },
    });
    expect(response.cookies).toHaveLength(0);
  });

  it('gives an unknown e-mail the same answer as a wrong password', async () => {
    const response = await login(context, 'nobody@acme.test', 'whatever', '198.51.100.2');
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('invalid_credentials');
  });

  it('names the field when the e-mail is malformed', async () => {
    const response = await login(context, 'not-an-email', 'x');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.issues[0].field).toBe('body.email');
  });

  it('locks an account after five failures, even with the right password, until the window passes', async () => {
    const email = 'target@acme.test';
    await context.services.identity.createUser({ email, name: 'Target', password: testPassword });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = await login(context, email, 'guess', `192.0.2.${attempt}`);
      expect(response.statusCode).toBe(401);
    }
    const locked = await login(context, email, testPassword, '192.0.2.99');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    clock.advance(15 * 60 * 1000);
    expect((await login(context, email, testPassword, '192.0.2.99')).statusCode).toBe(200);
  });

  it('limits one address guessing across many accounts', async () => {
    const address = '192.0.2.200';
    for (let attempt = 0; attempt < 30; attempt += 1) {
      await login(context, `spray-${attempt}@acme.test`, 'guess', address);
    }
    const blocked = await login(context, acme.ownerEmail, testPassword, address);
    expect(blocked.statusCode).toBe(429);
    expect((await login(context, acme.ownerEmail, testPassword, '192.0.2.201')).statusCode).toBe(
      200,
    );
  });

  it('ends the session on sign-out', async () => {
    const response = await login(context, acme.ownerEmail, testPassword, '203.0.113.50');
    const cookie = `mydrop_session=${response.cookies[0]?.value}`;
    expect((await context.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(
      200,
    );
    const out = await context.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie },
    });
    expect(out.statusCode).toBe(204);
    const after = await context.app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthenticated');
  });

  it('expires a session that is not used for two weeks', async () => {
    const response = await login(context, acme.ownerEmail, testPassword, '203.0.113.51');
    const cookie = `mydrop_session=${response.cookies[0]?.value}`;
    clock.advance(15 * 24 * 60 * 60 * 1000);
    expect((await context.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
  });

  it('keeps the chosen organisation and brand in the session', async () => {
    const cookie = (await login(context, acme.ownerEmail, testPassword, '203.0.113.52')).cookies[0]
      ?.value;
    const headers = { cookie: `mydrop_session=${cookie}` };
    const switched = await context.app.inject({
      method: 'PUT',
      url: '/api/v1/me/context',
      headers,
      payload: { organizationId: acme.organizationId, brandId: acme.brandId },
    });
    expect(switched.statusCode).toBe(200);
    const me = await context.app.inject({ url: '/api/v1/me', headers });
    expect(me.json()).toMatchObject({
      activeOrganizationId: acme.organizationId,
      activeBrandId: acme.brandId,
    });
  });
});
