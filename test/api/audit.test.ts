import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { hashEntry } from '../../src/modules/audit/index.js';
import { claim, liveOffer, payWith } from '../support/drops.js';
import {
  addSignedInMember,
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

interface Entry {
  id: string;
  sequence: number;
  occurredAt: string;
  actor: { kind: string; id: string | null; role: string | null; name: string | null };
  action: string;
  subjectType: string;
  subjectId: string;
  reason: string | null;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

describe('the tamper-evident audit trail', () => {
  const clock = new ManualClock('2026-11-22T09:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;
  let globex: SeededOrganization;
  let producer: { userId: string; cookie: string };
  let liveOfferId: string;
  let draftOfferId: string;
  const asOwner = () => ({ cookie: acme.ownerCookie });

  async function entries(query = '', headers = asOwner()): Promise<Entry[]> {
    const response = await context.app.inject({ url: `/api/v1/audit/entries${query}`, headers });
    expect(response.statusCode).toBe(200);
    return response.json().items;
  }

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
    globex = await seedOrganization(context, 'Globex');
    producer = await addSignedInMember(context, acme.organizationId, 'pat@acme.test', 'producer');
    clock.advance(60_000);

    // Role change by the owner: the producer also gets to pull the kill switch on offers.
    const promoted = await context.app.inject({
      method: 'PATCH',
      url: `/api/v1/members/${producer.userId}`,
      headers: asOwner(),
      payload: { role: 'social_ops' },
    });
    expect(promoted.statusCode).toBe(200);
    clock.advance(60_000);

    ({ offerId: liveOfferId } = await liveOffer(context.app, acme, { units: 3 }));
    clock.advance(60_000);

    // Kill switch, pulled by the (now social ops) member.
    const paused = await context.app.inject({
      method: 'POST',
      url: `/api/v1/offers/${liveOfferId}/pause`,
      headers: { cookie: producer.cookie },
      payload: { reason: 'Checkout link answers 500' },
    });
    expect(paused.statusCode).toBe(200);
    clock.advance(60_000);

    // Price change of an approved offer: it goes back to draft.
    const current = await context.app.inject({
      url: `/api/v1/offers/${liveOfferId}`,
      headers: asOwner(),
    });
    const { components, codes, title, kind, currency } = current.json();
    const draft = await context.app.inject({
      method: 'POST',
      url: '/api/v1/offers',
      headers: asOwner(),
      payload: {
        brandId: acme.brandId,
        title,
        kind,
        components,
        currency,
        priceMinor: 2500,
        codes: [`${codes[0]}B`],
      },
    });
    draftOfferId = draft.json().id;
    await context.app.inject({
      method: 'POST',
      url: `/api/v1/offers/${draftOfferId}/approve`,
      headers: asOwner(),
    });
    const repriced = await context.app.inject({
      method: 'PUT',
      url: `/api/v1/offers/${draftOfferId}`,
      headers: asOwner(),
      payload: {
        brandId: acme.brandId,
        title,
        kind,
        components,
        currency,
        priceMinor: 1999,
        codes: [`${codes[0]}B`],
      },
    });
    expect(repriced.json().status).toBe('draft');
  });

  afterAll(() => context.close());

  it('records role changes, the kill switch and price changes with who did them', async () => {
    const items = await entries();
    const byAction = (action: string) => items.filter((entry) => entry.action === action);

    expect(byAction('member.role_changed')).toEqual([
      expect.objectContaining({
        subjectType: 'member',
        subjectId: producer.userId,
        actor: { kind: 'user', id: acme.ownerId, role: 'owner', name: 'Acme Owner' },
        data: { before: 'producer', after: 'social_ops' },
      }),
    ]);
    expect(byAction('offer.paused')).toEqual([
      expect.objectContaining({
        subjectId: liveOfferId,
        actor: { kind: 'user', id: producer.userId, role: 'social_ops', name: 'pat@acme.test' },
        data: { from: 'live', to: 'paused' },
        reason: 'Checkout link answers 500',
        occurredAt: '2026-11-22T09:03:00.000Z',
      }),
    ]);
    const [termsChanged] = byAction('offer.terms_changed');
    expect(termsChanged).toMatchObject({
      subjectId: draftOfferId,
      data: {
        before: { priceMinor: 2500, currency: 'EUR' },
        after: { priceMinor: 1999, currency: 'EUR' },
        approvalVoided: true,
      },
    });
    const data = termsChanged?.data as {
      before: { termsHash: string };
      after: { termsHash: string };
    };
    expect(data.before.termsHash).not.toBe(data.after.termsHash);
    expect(
      byAction('offer.approved')
        .map((entry) => entry.subjectId)
        .sort(),
    ).toEqual([liveOfferId, draftOfferId].sort());
    expect(byAction('offer.went_live')).toEqual([
      expect.objectContaining({ subjectId: liveOfferId, data: { from: 'armed', to: 'live' } }),
    ]);
    // Joining without an acting member (sign-up, invitation, CLI) is the system's doing.
    expect(byAction('member.added')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          subjectId: producer.userId,
          actor: { kind: 'system', id: null, role: null, name: null },
          data: { role: 'producer' },
        }),
      ]),
    );
  });

  it('chains every entry to the one before, newest first, without gaps', async () => {
    const items = await entries();
    const sequences = items.map((entry) => entry.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => b - a));
    expect(sequences.at(-1)).toBe(1);
    expect(new Set(sequences).size).toBe(sequences[0]);
    for (const [index, entry] of items.entries()) {
      const older = items[index + 1];
      expect(entry.prevHash).toBe(older ? older.hash : '0'.repeat(64));
    }
  });

  it('filters by action and subject, and pages with a cursor', async () => {
    expect((await entries('?action=offer.paused')).map((entry) => entry.subjectId)).toEqual([
      liveOfferId,
    ]);
    const offerHistory = await entries(`?subjectType=offer&subjectId=${liveOfferId}`);
    expect(offerHistory.map((entry) => entry.action)).toEqual([
      'offer.paused',
      'offer.went_live',
      'offer.approved',
    ]);
    const first = await context.app.inject({
      url: '/api/v1/audit/entries?limit=2',
      headers: asOwner(),
    });
    const { items, nextCursor, timezone } = first.json();
    expect(timezone).toBe('UTC');
    expect(items).toHaveLength(2);
    const second = await entries(`?limit=2&cursor=${nextCursor}`);
    expect(second[0]?.sequence).toBe(items[1].sequence - 1);
    const before = await entries(`?to=2026-11-22T09:01:00Z`);
    expect(before.every((entry) => entry.occurredAt < '2026-11-22T09:01:00.000Z')).toBe(true);
  });

  it('refuses bad filters with a message naming the field', async () => {
    const badDate = await context.app.inject({
      url: '/api/v1/audit/entries?from=yesterday',
      headers: asOwner(),
    });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().error.message).toContain('from');
    const backwards = await context.app.inject({
      url: '/api/v1/audit/entries?from=2026-11-23T00:00:00Z&to=2026-11-22T00:00:00Z',
      headers: asOwner(),
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.details).toMatchObject({ field: 'to' });
    const badFormat = await context.app.inject({
      url: '/api/v1/audit/export?format=xml',
      headers: asOwner(),
    });
    expect(badFormat.statusCode).toBe(400);
    expect(badFormat.json().error.message).toContain('format');
  });

  it('is closed to members without audit.read', async () => {
    const host = await addSignedInMember(context, acme.organizationId, 'host@acme.test', 'host');
    for (const url of ['/api/v1/audit/entries', '/api/v1/audit/verify', '/api/v1/audit/export']) {
      const response = await context.app.inject({ url, headers: { cookie: host.cookie } });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.details).toMatchObject({ permission: 'audit.read' });
    }
    const finance = await addSignedInMember(
      context,
      acme.organizationId,
      'fin@acme.test',
      'finance',
    );
    expect((await entries('', { cookie: finance.cookie })).length).toBeGreaterThan(0);
  });

  it("shows another organisation none of Acme's entries", async () => {
    const acmeIds = new Set((await entries('?limit=200')).map((entry) => entry.id));
    const theirs = await entries('?limit=200', { cookie: globex.ownerCookie });
    expect(theirs.some((entry) => acmeIds.has(entry.id))).toBe(false);
    expect(theirs.every((entry) => entry.subjectId !== liveOfferId)).toBe(true);
    const filtered = await entries(`?subjectId=${liveOfferId}`, { cookie: globex.ownerCookie });
    expect(filtered).toEqual([]);
  });

  it('exports CSV with a header row and quoted fields', async () => {
    await context.services.audit.record({
      organizationId: acme.organizationId,
      actor: null,
      action: 'offer.paused',
      subjectType: 'offer',
      subjectId: liveOfferId,
      reason: 'Stream froze, "host" offline\nretrying',
      data: {},
    });
    const response = await context.app.inject({
      url: '/api/v1/audit/export?format=csv',
      headers: asOwner(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="audit-2026-11-22.csv"',
    );
    const lines = response.body.split('\r\n');
    expect(lines[0]).toBe(
      'sequence,id,occurred_at,actor_kind,actor_id,actor_role,actor_name,action,subject_type,subject_id,reason,data,prev_hash,hash',
    );
    expect(response.body).toContain(',"Stream froze, ""host"" offline\nretrying",{},');
    expect(response.body).toContain(`,"{""after"":""social_ops"",""before"":""producer""}",`);
    const count = (await entries('?limit=200')).length;
    expect(lines.filter((line) => /^\d+,/.test(line))).toHaveLength(count);
  });

  it('exports JSON whose hashes can be checked outside Mydrop', async () => {
    const response = await context.app.inject({
      url: '/api/v1/audit/export?format=json',
      headers: asOwner(),
    });
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="audit-2026-11-22.json"',
    );
    const exported = response.json() as { organizationId: string; entries: Entry[] };
    expect(exported.organizationId).toBe(acme.organizationId);
    expect(exported.entries.map((entry) => entry.sequence)).toEqual(
      exported.entries.map((_, index) => index + 1),
    );
    for (const entry of exported.entries) {
      const recomputed = hashEntry({
        ...entry,
        organizationId: exported.organizationId,
        occurredAt: new Date(entry.occurredAt),
        actorKind: entry.actor.kind as 'user' | 'token' | 'system',
        actorId: entry.actor.id,
        actorRole: entry.actor.role,
        actorName: entry.actor.name,
      });
      expect(recomputed).toBe(entry.hash);
    }
  });

  it('reports an intact chain, then the first row edited behind its back', async () => {
    const intact = await context.app.inject({ url: '/api/v1/audit/verify', headers: asOwner() });
    const total = (await entries('?limit=200')).length;
    expect(intact.json()).toEqual({ ok: true, entries: total });

    const [termsChanged] = await entries('?action=offer.terms_changed');
    await sql`update audit_entries set data = jsonb_set(data, '{after,priceMinor}', '1')
      where organization_id = ${acme.organizationId} and id = ${termsChanged?.id}`.execute(
      context.database.db,
    );
    const tampered = await context.app.inject({ url: '/api/v1/audit/verify', headers: asOwner() });
    expect(tampered.statusCode).toBe(200);
    expect(tampered.json()).toEqual({
      ok: false,
      firstBadSequence: termsChanged?.sequence,
      entryId: termsChanged?.id,
      reason: 'hash_mismatch',
      entries: total,
    });

    const theirs = await context.app.inject({
      url: '/api/v1/audit/verify',
      headers: { cookie: globex.ownerCookie },
    });
    expect(theirs.json()).toMatchObject({ ok: true });
  });

  it('records returns, and offers the reserve sweeper closes as the system', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 2 });
    const { holdId } = (await claim(context.app, offerId, 'returner')).json();
    const { orderId } = (
      await context.app.inject({
        method: 'POST',
        url: `/api/v1/public/holds/${holdId}/checkout`,
        payload: payWith('pm_card_visa'),
      })
    ).json();
    const returned = await context.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${orderId}/return`,
      headers: asOwner(),
      payload: { restock: false },
    });
    expect(returned.statusCode).toBe(200);
    expect(await entries(`?subjectType=order&subjectId=${orderId}`)).toEqual([
      expect.objectContaining({
        action: 'order.returned',
        actor: expect.objectContaining({ id: acme.ownerId }),
        data: {
          offerId,
          quantity: 1,
          amountMinor: 1900,
          refundedMinor: 1900,
          currency: 'EUR',
          restocked: false,
        },
      }),
    ]);

    // Closing the paused offer returns its stock, which the draft then reserves.
    const post = (url: string, payload?: object) =>
      context.app.inject({
        method: 'POST',
        url,
        headers: asOwner(),
        ...(payload ? { payload } : {}),
      });
    expect((await post(`/api/v1/offers/${liveOfferId}/close`)).statusCode).toBe(200);
    expect((await entries(`?action=offer.closed&subjectId=${liveOfferId}`))[0]).toMatchObject({
      actor: { id: acme.ownerId },
      data: { from: 'paused', unsoldReturned: 3 },
    });
    expect((await post(`/api/v1/offers/${draftOfferId}/approve`)).statusCode).toBe(200);
    const armed = await post(`/api/v1/offers/${draftOfferId}/arm`, {
      units: 1,
      reserveTtlSeconds: 60,
    });
    expect(armed.statusCode).toBe(200);
    clock.advance(61_000);
    expect(await context.services.offers.releaseExpiredReserves()).toBe(1);
    const [closed] = await entries(`?action=offer.closed&subjectId=${draftOfferId}`);
    expect(closed).toMatchObject({
      actor: { kind: 'system', id: null },
      reason: 'The reserve expired before the offer went live',
      data: { from: 'armed', unsoldReturned: 1 },
    });
  });

  it('documents its routes in the OpenAPI document', async () => {
    const document = (await context.app.inject({ url: '/api/openapi.json' })).json();
    for (const path of ['/api/v1/audit/entries', '/api/v1/audit/verify', '/api/v1/audit/export']) {
      expect(document.paths[path].get.tags).toEqual(['audit']);
    }
    const formats = document.paths['/api/v1/audit/export'].get.parameters.find(
      (parameter: { name: string }) => parameter.name === 'format',
    );
    expect(formats.schema.enum).toEqual(['csv', 'json']);
  });

  it('records API tokens created and revoked, without their secret', async () => {
    const created = await context.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: asOwner(),
      payload: { name: 'Checkout sync', role: 'finance' },
    });
    const { id, token } = created.json();
    await context.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: asOwner() });
    const history = await entries(`?subjectType=token&subjectId=${id}`);
    expect(history.map((entry) => entry.action)).toEqual(['token.revoked', 'token.created']);
    expect(history[1]?.data).toMatchObject({ name: 'Checkout sync', role: 'finance' });
    expect(JSON.stringify(history)).not.toContain(token);
  });
});
