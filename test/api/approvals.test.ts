import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import type { Role } from '../../src/modules/access/index.js';
import {
  addSignedInMember,
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

const hour = 3_600_000;
const script = [
  'Hi everyone, welcome to the Glow Serum drop!',
  'Next-day delivery on every order.',
  'Tap the link now: live-only price.',
].join('\n');

describe('campaigns, the approvals matrix, versioned documents and reviews', () => {
  // Monday 2 March 2026, 09:00 UTC (the seeded organisations work in UTC).
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;
  let globex: SeededOrganization;
  const people = {} as Record<Role, { userId: string; cookie: string }>;

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
    globex = await seedOrganization(context, 'Globex');
    people.owner = { userId: acme.ownerId, cookie: acme.ownerCookie };
    for (const role of ['social_ops', 'comms', 'brand_approver', 'legal', 'finance'] as const) {
      people[role] = await addSignedInMember(
        context,
        acme.organizationId,
        `${role}@acme.test`,
        role,
      );
    }
  });
  afterAll(() => context.close());

  async function call(
    as: Role | { cookie?: string; token?: string },
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse> {
    const who = typeof as === 'string' ? { cookie: people[as].cookie } : as;
    const headers: Record<string, string> = who.token
      ? { authorization: `Bearer ${who.token}` }
      : { cookie: who.cookie ?? '' };
    return context.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  }

  async function ok(response: LightMyRequestResponse, status = 200) {
    expect(response.statusCode, response.body).toBe(status);
    return response.json();
  }

  async function createCampaign(overrides: object = {}) {
    return ok(
      await call('social_ops', 'POST', '/api/v1/campaigns', {
        brandId: acme.brandId,
        name: 'Spring glow drop',
        kind: 'drop',
        startsAt: '2026-03-20T18:00:00Z',
        endsAt: '2026-03-20T19:00:00Z',
        operatingModel: 'centralized',
        offerComplexity: 'single_sku',
        conversionPath: 'in_platform_checkout',
        approvalPace: 'standard',
        ...overrides,
      }),
      201,
    );
  }

  async function createDocument(campaignId: string, overrides: object = {}) {
    return ok(
      await call('comms', 'POST', '/api/v1/documents', {
        campaignId,
        type: 'host_script',
        title: 'Glow Serum host script',
        content: script,
        ...overrides,
      }),
      201,
    );
  }

  async function inbox(role: Role): Promise<Array<{ kind: string; title: string }>> {
    return (await ok(await call(role, 'GET', '/api/v1/notifications?limit=200'))).items;
  }

  async function auditActions(subjectId: string): Promise<string[]> {
    const page = await ok(
      await call('owner', 'GET', `/api/v1/audit/entries?subjectId=${subjectId}&limit=200`),
    );
    return page.items.map((entry: { action: string }) => entry.action).reverse();
  }

  const review = (
    role: Role | { token?: string; cookie?: string },
    documentId: string,
    body: object,
  ) => call(role, 'POST', `/api/v1/documents/${documentId}/reviews`, body);

  describe('campaigns and their matrix', () => {
    it('derives the matrix from the decisions: agency-managed adds agency review, brand legal signs', async () => {
      const campaign = await createCampaign({ operatingModel: 'agency_managed' });
      const matrix = await ok(
        await call('brand_approver', 'GET', `/api/v1/campaigns/${campaign.id}/matrix`),
      );
      const hostScript = matrix.rows.find(
        (row: { documentType: string }) => row.documentType === 'host_script',
      );
      expect(hostScript.stages).toEqual([
        { roles: ['agency'], legalSignoff: false },
        { roles: ['brand_approver'], legalSignoff: false },
        { roles: ['legal'], legalSignoff: true },
      ]);
      expect(hostScript.sla).toEqual({ businessDays: 5 });
      expect(matrix.customized).toBe(false);
    });

    it('re-derives an unedited matrix when the decisions change, and keeps an edited one', async () => {
      const campaign = await createCampaign();
      const changed = await ok(
        await call('social_ops', 'PATCH', `/api/v1/campaigns/${campaign.id}`, {
          offerComplexity: 'tiered_bundle',
          approvalPace: 'fast',
        }),
      );
      expect(changed).toMatchObject({ offerComplexity: 'tiered_bundle', approvalPace: 'fast' });
      const matrix = await ok(
        await call('social_ops', 'GET', `/api/v1/campaigns/${campaign.id}/matrix`),
      );
      const price = matrix.rows.find(
        (row: { documentType: string }) => row.documentType === 'price_terms',
      );
      expect(price.stages[0].roles).toEqual(['brand_approver', 'inventory_lead', 'finance']);
      expect(price.sla).toEqual({ hours: 48 });

      const rows = matrix.rows.map((row: { sla: object }) => ({ ...row, sla: { hours: 24 } }));
      const edited = await ok(
        await call('legal', 'PUT', `/api/v1/campaigns/${campaign.id}/matrix`, { rows }),
      );
      expect(edited.customized).toBe(true);
      await call('social_ops', 'PATCH', `/api/v1/campaigns/${campaign.id}`, {
        approvalPace: 'slow',
      });
      const kept = await ok(
        await call('social_ops', 'GET', `/api/v1/campaigns/${campaign.id}/matrix`),
      );
      expect(kept.rows[0].sla).toEqual({ hours: 24 });
      expect(kept.defaults[0].sla).toEqual({ businessDays: 10 });
      expect(await auditActions(campaign.id)).toEqual([
        'campaign.created',
        'campaign.updated',
        'matrix.changed',
        'matrix.changed',
        'campaign.updated',
      ]);
    });

    it('refuses a matrix with an empty stage or an agency legal sign-off, naming the field and changing nothing', async () => {
      const campaign = await createCampaign();
      const { rows } = await ok(
        await call('social_ops', 'GET', `/api/v1/campaigns/${campaign.id}/matrix`),
      );
      const emptyStage = await call(
        'social_ops',
        'PUT',
        `/api/v1/campaigns/${campaign.id}/matrix`,
        {
          rows: [{ ...rows[0], stages: [] }, ...rows.slice(1)],
        },
      );
      expect(emptyStage.statusCode).toBe(400);
      expect(emptyStage.json().error.details.issues[0].field).toBe('body.rows.0.stages');

      const unknownRole = await call(
        'social_ops',
        'PUT',
        `/api/v1/campaigns/${campaign.id}/matrix`,
        {
          rows: [{ ...rows[0], stages: [{ roles: ['intern'] }] }, ...rows.slice(1)],
        },
      );
      expect(unknownRole.statusCode).toBe(400);
      expect(unknownRole.json().error.details.issues[0].field).toBe('body.rows.0.stages.0.roles.0');

      const agencySigns = await call(
        'social_ops',
        'PUT',
        `/api/v1/campaigns/${campaign.id}/matrix`,
        {
          rows: [
            { ...rows[0], stages: [{ roles: ['agency'], legalSignoff: true }] },
            ...rows.slice(1),
          ],
        },
      );
      expect(agencySigns.statusCode).toBe(400);
      expect(agencySigns.json().error.details.field).toBe('rows.0.stages.0.roles');

      const byBrandApprover = await call(
        'brand_approver',
        'PUT',
        `/api/v1/campaigns/${campaign.id}/matrix`,
        {
          rows,
        },
      );
      expect(byBrandApprover.statusCode).toBe(403);
      const after = await ok(
        await call('social_ops', 'GET', `/api/v1/campaigns/${campaign.id}/matrix`),
      );
      expect(after.rows).toEqual(rows);
    });

    it('keeps the business calendar per organisation and checks its dates', async () => {
      const initial = await ok(await call('comms', 'GET', '/api/v1/settings/business-calendar'));
      expect(initial).toMatchObject({
        timezone: 'UTC',
        workingDays: [1, 2, 3, 4, 5],
        holidays: [],
      });
      const bad = await call('social_ops', 'PUT', '/api/v1/settings/business-calendar', {
        workingDays: [1, 2, 3, 4, 5],
        holidays: ['2026-02-30'],
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.issues[0].field).toBe('body.holidays.0');
      const byComms = await call('comms', 'PUT', '/api/v1/settings/business-calendar', {
        workingDays: [1, 2, 3, 4, 5],
      });
      expect(byComms.statusCode).toBe(403);
      const saved = await ok(
        await call('social_ops', 'PUT', '/api/v1/settings/business-calendar', {
          workingDays: [5, 4, 3, 2, 1],
          holidays: ['2026-03-04'],
        }),
      );
      expect(saved).toMatchObject({ workingDays: [1, 2, 3, 4, 5], holidays: ['2026-03-04'] });
      const other = await ok(
        await call({ cookie: globex.ownerCookie }, 'GET', '/api/v1/settings/business-calendar'),
      );
      expect(other.holidays).toEqual([]);
    });
  });

  describe('a document through reviews, SLA reminders and escalation', () => {
    let campaignId: string;
    let documentId: string;
    let v1: { id: string };

    it('reminds the reviewer, then tells the CC and escalation roles one after another', async () => {
      clock.set('2026-03-02T09:00:00Z');
      campaignId = (await createCampaign()).id;
      const { rows } = await ok(
        await call('social_ops', 'GET', `/api/v1/campaigns/${campaignId}/matrix`),
      );
      await ok(
        await call('social_ops', 'PUT', `/api/v1/campaigns/${campaignId}/matrix`, {
          rows: rows.map((row: { documentType: string }) =>
            row.documentType === 'host_script'
              ? {
                  ...row,
                  ccWhenLate: ['comms'],
                  escalation: ['social_ops', 'owner'],
                  escalationIntervalHours: 12,
                }
              : row,
          ),
        }),
      );
      const document = await createDocument(campaignId);
      documentId = document.id;
      v1 = document.currentVersion;
      expect(document).toMatchObject({ status: 'draft', currentVersionNumber: 1, approved: false });

      const round = await ok(
        await call('social_ops', 'POST', `/api/v1/documents/${documentId}/submit`, {
          versionId: v1.id,
        }),
        201,
      );
      // 5 business days from Monday 09:00, Wednesday 4 March a holiday: Tuesday 10 March 09:00.
      expect(round.assignments).toEqual([
        expect.objectContaining({
          role: 'brand_approver',
          status: 'pending',
          deadline: '2026-03-10T09:00:00.000Z',
        }),
      ]);
      expect((await inbox('brand_approver')).map((n) => n.kind)).toEqual(['approval.requested']);

      // The reminder is due three quarters of the way: Sunday 8 March 09:00.
      clock.set('2026-03-08T08:59:00Z');
      await context.services.scheduler.runDue();
      expect((await inbox('brand_approver')).map((n) => n.kind)).not.toContain('approval.reminder');
      clock.set('2026-03-08T09:00:00Z');
      await context.services.scheduler.runDue();
      expect((await inbox('brand_approver')).map((n) => n.kind)).toContain('approval.reminder');

      const waitingSoon = await ok(
        await call('comms', 'GET', `/api/v1/approvals/waiting?campaignId=${campaignId}`),
      );
      expect(waitingSoon.items).toEqual([
        expect.objectContaining({
          documentId,
          role: 'brand_approver',
          state: 'due_soon',
          lateByMinutes: 0,
        }),
      ]);

      clock.set('2026-03-10T09:00:00Z');
      await context.services.scheduler.runDue();
      for (const role of ['brand_approver', 'comms', 'social_ops'] as const) {
        expect((await inbox(role)).map((n) => n.kind)).toContain('approval.overdue');
      }
      expect((await inbox('owner')).map((n) => n.kind)).not.toContain('approval.overdue');

      clock.set('2026-03-10T21:00:00Z');
      await context.services.scheduler.runDue();
      expect((await inbox('owner')).map((n) => n.kind)).toContain('approval.escalated');

      const late = await ok(
        await call('comms', 'GET', `/api/v1/approvals/waiting?campaignId=${campaignId}`),
      );
      expect(late.items[0]).toMatchObject({
        state: 'late',
        lateByMinutes: 12 * 60,
        escalationStep: 2,
      });
      expect(late.byRole).toEqual([
        expect.objectContaining({ role: 'brand_approver', waiting: 1, late: 1 }),
      ]);
    });

    it('opens the legal sign-off once the brand approves, and stops chasing the brand', async () => {
      const approved = await ok(
        await review('brand_approver', documentId, { versionId: v1.id, decision: 'approve' }),
      );
      const legal = approved.assignments.find((a: { role: string }) => a.role === 'legal');
      expect(legal).toMatchObject({ status: 'pending', legalSignoff: true, stage: 1 });
      // A new 5-business-day window from Tuesday 10 March 21:00.
      expect(legal.deadline).toBe('2026-03-17T21:00:00.000Z');
      const brand = approved.assignments.find((a: { role: string }) => a.role === 'brand_approver');
      const jobs = await context.database.db
        .selectFrom('scheduledJobs')
        .select(['key', 'status'])
        .where('organizationId', '=', acme.organizationId)
        .where('key', 'like', `%${brand.id}`)
        .where('status', '=', 'pending')
        .execute();
      expect(jobs).toEqual([]);
      const before = (await inbox('brand_approver')).length;
      clock.advance(48 * hour);
      await context.services.scheduler.runDue();
      expect((await inbox('brand_approver')).length).toBe(before);
    });

    it('lets only the named role decide: the owner and finance are refused', async () => {
      for (const role of ['owner', 'finance', 'brand_approver'] as const) {
        const refused = await review(role, documentId, { versionId: v1.id, decision: 'approve' });
        expect(refused.statusCode).toBe(403);
        expect(refused.json().error.details.reason).toBe('not_assigned');
      }
    });

    it('refuses a return without line comments, or with a line the version does not have', async () => {
      const bare = await review('legal', documentId, { versionId: v1.id, decision: 'return' });
      expect(bare.statusCode).toBe(400);
      expect(bare.json().error.details.field).toBe('comments');
      const pastTheEnd = await review('legal', documentId, {
        versionId: v1.id,
        decision: 'return',
        comments: [{ line: 9, text: 'Which line?' }],
      });
      expect(pastTheEnd.statusCode).toBe(400);
      expect(pastTheEnd.json().error.details.field).toBe('comments.0.line');
      const noDecision = await review('legal', documentId, { versionId: v1.id, decision: 'maybe' });
      expect(noDecision.statusCode).toBe(400);
      expect(noDecision.json().error.details.issues[0].field).toBe('body.decision');
      const document = await ok(await call('legal', 'GET', `/api/v1/documents/${documentId}`));
      expect(document.status).toBe('in_review');
    });

    it('returns with a comment anchored to a line of that version, telling the author', async () => {
      const returned = await ok(
        await review('legal', documentId, {
          versionId: v1.id,
          decision: 'return',
          comments: [{ line: 2, text: 'Add the regional exclusions: not next-day in AK and HI.' }],
        }),
      );
      expect(returned.status).toBe('returned');
      const version = await ok(
        await call('comms', 'GET', `/api/v1/documents/${documentId}/versions/${v1.id}`),
      );
      expect(version.comments).toEqual([
        expect.objectContaining({
          line: 2,
          versionId: v1.id,
          body: 'Add the regional exclusions: not next-day in AK and HI.',
          author: expect.objectContaining({ role: 'legal', name: 'legal@acme.test' }),
        }),
      ]);
      expect((await inbox('comms')).map((n) => n.kind)).toContain('document.returned');
      const document = await ok(await call('comms', 'GET', `/api/v1/documents/${documentId}`));
      expect(document).toMatchObject({ status: 'returned', approved: false, waitingOn: [] });
    });

    it('saves the edit as version 2 and shows the change line by line', async () => {
      const v2 = await ok(
        await call('comms', 'POST', `/api/v1/documents/${documentId}/versions`, {
          content: script.replace(
            'Next-day delivery on every order.',
            'Next-day delivery, except Alaska and Hawaii.',
          ),
          note: 'Regional exclusions from legal',
          baseVersionId: v1.id,
        }),
        201,
      );
      expect(v2).toMatchObject({
        number: 2,
        generated: false,
        note: 'Regional exclusions from legal',
      });
      const stale = await call('comms', 'POST', `/api/v1/documents/${documentId}/versions`, {
        content: `${script}\nP.S.`,
        baseVersionId: v1.id,
      });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.details.field).toBe('baseVersionId');

      const diff = await ok(
        await call('legal', 'GET', `/api/v1/documents/${documentId}/diff?from=1&to=2`),
      );
      expect(diff.lines).toEqual([
        {
          kind: 'same',
          text: 'Hi everyone, welcome to the Glow Serum drop!',
          fromLine: 1,
          toLine: 1,
        },
        { kind: 'removed', text: 'Next-day delivery on every order.', fromLine: 2, toLine: null },
        {
          kind: 'added',
          text: 'Next-day delivery, except Alaska and Hawaii.',
          fromLine: null,
          toLine: 2,
        },
        { kind: 'same', text: 'Tap the link now: live-only price.', fromLine: 3, toLine: 3 },
      ]);
      expect(diff).toMatchObject({ added: 1, removed: 1 });
      const missing = await call(
        'legal',
        'GET',
        `/api/v1/documents/${documentId}/diff?from=1&to=7`,
      );
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.details.field).toBe('to');
    });

    it('re-reviews a returned document within 24 hours and approves it bound to its hash', async () => {
      const versions = await ok(
        await call('comms', 'GET', `/api/v1/documents/${documentId}/versions`),
      );
      const v2 = versions.items[0];
      const round = await ok(
        await call('comms', 'POST', `/api/v1/documents/${documentId}/submit`, {}),
        201,
      );
      expect(round).toMatchObject({ reReview: true, sla: { hours: 24 }, versionNumber: 2 });
      expect(new Date(round.assignments[0].deadline).getTime() - clock.now().getTime()).toBe(
        24 * hour,
      );

      await ok(
        await review('brand_approver', documentId, { versionId: v2.id, decision: 'approve' }),
      );
      const signed = await ok(
        await review('legal', documentId, { versionId: v2.id, decision: 'approve' }),
      );
      expect(signed.status).toBe('approved');
      expect(
        signed.assignments.every(
          (a: { approvedContentHash: string }) => a.approvedContentHash === v2.contentHash,
        ),
      ).toBe(true);

      const document = await ok(await call('comms', 'GET', `/api/v1/documents/${documentId}`));
      expect(document).toMatchObject({
        status: 'approved',
        approved: true,
        approvedVersionId: v2.id,
        approvedContentHash: v2.contentHash,
        approvedVersionNumber: 2,
      });
      expect((await inbox('comms')).map((n) => n.kind)).toContain('document.approved');
      const [state] = await context.services.documents.approvalStatesOf(acme.organizationId, [
        documentId,
      ]);
      expect(state).toMatchObject({
        approved: true,
        approvedVersionId: v2.id,
        currentVersionNumber: 2,
      });
    });

    it('voids the approval when the approved document is edited', async () => {
      const v3 = await ok(
        await call('comms', 'POST', `/api/v1/documents/${documentId}/versions`, {
          content: `${script}\nFree shipping on everything!`,
        }),
        201,
      );
      const document = await ok(await call('comms', 'GET', `/api/v1/documents/${documentId}`));
      expect(document).toMatchObject({
        status: 'draft',
        approved: false,
        approvedVersionId: null,
        currentVersionId: v3.id,
      });
      expect(document.review.voidedByVersionId).toBe(v3.id);
      const [state] = await context.services.documents.approvalStatesOf(acme.organizationId, [
        documentId,
      ]);
      expect(state).toMatchObject({
        approved: false,
        approvedVersionId: null,
        currentVersionId: v3.id,
      });
      expect((await inbox('legal')).map((n) => n.kind)).toContain('approval.voided');

      // The approved round stays approved in the history: what was signed, and when.
      const history = await ok(
        await call('comms', 'GET', `/api/v1/documents/${documentId}/reviews`),
      );
      expect(history.items.map((r: { status: string }) => r.status)).toEqual([
        'approved',
        'returned',
      ]);
      // After an approval, the next review is a normal one, not a 24-hour re-review.
      const round = await ok(
        await call('comms', 'POST', `/api/v1/documents/${documentId}/submit`, {}),
        201,
      );
      expect(round).toMatchObject({ reReview: false, sla: { businessDays: 5 } });
    });

    it('voids the review under way when the version under review is edited', async () => {
      const underReview = (await ok(await call('comms', 'GET', `/api/v1/documents/${documentId}`)))
        .currentVersion;
      await ok(
        await call('comms', 'POST', `/api/v1/documents/${documentId}/versions`, {
          content: `${script}\nFree shipping over 30 EUR.`,
        }),
        201,
      );
      const late = await review('brand_approver', documentId, {
        versionId: underReview.id,
        decision: 'approve',
      });
      expect(late.statusCode).toBe(409);
      expect(late.json().error.details.reason).toBe('not_in_review');
      const waiting = await ok(
        await call('comms', 'GET', `/api/v1/approvals/waiting?campaignId=${campaignId}`),
      );
      expect(waiting.items).toEqual([]);
      expect(await auditActions(documentId)).toEqual([
        'document.created',
        'document.submitted',
        'approval.overdue',
        'approval.escalated',
        'document.review_approved',
        'document.returned',
        'document.submitted',
        'document.review_approved',
        'document.review_approved',
        'document.approved',
        'approval.voided',
        'document.submitted',
        'approval.voided',
      ]);
    });
  });

  describe('generated text', () => {
    it('is approved only by a person holding the required role, never by an API token', async () => {
      const campaign = await createCampaign({ approvalPace: 'fast' });
      const document = await createDocument(campaign.id, {
        type: 'offer_copy',
        title: 'Glow Serum offer copy',
        content: 'Exclusive live deal: Glow Serum + Silk Sleep Mask for 19 EUR.\nLive-only stock.',
        generatedBy: 'Offer copy varianter',
      });
      expect(document.currentVersion).toMatchObject({
        generated: true,
        generator: 'Offer copy varianter',
      });
      const versionId = document.currentVersionId;
      await ok(await call('comms', 'POST', `/api/v1/documents/${document.id}/submit`, {}), 201);

      const { token } = await context.services.tokens.issue(acme.organizationId, {
        name: 'Review bot',
        role: 'brand_approver',
        createdBy: null,
      });
      const byToken = await review({ token }, document.id, { versionId, decision: 'approve' });
      expect(byToken.statusCode).toBe(403);
      expect(byToken.json().error.details.reason).toBe('generated_needs_person');
      for (const role of ['finance', 'owner', 'legal'] as const) {
        const wrongRole = await review(role, document.id, { versionId, decision: 'approve' });
        expect(wrongRole.statusCode).toBe(403);
        expect(wrongRole.json().error.details.reason).toBe('not_assigned');
      }
      expect(
        (await ok(await call('comms', 'GET', `/api/v1/documents/${document.id}`))).approved,
      ).toBe(false);

      await ok(await review('brand_approver', document.id, { versionId, decision: 'approve' }));
      const signed = await ok(
        await review('legal', document.id, { versionId, decision: 'approve' }),
      );
      expect(signed.status).toBe('approved');
      expect(
        signed.assignments.map((a: { decidedBy: { kind: string } }) => a.decidedBy.kind),
      ).toEqual(['user', 'user']);
    });

    it('lets an API token with the role approve text a person wrote', async () => {
      const campaign = await createCampaign({ approvalPace: 'fast' });
      const document = await createDocument(campaign.id, {
        type: 'shot_list',
        title: 'Shot list',
        content: 'Close-up of the serum',
      });
      await ok(await call('comms', 'POST', `/api/v1/documents/${document.id}/submit`, {}), 201);
      const { token } = await context.services.tokens.issue(acme.organizationId, {
        name: 'Brand checker',
        role: 'brand_approver',
        createdBy: null,
      });
      const approved = await ok(
        await review({ token }, document.id, {
          versionId: document.currentVersionId,
          decision: 'approve',
        }),
      );
      expect(approved.status).toBe('approved');
    });
  });

  it('opens the next stage once when parallel reviewers approve at the same moment', async () => {
    const campaign = await createCampaign({ offerComplexity: 'tiered_bundle' });
    const { rows } = await ok(
      await call('social_ops', 'GET', `/api/v1/campaigns/${campaign.id}/matrix`),
    );
    await ok(
      await call('social_ops', 'PUT', `/api/v1/campaigns/${campaign.id}/matrix`, {
        rows: rows.map((row: { documentType: string }) =>
          row.documentType === 'price_terms'
            ? {
                ...row,
                stages: [
                  { roles: ['brand_approver', 'finance'] },
                  { roles: ['legal'], legalSignoff: true },
                ],
              }
            : row,
        ),
      }),
    );
    const document = await createDocument(campaign.id, {
      type: 'price_terms',
      title: 'Tiers',
      content: '1 for 19 EUR\n2 for 35 EUR',
    });
    await ok(await call('comms', 'POST', `/api/v1/documents/${document.id}/submit`, {}), 201);
    const body = { versionId: document.currentVersionId, decision: 'approve' };
    const answers = await Promise.all([
      review('brand_approver', document.id, body),
      review('finance', document.id, body),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
    const current = await ok(await call('comms', 'GET', `/api/v1/documents/${document.id}`));
    expect(
      current.review.assignments.map(
        (a: { role: string; status: string }) => `${a.role}:${a.status}`,
      ),
    ).toEqual(['brand_approver:approved', 'finance:approved', 'legal:pending']);
  });

  it('refuses an empty version and a document for an unknown campaign, naming the field', async () => {
    const campaign = await createCampaign();
    const empty = await call('comms', 'POST', '/api/v1/documents', {
      campaignId: campaign.id,
      type: 'host_script',
      title: 'Empty',
      content: '',
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details.issues[0].field).toBe('body.content');
    const unknown = await call('comms', 'POST', '/api/v1/documents', {
      campaignId: globex.brandId,
      type: 'host_script',
      title: 'Nowhere',
      content: 'Hello',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.field).toBe('campaignId');
    const byLegal = await call('legal', 'POST', '/api/v1/documents', {
      campaignId: campaign.id,
      type: 'host_script',
      title: 'Legal does not write',
      content: 'Hello',
    });
    expect(byLegal.statusCode).toBe(403);
  });

  it('keeps campaigns and documents inside their organisation', async () => {
    const campaign = await createCampaign();
    const document = await createDocument(campaign.id);
    await ok(await call('comms', 'POST', `/api/v1/documents/${document.id}/submit`, {}), 201);
    const stranger = { cookie: globex.ownerCookie };
    for (const url of [
      `/api/v1/campaigns/${campaign.id}`,
      `/api/v1/campaigns/${campaign.id}/matrix`,
      `/api/v1/documents/${document.id}`,
      `/api/v1/documents/${document.id}/versions`,
      `/api/v1/documents/${document.id}/versions/${document.currentVersionId}`,
      `/api/v1/documents/${document.id}/diff?from=1&to=1`,
      `/api/v1/documents/${document.id}/reviews`,
    ]) {
      expect((await call(stranger, 'GET', url)).statusCode, url).toBe(404);
    }
    const reviewed = await review(stranger, document.id, {
      versionId: document.currentVersionId,
      decision: 'approve',
    });
    expect(reviewed.statusCode).toBe(404);
    const edited = await call(stranger, 'POST', `/api/v1/documents/${document.id}/versions`, {
      content: 'Taken over',
    });
    expect(edited.statusCode).toBe(404);
    expect((await ok(await call(stranger, 'GET', '/api/v1/documents'))).items).toEqual([]);
    expect((await ok(await call(stranger, 'GET', '/api/v1/campaigns'))).items).toEqual([]);
    expect((await ok(await call(stranger, 'GET', '/api/v1/approvals/waiting'))).items).toEqual([]);
    expect(
      await context.services.documents.approvalStatesOf(globex.organizationId, [
        document.id,
        'not-a-uuid',
      ]),
    ).toEqual([]);
  });

  it('documents every approvals route in the OpenAPI document', async () => {
    const document = (await context.app.inject({ url: '/api/openapi.json' })).json();
    for (const path of [
      '/api/v1/campaigns',
      '/api/v1/campaigns/{id}',
      '/api/v1/campaigns/{id}/matrix',
      '/api/v1/settings/business-calendar',
      '/api/v1/documents',
      '/api/v1/documents/{id}',
      '/api/v1/documents/{id}/versions',
      '/api/v1/documents/{id}/versions/{versionId}',
      '/api/v1/documents/{id}/diff',
      '/api/v1/documents/{id}/submit',
      '/api/v1/documents/{id}/reviews',
      '/api/v1/approvals/waiting',
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    const reviewBody =
      document.paths['/api/v1/documents/{id}/reviews'].post.requestBody.content['application/json']
        .schema;
    expect(reviewBody.required).toEqual(expect.arrayContaining(['versionId', 'decision']));
  });

  it('deletes a campaign only while it has no documents', async () => {
    const campaign = await createCampaign();
    await createDocument(campaign.id);
    const refused = await call('social_ops', 'DELETE', `/api/v1/campaigns/${campaign.id}`);
    expect(refused.statusCode).toBe(409);
    const empty = await createCampaign();
    expect((await call('social_ops', 'DELETE', `/api/v1/campaigns/${empty.id}`)).statusCode).toBe(
      204,
    );
  });
});
