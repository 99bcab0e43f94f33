import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import {
  addSignedInMember,
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  sessionCookieOf,
  type TestContext,
} from '../support/test-app.js';

describe('members, roles, invitations and API tokens', () => {
  const clock = new ManualClock('2026-11-22T09:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
  });

  afterAll(() => context.close());

  const asOwner = () => ({ cookie: acme.ownerCookie });

  describe('the permission table is enforced by the API', () => {
    it('refuses a host creating a brand, naming the permission', async () => {
      const host = await addSignedInMember(context, acme.organizationId, 'host@acme.test', 'host');
      const response = await context.app.inject({
        method: 'POST',
        url: '/api/v1/brands',
        headers: { cookie: host.cookie },
        payload: { name: 'Side Brand', currency: 'EUR' },
      });
      expect(response.statusCode).toBe(403);
      expect(response.json().error).toMatchObject({
        code: 'forbidden',
        details: { permission: 'brands.manage' },
      });
    });

    it('refuses a producer inviting people or creating tokens', async () => {
      const producer = await addSignedInMember(
        context,
        acme.organizationId,
        'producer@acme.test',
        'producer',
      );
      const invite = await context.app.inject({
        method: 'POST',
        url: '/api/v1/invitations',
        headers: { cookie: producer.cookie },
        payload: { email: 'x@acme.test', role: 'host' },
      });
      expect(invite.statusCode).toBe(403);
      const token = await context.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { cookie: producer.cookie },
        payload: { name: 'mine', role: 'owner' },
      });
      expect(token.statusCode).toBe(403);
    });

    it('lets an inventory lead add products but not a finance token', async () => {
      const lead = await addSignedInMember(
        context,
        acme.organizationId,
        'stock@acme.test',
        'inventory_lead',
      );
      const product = {
        brandId: acme.brandId,
        title: 'Lip Trio',
        skus: [
          {
            code: 'LIP-1',
            priceMinor: 3400,
            currency: 'eur',
            stockOnHand: 5,
            attributes: { colour: 'Rose' },
          },
        ],
      };
      const created = await context.app.inject({
        method: 'POST',
        url: '/api/v1/products',
        headers: { cookie: lead.cookie },
        payload: product,
      });
      expect(created.statusCode).toBe(201);
      expect(created.json().skus[0]).toMatchObject({
        code: 'LIP-1',
        currency: 'EUR',
        priceMinor: 3400,
      });
      const { token } = await context.services.tokens.issue(acme.organizationId, {
        name: 'finance export',
        role: 'finance',
        createdBy: null,
      });
      const refused = await context.app.inject({
        method: 'POST',
        url: '/api/v1/products',
        headers: { authorization: `Bearer ${token}` },
        payload: { ...product, skus: [{ ...product.skus[0], code: 'LIP-2' }] },
      });
      expect(refused.statusCode).toBe(403);
      const readable = await context.app.inject({
        url: '/api/v1/products',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(readable.statusCode).toBe(200);
    });

    it('lists every role with its permissions', async () => {
      const response = await context.app.inject({ url: '/api/v1/roles' });
      const roles = response.json().items.map((item: { role: string }) => item.role);
      expect(roles).toEqual([
        'owner',
        'social_ops',
        'producer',
        'host',
        'comms',
        'inventory_lead',
        'legal',
        'brand_approver',
        'finance',
        'agency',
      ]);
    });
  });

  describe('invitations', () => {
    async function invite(email: string, role: string) {
      const response = await context.app.inject({
        method: 'POST',
        url: '/api/v1/invitations',
        headers: asOwner(),
        payload: { email, role },
      });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      return {
        id: body.id as string,
        token: (body.acceptUrl as string).split('/invite/')[1] ?? '',
      };
    }

    it('lets an invited person set a password, join with the role and sign in', async () => {
      const { token } = await invite('legal@acme.test', 'legal');
      const preview = await context.app.inject({ url: `/api/v1/public/invitations/${token}` });
      expect(preview.json()).toMatchObject({
        email: 'legal@acme.test',
        role: 'legal',
        organizationName: 'Acme',
      });
      const accepted = await context.app.inject({
        method: 'POST',
        url: `/api/v1/public/invitations/${token}/accept`,
        payload: { name: 'Lea Legal', password: 'a long enough password' },
      });
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json()).toMatchObject({
        role: 'legal',
        activeOrganizationId: acme.organizationId,
      });
      expect(accepted.json().permissions).toContain('approvals.legal_signoff');
      const me = await context.app.inject({
        url: '/api/v1/me',
        headers: { cookie: sessionCookieOf(accepted) },
      });
      expect(me.json().user.name).toBe('Lea Legal');
      const members = await context.app.inject({ url: '/api/v1/members', headers: asOwner() });
      expect(members.json().items).toContainEqual(
        expect.objectContaining({ email: 'legal@acme.test', role: 'legal' }),
      );
    });

    it('works once only', async () => {
      const { token } = await invite('once@acme.test', 'comms');
      const payload = { name: 'Once', password: 'a long enough password' };
      const url = `/api/v1/public/invitations/${token}/accept`;
      expect((await context.app.inject({ method: 'POST', url, payload })).statusCode).toBe(200);
      expect((await context.app.inject({ method: 'POST', url, payload })).statusCode).toBe(404);
    });

    it('refuses a short password and creates nobody', async () => {
      const { token } = await invite('short@acme.test', 'comms');
      const response = await context.app.inject({
        method: 'POST',
        url: `/api/v1/public/invitations/${token}/accept`,
        payload: { name: 'Short', password: 'short' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.message).toContain('password');
      expect(await context.services.identity.findUserByEmail('short@acme.test')).toBeUndefined();
    });

    it('stops working when revoked or after seven days', async () => {
      const revoked = await invite('revoked@acme.test', 'host');
      await context.app.inject({
        method: 'DELETE',
        url: `/api/v1/invitations/${revoked.id}`,
        headers: asOwner(),
      });
      expect(
        (await context.app.inject({ url: `/api/v1/public/invitations/${revoked.token}` }))
          .statusCode,
      ).toBe(404);
      const stale = await invite('stale@acme.test', 'host');
      clock.advance(7 * 24 * 60 * 60 * 1000 + 1);
      expect(
        (await context.app.inject({ url: `/api/v1/public/invitations/${stale.token}` })).statusCode,
      ).toBe(404);
    });
  });

  describe('roles of members', () => {
    it('lets an owner change a role, and refuses to demote the last owner', async () => {
      const member = await addSignedInMember(context, acme.organizationId, 'ops@acme.test', 'host');
      const changed = await context.app.inject({
        method: 'PATCH',
        url: `/api/v1/members/${member.userId}`,
        headers: asOwner(),
        payload: { role: 'social_ops' },
      });
      expect(changed.json()).toMatchObject({ role: 'social_ops', email: 'ops@acme.test' });
      const me = await context.app.inject({
        url: '/api/v1/me',
        headers: { cookie: member.cookie },
      });
      expect(me.json().role).toBe('social_ops');
      const demote = await context.app.inject({
        method: 'PATCH',
        url: `/api/v1/members/${acme.ownerId}`,
        headers: asOwner(),
        payload: { role: 'host' },
      });
      expect(demote.statusCode).toBe(409);
    });

    it('takes access away at once when a member is removed', async () => {
      const member = await addSignedInMember(
        context,
        acme.organizationId,
        'gone@acme.test',
        'comms',
      );
      await context.app.inject({
        method: 'DELETE',
        url: `/api/v1/members/${member.userId}`,
        headers: asOwner(),
      });
      const response = await context.app.inject({
        url: '/api/v1/brands',
        headers: { cookie: member.cookie },
      });
      expect(response.statusCode).toBe(403);
    });
  });

  describe('API tokens', () => {
    it('shows the secret once, stores only a hash, works as a bearer token and stops when revoked', async () => {
      const created = await context.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: asOwner(),
        payload: { name: 'Segment sync', role: 'social_ops' },
      });
      expect(created.statusCode).toBe(201);
      const { id, token, prefix } = created.json();
      expect(token).toMatch(/^mdp_/);
      expect(token.startsWith(prefix)).toBe(true);

      const listed = await context.app.inject({ url: '/api/v1/tokens', headers: asOwner() });
      expect(JSON.stringify(listed.json())).not.toContain(token);
      const stored = await sql<{
        tokenHash: string;
      }>`select token_hash from api_tokens where id = ${id}`.execute(context.database.db);
      expect(stored.rows[0]?.tokenHash).toBeDefined();
      expect(stored.rows[0]?.tokenHash).not.toContain(token.slice(4));

      const authorization = `Bearer ${token}`;
      const brands = await context.app.inject({
        url: '/api/v1/brands',
        headers: { authorization },
      });
      expect(brands.statusCode).toBe(200);
      const used = await context.app.inject({ url: '/api/v1/tokens', headers: asOwner() });
      expect(used.json().items.find((t: { id: string }) => t.id === id).lastUsedAt).not.toBeNull();

      const revoked = await context.app.inject({
        method: 'DELETE',
        url: `/api/v1/tokens/${id}`,
        headers: asOwner(),
      });
      expect(revoked.statusCode).toBe(204);
      const after = await context.app.inject({ url: '/api/v1/brands', headers: { authorization } });
      expect(after.statusCode).toBe(401);
      expect(after.json().error.code).toBe('unauthenticated');
    });

    it('rejects a made-up token', async () => {
      const response = await context.app.inject({
        url: '/api/v1/brands',
        headers: { authorization: 'Bearer mdp_not-a-real-token' },
      });
      expect(response.statusCode).toBe(401);
    });
  });
});
