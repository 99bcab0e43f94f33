import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

/**
 * A user or token of one organisation gets 404 for the other organisation's records, for
 * reads and for writes, and the writes change nothing.
 */
describe('tenant isolation', () => {
  let context: TestContext;
  let acme: SeededOrganization;
  let globex: SeededOrganization;
  let acmeToken: string;
  let globexTokenId: string;
  let globexInvitationId: string;

  beforeAll(async () => {
    context = await createTestContext();
    acme = await seedOrganization(context, 'Acme');
    globex = await seedOrganization(context, 'Globex');
    const acmeIssued = await context.services.tokens.issue(acme.organizationId, {
      name: 'acme integration',
      role: 'owner',
      createdBy: null,
    });
    acmeToken = acmeIssued.token;
    const globexIssued = await context.services.tokens.issue(globex.organizationId, {
      name: 'globex integration',
      role: 'owner',
      createdBy: null,
    });
    globexTokenId = globexIssued.apiToken.id;
    const invite = await context.app.inject({
      method: 'POST',
      url: '/api/v1/invitations',
      headers: { cookie: globex.ownerCookie },
      payload: { email: 'new@globex.test', role: 'host' },
    });
    globexInvitationId = invite.json().id;
  });

  afterAll(() => context.close());

  const callers = [
    { name: 'a signed-in owner', headers: () => ({ cookie: acme.ownerCookie }) },
    { name: 'an owner-role API token', headers: () => ({ authorization: `Bearer ${acmeToken}` }) },
  ];

  describe.each(callers)('as $name of another organisation', ({ headers }) => {
    const requests = () => [
      { method: 'GET' as const, url: `/api/v1/brands/${globex.brandId}` },
      {
        method: 'PATCH' as const,
        url: `/api/v1/brands/${globex.brandId}`,
        payload: { name: 'Hijacked' },
      },
      { method: 'GET' as const, url: `/api/v1/products/${globex.productId}` },
      {
        method: 'PATCH' as const,
        url: `/api/v1/products/${globex.productId}`,
        payload: { title: 'Hijacked' },
      },
      {
        method: 'PATCH' as const,
        url: `/api/v1/members/${globex.ownerId}`,
        payload: { role: 'host' },
      },
      { method: 'DELETE' as const, url: `/api/v1/members/${globex.ownerId}` },
      { method: 'DELETE' as const, url: `/api/v1/tokens/${globexTokenId}` },
      { method: 'DELETE' as const, url: `/api/v1/invitations/${globexInvitationId}` },
    ];

    it('gets 404 with the error shape for every read and write of the other records', async () => {
      for (const request of requests()) {
        const response = await context.app.inject({ ...request, headers: headers() });
        expect(response.statusCode, `${request.method} ${request.url}`).toBe(404);
        expect(response.json().error.code).toBe('not_found');
      }
    });

    it('never lists the other organisation’s brands or products', async () => {
      const brands = await context.app.inject({ url: '/api/v1/brands', headers: headers() });
      expect(brands.json().items.map((b: { id: string }) => b.id)).toEqual([acme.brandId]);
      const products = await context.app.inject({
        url: `/api/v1/products?brandId=${globex.brandId}`,
        headers: headers(),
      });
      expect(products.json().items).toEqual([]);
    });

    it('cannot create a product under the other organisation’s brand', async () => {
      const response = await context.app.inject({
        method: 'POST',
        url: '/api/v1/products',
        headers: headers(),
        payload: {
          brandId: globex.brandId,
          title: 'Smuggled',
          skus: [{ code: `smuggled-${Math.random()}`, priceMinor: 100, currency: 'EUR' }],
        },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details.field).toBe('brandId');
    });
  });

  it('left the other organisation’s records exactly as they were', async () => {
    const brand = await context.app.inject({
      url: `/api/v1/brands/${globex.brandId}`,
      headers: { cookie: globex.ownerCookie },
    });
    expect(brand.json().name).toBe('Globex Brand');
    const product = await context.app.inject({
      url: `/api/v1/products/${globex.productId}`,
      headers: { cookie: globex.ownerCookie },
    });
    expect(product.json().title).toBe('Globex Serum');
    const members = await context.app.inject({
      url: '/api/v1/members',
      headers: { cookie: globex.ownerCookie },
    });
    expect(members.json().items).toEqual([
      expect.objectContaining({ userId: globex.ownerId, role: 'owner' }),
    ]);
    const tokens = await context.app.inject({
      url: '/api/v1/tokens',
      headers: { cookie: globex.ownerCookie },
    });
    expect(tokens.json().items[0].revokedAt).toBeNull();
    const invitations = await context.app.inject({
      url: '/api/v1/invitations',
      headers: { cookie: globex.ownerCookie },
    });
    expect(invitations.json().items[0].revokedAt).toBeNull();
  });

  it('refuses to switch a session into an organisation the user does not belong to', async () => {
    const response = await context.app.inject({
      method: 'PUT',
      url: '/api/v1/me/context',
      headers: { cookie: acme.ownerCookie },
      payload: { organizationId: globex.organizationId, brandId: null },
    });
    expect(response.statusCode).toBe(404);
  });

  it('refuses a brand of another organisation as the active brand', async () => {
    const response = await context.app.inject({
      method: 'PUT',
      url: '/api/v1/me/context',
      headers: { cookie: acme.ownerCookie },
      payload: { organizationId: acme.organizationId, brandId: globex.brandId },
    });
    expect(response.statusCode).toBe(404);
  });
});
