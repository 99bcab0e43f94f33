import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { claim, liveOffer, payWith } from '../support/drops.js';
import { type ApprovedDocument, createGovernanceFixtures } from '../support/governance.js';
import {
  addSignedInMember,
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

type Member = { userId: string; cookie: string };

const hourMs = 60 * 60 * 1000;

describe('the go/no-go gate', () => {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;
  let globex: SeededOrganization;
  let members: Record<'host' | 'producer' | 'comms' | 'agency', Member>;
  let stream: Server;
  let streamBase: string;
  let offerId: string;
  let testOrderId: string;
  let governance: Awaited<ReturnType<typeof createGovernanceFixtures>>;
  let script: ApprovedDocument;

  const asOwner = () => ({ cookie: acme.ownerCookie });
  const inject = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    headers: Record<string, string>,
    payload?: object,
  ) => context.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  async function paidOrder(forOfferId: string, shopper: string): Promise<string> {
    const { holdId } = (await claim(context.app, forOfferId, shopper)).json();
    const paid = await context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      payload: payWith('pm_card_visa'),
    });
    expect(paid.statusCode).toBe(201);
    return paid.json().orderId as string;
  }

  async function createShow(overrides: Record<string, unknown> = {}) {
    const startsAt = new Date(clock.now().getTime() + 2 * hourMs);
    const response = await inject('POST', '/api/v1/shows', asOwner(), {
      brandId: acme.brandId,
      title: 'Glow live',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + hourMs).toISOString(),
      streamUrl: `${streamBase}/live.m3u8`,
      rollbackContacts: [{ name: 'Pat Producer', role: 'producer', phone: '+33 1 00 00 00 00' }],
      markets: ['FR'],
      ...overrides,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; manualChecks: Array<{ name: string }> };
  }

  async function confirm(showId: string, check: string, member: Member) {
    const response = await inject(
      'POST',
      `/api/v1/shows/${showId}/manual-checks/${check}/confirmation`,
      { cookie: member.cookie },
    );
    expect(response.statusCode, response.body).toBe(200);
  }

  /** A show where every check passes: offer, document, test order, contacts, checks. */
  async function readyShow(overrides: Record<string, unknown> = {}): Promise<string> {
    const { id } = await createShow(overrides);
    expect(
      (await inject('PUT', `/api/v1/shows/${id}/offers`, asOwner(), { offerIds: [offerId] }))
        .statusCode,
    ).toBe(200);
    const documents = await inject('PUT', `/api/v1/shows/${id}/documents`, asOwner(), {
      documents: [{ documentId: script.documentId }],
    });
    expect(documents.statusCode, documents.body).toBe(200);
    const tested = await inject('POST', `/api/v1/shows/${id}/link-tests`, asOwner(), {
      offerId,
      orderId: testOrderId,
    });
    expect(tested.statusCode, tested.body).toBe(200);
    const crm = await inject(
      'POST',
      `/api/v1/shows/${id}/link-tests/${offerId}/crm-confirmation`,
      asOwner(),
      { confirmedBy: 'Rita from reporting', crmTag: 'live-glow' },
    );
    expect(crm.statusCode, crm.body).toBe(200);
    await confirm(id, 'host_ready', members.host);
    await confirm(id, 'camera_framing', members.producer);
    await confirm(id, 'ctas_queued', members.comms);
    return id;
  }

  async function expectRefused(showId: string, failing: string[]) {
    const response = await inject('POST', `/api/v1/shows/${showId}/go-live`, asOwner());
    expect(response.statusCode, response.body).toBe(409);
    const { error } = response.json();
    expect(error.code).toBe('preflight_failed');
    expect(error.details.failing).toEqual(failing);
    for (const name of failing) expect(error.message).toContain(name);
    const show = await inject('GET', `/api/v1/shows/${showId}`, asOwner());
    expect(show.json().status).toBe('scheduled');
    return error.details.checks as Array<{ name: string; passed: boolean; detail: string }>;
  }

  beforeAll(async () => {
    stream = createServer((request, response) => {
      response.writeHead(request.url === '/live.m3u8' ? 200 : 404).end();
    });
    await new Promise<void>((resolve) => stream.listen(0, '127.0.0.1', resolve));
    streamBase = `http://127.0.0.1:${(stream.address() as AddressInfo).port}`;

    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
    globex = await seedOrganization(context, 'Globex');
    members = {
      host: await addSignedInMember(context, acme.organizationId, 'host@acme.test', 'host'),
      producer: await addSignedInMember(context, acme.organizationId, 'prod@acme.test', 'producer'),
      comms: await addSignedInMember(context, acme.organizationId, 'comms@acme.test', 'comms'),
      agency: await addSignedInMember(context, acme.organizationId, 'agency@acme.test', 'agency'),
    };
    for (const region of [
      { name: 'EU next-day', countries: ['FR', 'BE'], capabilities: ['next_day', 'standard'] },
      { name: 'EU standard', countries: ['ES', 'IT'], capabilities: ['standard'] },
    ]) {
      const created = await inject('POST', '/api/v1/fulfilment/regions', asOwner(), region);
      expect(created.statusCode, created.body).toBe(201);
    }
    ({ offerId } = await liveOffer(context.app, acme, { units: 20 }));
    testOrderId = await paidOrder(offerId, 'tester');
    governance = await createGovernanceFixtures(context, acme);
    script = await governance.approvedDocument(
      'Host script',
      'Glow Serum, live-only price. Next-day delivery in France and Belgium only. Tap the link now.',
    );
  });

  afterAll(async () => {
    await context.close();
    stream.closeAllConnections();
    stream.close();
  });

  it('goes live when every check passes, and audits it', async () => {
    const showId = await readyShow();
    const preflight = await inject('GET', `/api/v1/shows/${showId}/preflight`, asOwner());
    expect(preflight.json()).toMatchObject({ ready: true, failing: [] });
    expect(preflight.json().checks.map((check: { name: string }) => check.name)).toEqual([
      `reserves_armed:${offerId}`,
      `link_tested:${offerId}`,
      `documents_approved:${script.documentId}`,
      `delivery_promises:${script.documentId}`,
      'stream_health',
      'rollback_contacts',
      'manual:host_ready',
      'manual:camera_framing',
      'manual:ctas_queued',
    ]);

    const live = await inject('POST', `/api/v1/shows/${showId}/go-live`, {
      cookie: members.producer.cookie,
    });
    expect(live.statusCode, live.body).toBe(200);
    expect(live.json()).toMatchObject({ overridden: false, failing: [], show: { status: 'live' } });
    const audit = await inject('GET', `/api/v1/audit/entries?subjectId=${showId}`, asOwner());
    expect(audit.json().items.map((entry: { action: string }) => entry.action)).toContain(
      'show.went_live',
    );
    const again = await inject('POST', `/api/v1/shows/${showId}/go-live`, asOwner());
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('conflict');
  });

  it('closes the offers that end with the stream when the show ends', async () => {
    const streamOnly = await liveOffer(context.app, acme, { units: 5, endsWithStream: true });
    const lasting = await liveOffer(context.app, acme, { units: 5 });
    const { id } = await createShow();
    await inject('PUT', `/api/v1/shows/${id}/offers`, asOwner(), {
      offerIds: [streamOnly.offerId, lasting.offerId],
    });
    const live = await inject('POST', `/api/v1/shows/${id}/go-live`, asOwner(), {
      override: { reason: 'Testing the end of the stream' },
    });
    expect(live.statusCode, live.body).toBe(200);
    const held = await claim(context.app, streamOnly.offerId, 'late-viewer');
    expect(held.statusCode).toBe(201);

    const ended = await inject('POST', `/api/v1/shows/${id}/end`, {
      cookie: members.producer.cookie,
    });
    expect(ended.statusCode, ended.body).toBe(200);
    const closed = (await inject('GET', `/api/v1/offers/${streamOnly.offerId}`, asOwner())).json();
    // The open hold ended with the stream: all five units went back to stock.
    expect(closed).toMatchObject({ status: 'closed', reservedUnits: 0 });
    const refused = await claim(context.app, streamOnly.offerId, 'after-the-show');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('closed');
    const hold = await inject('GET', `/api/v1/public/holds/${held.json().holdId}`, {});
    expect(hold.json().state).toBe('released');
    expect(
      (await inject('GET', `/api/v1/offers/${lasting.offerId}`, asOwner())).json().status,
    ).toBe('live');
    const audit = await inject(
      'GET',
      `/api/v1/audit/entries?action=show.ended&subjectId=${id}`,
      asOwner(),
    );
    expect(audit.json().items[0].data.closedOffers).toEqual([streamOnly.offerId]);
  });

  describe('refuses to go live, naming the failing check', () => {
    it('offers_attached: a show that sells nothing', async () => {
      const { id } = await createShow();
      const checks = await expectRefused(id, [
        'offers_attached',
        'documents_attached',
        'manual:host_ready',
        'manual:camera_framing',
        'manual:ctas_queued',
      ]);
      expect(checks.find((check) => check.name === 'stream_health')?.passed).toBe(true);
    });

    it('documents_attached: a show without its approved copy', async () => {
      const showId = await readyShow();
      await inject('PUT', `/api/v1/shows/${showId}/documents`, asOwner(), { documents: [] });
      await expectRefused(showId, ['documents_attached']);
    });

    it('reserves_armed: an offer whose reserve is paused by the kill switch', async () => {
      const paused = await liveOffer(context.app, acme, { units: 2 });
      const order = await paidOrder(paused.offerId, 'kill-switch-tester');
      const showId = await readyShow();
      await inject('PUT', `/api/v1/shows/${showId}/offers`, asOwner(), {
        offerIds: [offerId, paused.offerId],
      });
      await inject('POST', `/api/v1/shows/${showId}/link-tests`, asOwner(), {
        offerId: paused.offerId,
        orderId: order,
      });
      await inject(
        'POST',
        `/api/v1/shows/${showId}/link-tests/${paused.offerId}/crm-confirmation`,
        asOwner(),
        { confirmedBy: 'Rita' },
      );
      await inject('POST', `/api/v1/offers/${paused.offerId}/pause`, asOwner());
      const checks = await expectRefused(showId, [`reserves_armed:${paused.offerId}`]);
      expect(checks.find((check) => !check.passed)?.detail).toContain('paused');
    });

    it('link_tested: a test order whose CRM tag nobody confirmed', async () => {
      const showId = await readyShow();
      // Recording the test again starts its CRM confirmation over.
      await inject('POST', `/api/v1/shows/${showId}/link-tests`, asOwner(), {
        offerId,
        orderId: testOrderId,
      });
      const checks = await expectRefused(showId, [`link_tested:${offerId}`]);
      expect(checks.find((check) => !check.passed)?.detail).toContain('CRM tag');
    });

    it('documents_approved: copy edited after its approval', async () => {
      const edited = await governance.approvedDocument('Promo copy', 'Live-only price.');
      const showId = await readyShow();
      await inject('PUT', `/api/v1/shows/${showId}/documents`, asOwner(), {
        documents: [{ documentId: script.documentId }, { documentId: edited.documentId }],
      });
      await governance.newVersion(edited.documentId, 'Live-only price, now even lower.');
      await expectRefused(showId, [`documents_approved:${edited.documentId}`]);
    });

    it('delivery_promises: approved copy promising next-day where a region cannot (seed 004)', async () => {
      const promise = await governance.approvedDocument(
        'Gift bundle copy',
        'Gift bundle, live-only. Next-day delivery on all orders!',
      );
      const showId = await readyShow({ markets: ['FR', 'ES'] });
      await inject('PUT', `/api/v1/shows/${showId}/documents`, asOwner(), {
        documents: [{ documentId: script.documentId }, { documentId: promise.documentId }],
      });
      const checks = await expectRefused(showId, [`delivery_promises:${promise.documentId}`]);
      expect(checks.find((check) => !check.passed)?.detail).toContain('ES (EU standard)');
    });

    it('stream_health: a playback URL that does not answer', async () => {
      const showId = await readyShow({ streamUrl: `${streamBase}/gone.m3u8` });
      const checks = await expectRefused(showId, ['stream_health']);
      expect(checks.find((check) => !check.passed)?.detail).toContain('404');
    });

    it('rollback_contacts: nobody to call', async () => {
      const showId = await readyShow({ rollbackContacts: [] });
      await expectRefused(showId, ['rollback_contacts']);
    });

    it('policy_bundle: an agency-managed show without its bundle', async () => {
      const campaign = await governance.campaign('Holiday promo', 'agency_managed');
      const showId = await readyShow({ campaignId: campaign });
      await expectRefused(showId, ['policy_bundle']);
      const bundle = await inject(
        'POST',
        `/api/v1/shows/${showId}/policy-bundle`,
        { cookie: members.agency.cookie },
        {
          finalCopyDocumentId: script.documentId,
          checkoutScreenshotUrl: 'https://files.example/checkout.png',
        },
      );
      expect(bundle.statusCode, bundle.body).toBe(200);
      const preflight = await inject('GET', `/api/v1/shows/${showId}/preflight`, asOwner());
      expect(preflight.json()).toMatchObject({ ready: true });
    });

    for (const check of ['host_ready', 'camera_framing', 'ctas_queued']) {
      it(`manual:${check}: a manual check withdrawn`, async () => {
        const showId = await readyShow();
        const withdrawn = await inject(
          'DELETE',
          `/api/v1/shows/${showId}/manual-checks/${check}/confirmation`,
          asOwner(),
        );
        expect(withdrawn.statusCode).toBe(200);
        await expectRefused(showId, [`manual:${check}`]);
      });
    }
  });

  describe('the checks', () => {
    it('lets only the check’s role (or the owner) confirm it', async () => {
      const { id } = await createShow();
      const refused = await inject(
        'POST',
        `/api/v1/shows/${id}/manual-checks/host_ready/confirmation`,
        { cookie: members.producer.cookie },
      );
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.details).toEqual({ role: 'host' });
      await confirm(id, 'host_ready', members.host);
      const show = await inject('GET', `/api/v1/shows/${id}`, asOwner());
      expect(show.json().manualChecks[0]).toMatchObject({
        name: 'host_ready',
        confirmedByName: 'host@acme.test',
      });
      const unknown = await inject(
        'POST',
        `/api/v1/shows/${id}/manual-checks/dance_routine/confirmation`,
        asOwner(),
      );
      expect(unknown.statusCode).toBe(404);
    });

    it('takes a link test only from a paid order of that offer', async () => {
      const other = await liveOffer(context.app, acme, { units: 2 });
      const otherOrder = await paidOrder(other.offerId, 'other-offer-buyer');
      const { id } = await createShow();
      await inject('PUT', `/api/v1/shows/${id}/offers`, asOwner(), { offerIds: [offerId] });
      const cases: Array<[object, string]> = [
        [{ offerId: other.offerId, orderId: otherOrder }, 'offerId'],
        [{ offerId, orderId: otherOrder }, 'orderId'],
        [{ offerId, orderId: '00000000-0000-4000-8000-000000000000' }, 'orderId'],
      ];
      for (const [payload, field] of cases) {
        const response = await inject('POST', `/api/v1/shows/${id}/link-tests`, asOwner(), payload);
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json().error.details.field).toBe(field);
      }
      const missingName = await inject(
        'POST',
        `/api/v1/shows/${id}/link-tests/${offerId}/crm-confirmation`,
        asOwner(),
        {},
      );
      expect(missingName.statusCode).toBe(409);
    });

    it('confirms a CRM tag from the integration callback with an API token', async () => {
      const { id } = await createShow();
      await inject('PUT', `/api/v1/shows/${id}/offers`, asOwner(), { offerIds: [offerId] });
      await inject('POST', `/api/v1/shows/${id}/link-tests`, asOwner(), {
        offerId,
        orderId: testOrderId,
      });
      const manual = await inject(
        'POST',
        `/api/v1/shows/${id}/link-tests/${offerId}/crm-confirmation`,
        asOwner(),
        {},
      );
      expect(manual.statusCode).toBe(400);
      expect(manual.json().error.details.field).toBe('confirmedBy');

      const issued = await inject('POST', '/api/v1/tokens', asOwner(), {
        name: 'HubSpot sync',
        role: 'social_ops',
      });
      expect(issued.statusCode, issued.body).toBe(201);
      const bearer = { authorization: `Bearer ${issued.json().token}` };
      const bySession = await inject(
        'POST',
        '/api/v1/integrations/crm/tag-confirmations',
        asOwner(),
        { orderId: testOrderId },
      );
      expect(bySession.statusCode).toBe(403);
      const callback = await inject('POST', '/api/v1/integrations/crm/tag-confirmations', bearer, {
        orderId: testOrderId,
        crmTag: 'live-glow',
      });
      expect(callback.statusCode, callback.body).toBe(200);
      expect(callback.json().confirmed).toBeGreaterThanOrEqual(1);
      const show = await inject('GET', `/api/v1/shows/${id}`, asOwner());
      expect(show.json().linkTests[0]).toMatchObject({
        crmConfirmedVia: 'integration',
        crmConfirmedBy: 'HubSpot sync',
        crmTag: 'live-glow',
      });
    });
  });

  describe('the emergency override', () => {
    it('is refused to anyone without the authority', async () => {
      const { id } = await createShow();
      const response = await inject(
        'POST',
        `/api/v1/shows/${id}/go-live`,
        { cookie: members.producer.cookie },
        {
          override: { reason: 'Sponsor insists' },
        },
      );
      expect(response.statusCode).toBe(403);
      expect(response.json().error.details).toMatchObject({ permission: 'shows.override' });
    });

    it('needs a reason, naming the field', async () => {
      const { id } = await createShow();
      for (const override of [{}, { reason: '   ' }]) {
        const response = await inject('POST', `/api/v1/shows/${id}/go-live`, asOwner(), {
          override,
        });
        expect(response.statusCode).toBe(400);
        expect(response.json().error.message).toContain('override.reason');
      }
      expect((await inject('GET', `/api/v1/shows/${id}`, asOwner())).json().status).toBe(
        'scheduled',
      );
    });

    it('goes live with a reason, is audited, and samples the checkout hourly for six hours', async () => {
      const sampled = await liveOffer(context.app, acme, { units: 3 });
      const { id } = await createShow({ rollbackContacts: [] });
      await inject('PUT', `/api/v1/shows/${id}/offers`, asOwner(), { offerIds: [sampled.offerId] });
      const response = await inject('POST', `/api/v1/shows/${id}/go-live`, asOwner(), {
        override: { reason: 'Retailer window closes tonight; legal on the phone' },
      });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expect(body.overridden).toBe(true);
      expect(body.failing).toContain('rollback_contacts');
      expect(body.show).toMatchObject({
        status: 'live',
        override: {
          reason: 'Retailer window closes tonight; legal on the phone',
          byUserId: acme.ownerId,
        },
      });

      const audit = await inject(
        'GET',
        `/api/v1/audit/entries?action=show.override&subjectId=${id}`,
        asOwner(),
      );
      const [entry] = audit.json().items;
      expect(entry).toMatchObject({
        reason: 'Retailer window closes tonight; legal on the phone',
        actor: { id: acme.ownerId },
      });
      expect(entry.data.failing).toEqual(body.failing);

      const jobs = await governance.pendingJobs('show.checkout_sample');
      expect(
        jobs
          .filter((job) => job.key.includes(id))
          .map((job) => job.runAt.getTime() - clock.now().getTime()),
      ).toEqual([1, 2, 3, 4, 5, 6].map((hours) => hours * hourMs));

      clock.advance(hourMs);
      await context.services.scheduler.runDue();
      await inject('POST', `/api/v1/offers/${sampled.offerId}/pause`, asOwner());
      clock.advance(hourMs);
      await context.services.scheduler.runDue();
      const show = (await inject('GET', `/api/v1/shows/${id}`, asOwner())).json();
      expect(show.checkoutSamples).toMatchObject([
        { sampleNumber: 1, ok: true, results: [{ offerId: sampled.offerId, state: 'live' }] },
        { sampleNumber: 2, ok: false, results: [{ offerId: sampled.offerId, state: 'paused' }] },
      ]);
      const alerts = await governance.notificationsOf(acme.ownerCookie);
      expect(alerts.map((n) => n.kind)).toContain('show.checkout_sample_failed');

      // Ending the show drops the samples still pending.
      await inject('POST', `/api/v1/shows/${id}/end`, asOwner());
      expect(
        (await governance.pendingJobs('show.checkout_sample')).filter((job) =>
          job.key.includes(id),
        ),
      ).toEqual([]);
    });
  });

  describe('the agency policy bundle', () => {
    it('alerts the owner when the bundle is missing 72 hours before the show', async () => {
      const campaign = await governance.campaign('Agency spring promo', 'agency_managed');
      const startsAt = new Date(clock.now().getTime() + 100 * hourMs);
      const late = await createShow({
        campaignId: campaign,
        title: 'Agency show without bundle',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + hourMs).toISOString(),
      });
      const onTime = await createShow({
        campaignId: campaign,
        title: 'Agency show with bundle',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + hourMs).toISOString(),
      });
      await inject('PUT', `/api/v1/shows/${onTime.id}/documents`, asOwner(), {
        documents: [{ documentId: script.documentId }],
      });
      const submitted = await inject(
        'POST',
        `/api/v1/shows/${onTime.id}/policy-bundle`,
        { cookie: members.agency.cookie },
        {
          finalCopyDocumentId: script.documentId,
          checkoutScreenshotUrl: 'https://files.example/checkout.png',
          legalExceptionUrl: 'https://files.example/legal-exception.pdf',
        },
      );
      expect(submitted.statusCode, submitted.body).toBe(200);

      clock.advance(27 * hourMs);
      await context.services.scheduler.runDue();
      expect((await inject('GET', `/api/v1/shows/${late.id}`, asOwner())).json().alerts).toEqual(
        [],
      );

      clock.advance(hourMs);
      await context.services.scheduler.runDue();
      const alerted = (await inject('GET', `/api/v1/shows/${late.id}`, asOwner())).json();
      expect(alerted.alerts).toMatchObject([{ kind: 'policy_bundle_missing' }]);
      expect((await inject('GET', `/api/v1/shows/${onTime.id}`, asOwner())).json().alerts).toEqual(
        [],
      );
      const ownerNotifications = await governance.notificationsOf(acme.ownerCookie);
      expect(
        ownerNotifications.filter(
          (n) => n.kind === 'policy_bundle.missing' && n.title.includes('without bundle'),
        ),
      ).toHaveLength(1);
      expect(
        (await governance.notificationsOf(members.producer.cookie)).filter(
          (n) => n.kind === 'policy_bundle.missing',
        ),
      ).toEqual([]);
    });

    it('takes a bundle only for agency-managed shows', async () => {
      const { id } = await createShow();
      const response = await inject(
        'POST',
        `/api/v1/shows/${id}/policy-bundle`,
        { cookie: members.agency.cookie },
        {
          finalCopyDocumentId: script.documentId,
          checkoutScreenshotUrl: 'https://files.example/checkout.png',
        },
      );
      expect(response.statusCode).toBe(409);
    });
  });

  describe('the calendar', () => {
    it('lists shows in a date range with the brand timezone', async () => {
      const from = clock.now();
      const startsAt = new Date(from.getTime() + 30 * 24 * hourMs);
      const later = await createShow({
        title: 'Next month',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + hourMs).toISOString(),
      });
      const range = `from=${startsAt.toISOString()}&to=${new Date(startsAt.getTime() + 24 * hourMs).toISOString()}`;
      const listed = await inject('GET', `/api/v1/shows?${range}`, asOwner());
      expect(listed.json().items).toEqual([
        expect.objectContaining({
          id: later.id,
          title: 'Next month',
          timezone: 'UTC',
          brandName: 'Acme Brand',
        }),
      ]);
    });

    it('names the field of bad input and changes nothing', async () => {
      const cases: Array<[object, string]> = [
        [{ title: '' }, 'title'],
        [{ endsAt: '2026-03-02T08:00:00Z' }, 'endsAt'],
        [{ streamUrl: 'ftp://example.com/live' }, 'streamUrl'],
        [{ markets: ['France'] }, 'markets'],
        [{ brandId: globex.brandId }, 'brandId'],
      ];
      const before = (await inject('GET', '/api/v1/shows', asOwner())).json().items.length;
      for (const [override, field] of cases) {
        const response = await inject('POST', '/api/v1/shows', asOwner(), {
          brandId: acme.brandId,
          title: 'Bad',
          startsAt: '2026-03-02T10:00:00Z',
          endsAt: '2026-03-02T11:00:00Z',
          ...override,
        });
        expect(response.statusCode, JSON.stringify(override)).toBe(400);
        expect(response.json().error.message).toContain(field);
      }
      expect((await inject('GET', '/api/v1/shows', asOwner())).json().items).toHaveLength(before);
    });

    it('keeps each organisation’s shows to itself', async () => {
      const { id } = await createShow();
      const other = { cookie: globex.ownerCookie };
      for (const [method, url] of [
        ['GET', `/api/v1/shows/${id}`],
        ['GET', `/api/v1/shows/${id}/preflight`],
        ['POST', `/api/v1/shows/${id}/go-live`],
        ['PATCH', `/api/v1/shows/${id}`],
      ] as const) {
        const response = await inject(
          method,
          url,
          other,
          method === 'PATCH' ? { title: 'Mine' } : undefined,
        );
        expect(response.statusCode, `${method} ${url}`).toBe(404);
      }
      expect((await inject('GET', '/api/v1/shows', other)).json().items).toEqual([]);
      const attach = await inject('PUT', `/api/v1/shows/${id}/offers`, asOwner(), { offerIds: [] });
      expect(attach.statusCode).toBe(200);
      const foreignOffer = await liveOffer(context.app, globex, { units: 1 });
      const refused = await inject('PUT', `/api/v1/shows/${id}/offers`, asOwner(), {
        offerIds: [foreignOffer.offerId],
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.details.field).toBe('offerIds.0');
    });
  });
});
