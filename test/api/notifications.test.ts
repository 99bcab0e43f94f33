import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import {
  type FakeSmtpServer,
  parseReceivedMail,
  startFakeSmtpServer,
} from '../support/fake-smtp-server.js';
import {
  addSignedInMember,
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../support/test-app.js';

describe('in-app notifications', () => {
  const clock = new ManualClock('2026-03-01T09:00:00Z');
  let context: TestContext;
  let acme: SeededOrganization;
  let globex: SeededOrganization;
  let legal: { userId: string; cookie: string };
  let producer: { userId: string; cookie: string };

  beforeAll(async () => {
    context = await createTestContext({ clock });
    acme = await seedOrganization(context, 'Acme');
    globex = await seedOrganization(context, 'Globex');
    legal = await addSignedInMember(context, acme.organizationId, 'legal@acme.test', 'legal');
    producer = await addSignedInMember(
      context,
      acme.organizationId,
      'producer@acme.test',
      'producer',
    );
  });
  afterAll(async () => {
    await context.close();
  });

  const inbox = async (cookie: string) => {
    const response = await context.app.inject({
      url: '/api/v1/notifications',
      headers: { cookie },
    });
    expect(response.statusCode).toBe(200);
    return response.json() as {
      items: Array<{
        id: string;
        kind: string;
        title: string;
        link: string | null;
        readAt: string | null;
      }>;
      unreadCount: number;
    };
  };

  it('reaches the users named and every member holding one of the roles, each once', async () => {
    await context.services.notifier.notify({
      organizationId: acme.organizationId,
      kind: 'approval.reminder',
      title: 'Script approval due in 2 hours',
      body: 'The Spring drop script needs your sign-off.',
      link: '/approvals/documents/doc-1',
      recipients: { userIds: [legal.userId], roles: ['legal', 'owner'] },
      data: { documentId: 'doc-1' },
    });

    for (const member of [legal, { cookie: acme.ownerCookie }]) {
      const { items, unreadCount } = await inbox(member.cookie);
      expect(unreadCount).toBe(1);
      expect(items).toEqual([
        expect.objectContaining({
          kind: 'approval.reminder',
          title: 'Script approval due in 2 hours',
          body: 'The Spring drop script needs your sign-off.',
          link: '/approvals/documents/doc-1',
          data: { documentId: 'doc-1' },
          createdAt: '2026-03-01T09:00:00.000Z',
          readAt: null,
        }),
      ]);
    }
    expect((await inbox(producer.cookie)).items).toEqual([]);
  });

  it('never notifies a user of another organisation, even when named', async () => {
    await context.services.notifier.notify({
      organizationId: acme.organizationId,
      kind: 'approval.overdue',
      title: 'Overdue',
      body: 'Past its deadline.',
      recipients: { userIds: [globex.ownerId] },
    });
    expect((await inbox(globex.ownerCookie)).items).toEqual([]);
  });

  it('lists unread first, marks one read, then all', async () => {
    const notify = (title: string) =>
      context.services.notifier.notify({
        organizationId: acme.organizationId,
        kind: 'show.go_no_go',
        title,
        body: title,
        recipients: { userIds: [producer.userId] },
      });
    await notify('First');
    clock.advance(60_000);
    await notify('Second');
    clock.advance(60_000);
    await notify('Third');

    const before = await inbox(producer.cookie);
    expect(before.items.map((item) => item.title)).toEqual(['Third', 'Second', 'First']);
    expect(before.unreadCount).toBe(3);
    const first = before.items[2];

    clock.advance(60_000);
    const read = await context.app.inject({
      method: 'POST',
      url: `/api/v1/notifications/${first?.id}/read`,
      headers: { cookie: producer.cookie },
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: first?.id, readAt: '2026-03-01T09:03:00.000Z' });

    const after = await inbox(producer.cookie);
    expect(after.unreadCount).toBe(2);
    expect(after.items.map((item) => [item.title, item.readAt !== null])).toEqual([
      ['Third', false],
      ['Second', false],
      ['First', true],
    ]);

    const all = await context.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/read-all',
      headers: { cookie: producer.cookie },
    });
    expect(all.json()).toEqual({ updated: 2 });
    expect((await inbox(producer.cookie)).unreadCount).toBe(0);
  });

  it('answers 404 for a notification of someone else, in this organisation or another', async () => {
    const theirs = (await inbox(legal.cookie)).items[0];
    for (const cookie of [producer.cookie, globex.ownerCookie]) {
      const response = await context.app.inject({
        method: 'POST',
        url: `/api/v1/notifications/${theirs?.id}/read`,
        headers: { cookie },
      });
      expect(response.statusCode).toBe(404);
    }
    expect((await inbox(legal.cookie)).unreadCount).toBeGreaterThan(0);
  });

  it('refuses an API token, which has no inbox, and a bad id or limit', async () => {
    const created = await context.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie: acme.ownerCookie },
      payload: { name: 'CI', role: 'owner' },
    });
    const token = created.json().token as string;
    const byToken = await context.app.inject({
      url: '/api/v1/notifications',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(byToken.statusCode).toBe(403);
    expect(byToken.json().error.message).toMatch(/API tokens have no notifications/);

    const badId = await context.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/not-a-uuid/read',
      headers: { cookie: legal.cookie },
    });
    expect(badId.statusCode).toBe(400);
    const badLimit = await context.app.inject({
      url: '/api/v1/notifications?limit=0',
      headers: { cookie: legal.cookie },
    });
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json().error.message).toMatch(/limit/);
  });

  it('asks to sign in without a session', async () => {
    const response = await context.app.inject({ url: '/api/v1/notifications' });
    expect(response.statusCode).toBe(401);
  });

  it('publishes each notification as a webhook event of its kind', async () => {
    const created = await context.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: { cookie: acme.ownerCookie },
      payload: { url: 'https://hooks.acme.test/mydrop', eventTypes: ['approval.*'] },
    });
    expect(created.statusCode).toBe(201);
    await context.services.notifier.notify({
      organizationId: acme.organizationId,
      kind: 'approval.overdue',
      title: 'Script approval overdue',
      body: 'Escalated to the owner.',
      link: '/approvals/documents/doc-1',
      recipients: { roles: ['owner'] },
      data: { documentId: 'doc-1' },
    });
    const deliveries = await context.app.inject({
      url: `/api/v1/webhooks/${created.json().id}/deliveries`,
      headers: { cookie: acme.ownerCookie },
    });
    expect(deliveries.json().items).toEqual([
      expect.objectContaining({
        type: 'approval.overdue',
        status: 'pending',
        payload: expect.objectContaining({
          type: 'approval.overdue',
          organizationId: acme.organizationId,
          data: {
            documentId: 'doc-1',
            title: 'Script approval overdue',
            body: 'Escalated to the owner.',
            link: '/approvals/documents/doc-1',
            recipientUserIds: [acme.ownerId],
          },
        }),
      }),
    ]);
  });
});

describe('notification e-mail', () => {
  const clock = new ManualClock('2026-03-01T09:00:00Z');
  let smtp: FakeSmtpServer;
  let context: TestContext;
  let acme: SeededOrganization;

  beforeAll(async () => {
    smtp = await startFakeSmtpServer();
    context = await createTestContext({
      clock,
      mail: {
        smtp: {
          host: '127.0.0.1',
          port: smtp.port,
          secure: false,
          username: 'mailer',
          password: 'pw',
        },
        from: 'Mydrop <noreply@mydrop.test>',
      },
    });
    acme = await seedOrganization(context, 'Acme');
    await addSignedInMember(context, acme.organizationId, 'legal@acme.test', 'legal');
  });
  afterAll(async () => {
    await context.close();
    await smtp.close();
  });

  it('sends each recipient an e-mail from a job, not from the request', async () => {
    await context.services.notifier.notify({
      organizationId: acme.organizationId,
      kind: 'approval.overdue',
      title: 'Claims approval overdue',
      body: 'The claims sheet is past its deadline.',
      link: '/approvals/documents/doc-9',
      recipients: { roles: ['legal', 'owner'] },
    });
    expect(smtp.received).toEqual([]);

    expect(await context.services.scheduler.runDue()).toBe(2);
    expect(smtp.received.flatMap((mail) => mail.to).sort()).toEqual([
      'legal@acme.test',
      'owner@acme.test',
    ]);
    for (const mail of smtp.received) {
      expect(mail.auth).toBe('mailer:pw');
      const { headers, body } = parseReceivedMail(mail.data);
      expect(headers.subject).toBe('Claims approval overdue');
      expect(headers.from).toBe('Mydrop <noreply@mydrop.test>');
      expect(body).toContain('The claims sheet is past its deadline.');
      expect(body).toContain('/approvals/documents/doc-9');
    }
  });

  it('retries an e-mail the server turned away', async () => {
    smtp.failMailFrom = true;
    const before = smtp.received.length;
    await context.services.notifier.notify({
      organizationId: acme.organizationId,
      kind: 'show.go_no_go',
      title: 'Go/no-go failed',
      body: 'Stock is not reserved.',
      recipients: { roles: ['owner'] },
    });
    await context.services.scheduler.runDue();
    expect(smtp.received.length).toBe(before);

    smtp.failMailFrom = false;
    clock.advance(60_000);
    expect(await context.services.scheduler.runDue()).toBe(1);
    expect(smtp.received.length).toBe(before + 1);
    expect(parseReceivedMail(smtp.received.at(-1)?.data ?? '').headers.subject).toBe(
      'Go/no-go failed',
    );
  });
});
