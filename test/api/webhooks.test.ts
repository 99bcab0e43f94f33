import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import {
  DurableScheduler,
  ScheduledJobsRepository,
  SecretBox,
  verifyWebhookSignature,
  WebhookPublisher,
  WebhooksRepository,
} from '../../src/modules/notifications/index.js';
import {
  addSignedInMember,
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
  testSecret,
} from '../support/test-app.js';
import { startReceiver } from '../support/webhook-receiver.js';

/**
 * Subscriptions that receive events point at local receivers, or at a closed local port: a
 * test never waits on DNS or the network.
 */
describe('outbound webhooks', () => {
  const clock = new ManualClock('2026-03-01T09:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;
  let globex: SeededOrganization;
  const unix = () => Math.floor(clock.now().getTime() / 1000);

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
    globex = await seedOrganization(context, 'Globex');
  });
  afterAll(async () => {
    await context.close();
  });

  const subscribe = (cookie: string, payload: Record<string, unknown>) =>
    context.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { cookie }, payload });

  const deliveriesOf = async (id: string, cookie = acme.ownerCookie) => {
    const response = await context.app.inject({
      url: `/api/v1/webhooks/${id}/deliveries`,
      headers: { cookie },
    });
    expect(response.statusCode).toBe(200);
    return response.json().items as Array<Record<string, unknown>>;
  };

  it('shows the signing secret once, on creation', async () => {
    const created = await subscribe(acme.ownerCookie, {
      url: 'https://hooks.acme.test/mydrop',
      eventTypes: ['approval.overdue', 'show.*'],
      description: 'Ops channel',
    });
    expect(created.statusCode).toBe(201);
    const subscription = created.json();
    expect(subscription).toMatchObject({
      url: 'https://hooks.acme.test/mydrop',
      eventTypes: ['approval.overdue', 'show.*'],
      description: 'Ops channel',
      active: true,
    });
    expect(subscription.secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
    expect(subscription.secretHint).toBe(`${subscription.secret.slice(0, 10)}…`);

    const listed = await context.app.inject({
      url: '/api/v1/webhooks',
      headers: { cookie: acme.ownerCookie },
    });
    expect(listed.json().items).toEqual([
      expect.objectContaining({ id: subscription.id, secretHint: subscription.secretHint }),
    ]);
    expect(listed.body).not.toContain(subscription.secret);
    const stored = await context.database.db
      .selectFrom('webhookSubscriptions')
      .select('secretCiphertext')
      .where('id', '=', subscription.id)
      .executeTakeFirstOrThrow();
    expect(stored.secretCiphertext).not.toContain(subscription.secret.slice(6));
    await context.app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${subscription.id}`,
      headers: { cookie: acme.ownerCookie },
    });
  });

  it('delivers a signed event that the receiver can verify', async () => {
    const receiver = await startReceiver(() => 204);
    try {
      const created = (
        await subscribe(acme.ownerCookie, { url: receiver.url, eventTypes: ['*'] })
      ).json();
      await context.services.events.publish(acme.organizationId, 'offer.sold_out', {
        offerId: 'offer-1',
        note: 'ünïcode ✓',
      });
      // Durable on return, delivered by the scheduler.
      expect(receiver.received).toEqual([]);
      await context.services.scheduler.runDue();

      expect(receiver.received).toHaveLength(1);
      const [request] = receiver.received;
      const envelope = JSON.parse(request?.body ?? '{}');
      expect(envelope).toEqual({
        id: expect.any(String),
        type: 'offer.sold_out',
        organizationId: acme.organizationId,
        occurredAt: '2026-03-01T09:00:00.000Z',
        data: { offerId: 'offer-1', note: 'ünïcode ✓' },
      });
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.headers['mydrop-event-id']).toBe(envelope.id);
      const signature = String(request?.headers['mydrop-signature']);
      expect(signature).toMatch(new RegExp(`^t=${unix()},v1=[0-9a-f]{64}$`));
      expect(verifyWebhookSignature(created.secret, request?.body ?? '', signature, unix())).toBe(
        true,
      );
      expect(verifyWebhookSignature('whsec_wrong', request?.body ?? '', signature, unix())).toBe(
        false,
      );
      expect(verifyWebhookSignature(created.secret, `${request?.body} `, signature, unix())).toBe(
        false,
      );
      expect(
        verifyWebhookSignature(created.secret, request?.body ?? '', signature, unix() + 600),
      ).toBe(false);

      const [delivery] = await deliveriesOf(created.id);
      expect(delivery).toMatchObject({
        eventId: envelope.id,
        type: 'offer.sold_out',
        status: 'delivered',
        attempts: 1,
        lastStatusCode: 204,
        lastError: null,
        nextAttemptAt: null,
        deliveredAt: '2026-03-01T09:00:00.000Z',
      });
      await context.app.inject({
        method: 'DELETE',
        url: `/api/v1/webhooks/${created.id}`,
        headers: { cookie: acme.ownerCookie },
      });
    } finally {
      await receiver.close();
    }
  });

  it('retries a failing receiver with growing waits, then gives up', async () => {
    const receiver = await startReceiver(() => 500);
    try {
      const created = (
        await subscribe(acme.ownerCookie, { url: receiver.url, eventTypes: ['show.live'] })
      ).json();
      await context.services.events.publish(acme.organizationId, 'show.live', { showId: 's1' });
      const start = clock.now().getTime();

      await context.services.scheduler.runDue();
      let [delivery] = await deliveriesOf(created.id);
      expect(delivery).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastStatusCode: 500,
        lastError: 'the receiver answered 500',
        nextAttemptAt: new Date(start + 30_000).toISOString(),
      });

      // Not before its time.
      clock.advance(29_000);
      await context.services.scheduler.runDue();
      expect(receiver.received).toHaveLength(1);

      const waits: number[] = [];
      let lastRunAt = start;
      for (let attempt = 2; attempt <= 8; attempt++) {
        [delivery] = await deliveriesOf(created.id);
        const next = new Date(String(delivery?.nextAttemptAt)).getTime();
        waits.push(next - lastRunAt);
        clock.set(new Date(next));
        await context.services.scheduler.runDue();
        lastRunAt = next;
      }
      expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000]);
      expect(receiver.received).toHaveLength(8);
      [delivery] = await deliveriesOf(created.id);
      expect(delivery).toMatchObject({ status: 'failed', attempts: 8, nextAttemptAt: null });

      clock.advance(24 * 60 * 60_000);
      await context.services.scheduler.runDue();
      expect(receiver.received).toHaveLength(8);
      await context.app.inject({
        method: 'DELETE',
        url: `/api/v1/webhooks/${created.id}`,
        headers: { cookie: acme.ownerCookie },
      });
    } finally {
      await receiver.close();
    }
  });

  it('delivers on a retry once the receiver recovers', async () => {
    let status = 503;
    const receiver = await startReceiver(() => status);
    try {
      const created = (
        await subscribe(acme.ownerCookie, { url: receiver.url, eventTypes: ['*'] })
      ).json();
      await context.services.events.publish(acme.organizationId, 'approval.approved', {});
      await context.services.scheduler.runDue();
      status = 200;
      clock.advance(30_000);
      await context.services.scheduler.runDue();
      const [delivery] = await deliveriesOf(created.id);
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200 });
      expect(receiver.received[0]?.body).toBe(receiver.received[1]?.body);
      expect(receiver.received[0]?.headers['mydrop-event-id']).toBe(
        receiver.received[1]?.headers['mydrop-event-id'],
      );
      await context.app.inject({
        method: 'DELETE',
        url: `/api/v1/webhooks/${created.id}`,
        headers: { cookie: acme.ownerCookie },
      });
    } finally {
      await receiver.close();
    }
  });

  it('sends a test event to one subscription on request', async () => {
    const receiver = await startReceiver(() => 200);
    try {
      const created = (
        await subscribe(acme.ownerCookie, { url: receiver.url, eventTypes: ['show.live'] })
      ).json();
      const foreign = await context.app.inject({
        method: 'POST',
        url: `/api/v1/webhooks/${created.id}/test`,
        headers: { cookie: globex.ownerCookie },
      });
      expect(foreign.statusCode).toBe(404);

      const sent = await context.app.inject({
        method: 'POST',
        url: `/api/v1/webhooks/${created.id}/test`,
        headers: { cookie: acme.ownerCookie },
      });
      expect(sent.statusCode).toBe(202);
      await context.services.scheduler.runDue();
      expect(receiver.received.map((request) => JSON.parse(request.body))).toEqual([
        expect.objectContaining({
          id: sent.json().eventId,
          type: 'webhook.test',
          data: { subscriptionId: created.id },
        }),
      ]);
      expect(await deliveriesOf(created.id)).toEqual([
        expect.objectContaining({ type: 'webhook.test', status: 'delivered' }),
      ]);
      await context.app.inject({
        method: 'DELETE',
        url: `/api/v1/webhooks/${created.id}`,
        headers: { cookie: acme.ownerCookie },
      });
    } finally {
      await receiver.close();
    }
  });

  it('sends only the event types a subscription asked for, and only its own organisation’s', async () => {
    const approvals = (
      await subscribe(acme.ownerCookie, { url: 'http://127.0.0.1:9/a', eventTypes: ['approval.*'] })
    ).json();
    const shows = (
      await subscribe(acme.ownerCookie, { url: 'http://127.0.0.1:9/b', eventTypes: ['show.live'] })
    ).json();
    const foreign = (
      await subscribe(globex.ownerCookie, { url: 'http://127.0.0.1:9/c', eventTypes: ['*'] })
    ).json();
    await context.services.events.publish(acme.organizationId, 'approval.overdue', {});
    await context.services.events.publish(acme.organizationId, 'show.ended', {});

    expect((await deliveriesOf(approvals.id)).map((item) => item.type)).toEqual([
      'approval.overdue',
    ]);
    expect(await deliveriesOf(shows.id)).toEqual([]);
    expect(await deliveriesOf(foreign.id, globex.ownerCookie)).toEqual([]);
  });

  it('keeps organisations apart: another one gets 404', async () => {
    const created = (await subscribe(acme.ownerCookie, { url: 'http://127.0.0.1:9/d' })).json();
    const foreignDeliveries = await context.app.inject({
      url: `/api/v1/webhooks/${created.id}/deliveries`,
      headers: { cookie: globex.ownerCookie },
    });
    expect(foreignDeliveries.statusCode).toBe(404);
    const foreignDelete = await context.app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${created.id}`,
      headers: { cookie: globex.ownerCookie },
    });
    expect(foreignDelete.statusCode).toBe(404);

    const deleted = await context.app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${created.id}`,
      headers: { cookie: acme.ownerCookie },
    });
    expect(deleted.statusCode).toBe(204);
    const again = await context.app.inject({
      method: 'DELETE',
      url: `/api/v1/webhooks/${created.id}`,
      headers: { cookie: acme.ownerCookie },
    });
    expect(again.statusCode).toBe(404);
  });

  it('drops what was queued for a subscription that is removed', async () => {
    const receiver = await startReceiver(() => 200);
    try {
      const created = (
        await subscribe(acme.ownerCookie, { url: receiver.url, eventTypes: ['gone.*'] })
      ).json();
      await context.services.events.publish(acme.organizationId, 'gone.soon', {});
      await context.app.inject({
        method: 'DELETE',
        url: `/api/v1/webhooks/${created.id}`,
        headers: { cookie: acme.ownerCookie },
      });
      await context.services.scheduler.runDue();
      expect(receiver.received).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('lets social ops manage webhooks, and not a producer', async () => {
    const ops = await addSignedInMember(
      context,
      acme.organizationId,
      'ops@acme.test',
      'social_ops',
    );
    const producer = await addSignedInMember(
      context,
      acme.organizationId,
      'producer@acme.test',
      'producer',
    );
    expect((await subscribe(ops.cookie, { url: 'https://e.test/h' })).statusCode).toBe(201);
    const refused = await subscribe(producer.cookie, { url: 'https://f.test/h' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/webhooks\.manage/);
    const list = await context.app.inject({
      url: '/api/v1/webhooks',
      headers: { cookie: producer.cookie },
    });
    expect(list.statusCode).toBe(403);
  });

  it('refuses a bad URL or event type, naming the field, and creates nothing', async () => {
    const count = async () =>
      (
        await context.app.inject({
          url: '/api/v1/webhooks',
          headers: { cookie: globex.ownerCookie },
        })
      ).json().items.length;
    const before = await count();
    const badUrl = await subscribe(globex.ownerCookie, { url: 'ftp://files.test/x' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().error.message).toMatch(/url/);
    const withCredentials = await subscribe(globex.ownerCookie, { url: 'https://u:p@g.test/h' });
    expect(withCredentials.statusCode).toBe(400);
    expect(withCredentials.json().error.details).toMatchObject({ field: 'url' });
    const badType = await subscribe(globex.ownerCookie, {
      url: 'https://g.test/h',
      eventTypes: ['Approval Overdue'],
    });
    expect(badType.statusCode).toBe(400);
    expect(badType.json().error.message).toMatch(/eventTypes/);
    expect(await count()).toBe(before);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const document = (await context.app.inject({ url: '/api/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/webhooks',
        '/api/v1/webhooks/{id}',
        '/api/v1/webhooks/{id}/deliveries',
        '/api/v1/webhooks/{id}/test',
        '/api/v1/notifications',
        '/api/v1/notifications/{id}/read',
        '/api/v1/notifications/read-all',
      ]),
    );
  });
});

describe('a webhook receiver that does not answer', () => {
  const clock = new ManualClock('2026-03-01T09:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
  });
  afterAll(async () => {
    await context.close();
  });

  it('counts as a failed attempt after the timeout, and is tried again', async () => {
    const receiver = await startReceiver(() => 'hang');
    try {
      const created = (
        await context.app.inject({
          method: 'POST',
          url: '/api/v1/webhooks',
          headers: { cookie: acme.ownerCookie },
          payload: { url: receiver.url },
        })
      ).json();
      // The same tables, with a publisher whose timeout is short enough for a test.
      const scheduler = new DurableScheduler({
        repository: new ScheduledJobsRepository(context.database.db),
        clock,
      });
      const publisher = new WebhookPublisher({
        repository: new WebhooksRepository(context.database.db),
        scheduler,
        clock,
        secrets: new SecretBox(testSecret, 'webhook-signing-secrets'),
        timeoutMs: 200,
      });
      publisher.registerJobs(scheduler);
      await publisher.publish(acme.organizationId, 'show.live', {});
      await scheduler.runDue();

      const deliveries = await context.app.inject({
        url: `/api/v1/webhooks/${created.id}/deliveries`,
        headers: { cookie: acme.ownerCookie },
      });
      expect(deliveries.json().items[0]).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastStatusCode: null,
        lastError: 'no answer within 0.2 s',
      });
    } finally {
      await receiver.close();
    }
  });
});
