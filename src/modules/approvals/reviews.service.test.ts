import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../db/database.js';
import { ManualClock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { Actor, Role } from '../access/index.js';
import type { AuditEntryInput, AuditRecorder } from '../audit/audit-recorder.js';
import type {
  JobHandler,
  JobHandlerRegistry,
  JobScheduler,
  NotificationInput,
  Notifier,
  ScheduledJob,
} from '../notifications/ports.js';
import { defaultMatrixFor } from './approval-matrix.js';
import { ApprovalsStore } from './approvals.store.js';
import { BusinessCalendarService } from './business-calendar.service.js';
import { CampaignsService } from './campaigns.service.js';
import { DocumentsService } from './documents.service.js';
import { overdueJobKey, ReviewSla, reminderJobKey } from './review-sla.js';
import { ReviewsService } from './reviews.service.js';

/** In-memory stand-ins for the ports, recording what the review flow asked of them. */
class FakeScheduler implements JobScheduler, JobHandlerRegistry {
  readonly jobs = new Map<string, ScheduledJob>();
  readonly handlers = new Map<string, JobHandler>();
  readonly cancelled: string[] = [];

  handle(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  async schedule(job: ScheduledJob): Promise<void> {
    this.jobs.set(job.key, job);
  }

  async cancel(_organizationId: string, key: string): Promise<void> {
    this.cancelled.push(key);
    this.jobs.delete(key);
  }

  /** Runs the job under `key` as the scheduler would at its time (it may reschedule itself). */
  async run(key: string): Promise<void> {
    const job = this.jobs.get(key);
    if (!job) throw new Error(`no job ${key}`);
    this.jobs.delete(key);
    await this.handlers.get(job.kind)?.(job);
  }
}

class FakeNotifier implements Notifier {
  readonly sent: NotificationInput[] = [];
  async notify(notification: NotificationInput): Promise<void> {
    this.sent.push(notification);
  }
}

class FakeAudit implements AuditRecorder {
  readonly entries: AuditEntryInput[] = [];
  async record(entry: AuditEntryInput): Promise<void> {
    this.entries.push(entry);
  }
}

describe('the review flow with fake scheduler, notifier and audit', () => {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const scheduler = new FakeScheduler();
  const notifier = new FakeNotifier();
  const audit = new FakeAudit();
  const organizationId = newId();
  const brandId = newId();
  let database: DatabaseHandle;
  let campaigns: CampaignsService;
  let documents: DocumentsService;
  let reviews: ReviewsService;
  const ids = new Map<string, string>();
  const actor = (role: Role): Actor => {
    const id = ids.get(role) ?? newId();
    ids.set(role, id);
    return { kind: 'user', id, organizationId, role, userId: id };
  };

  beforeAll(async () => {
    database = await openDatabase({});
    await migrateToLatest(database.db);
    await database.db
      .insertInto('organizations')
      .values({ id: organizationId, name: 'Acme', slug: 'acme', timezone: 'Europe/London' })
      .execute();
    await database.db
      .insertInto('brands')
      .values({
        id: brandId,
        organizationId,
        name: 'Aurora',
        slug: 'aurora',
        currency: 'EUR',
        timezone: 'UTC',
      })
      .execute();
    const store = new ApprovalsStore(database.db);
    campaigns = new CampaignsService({
      store,
      clock,
      audit,
      brandExists: async (_org, id) => id === brandId,
    });
    const calendar = new BusinessCalendarService({
      store,
      clock,
      audit,
      organizationTimezone: async () => 'Europe/London',
    });
    const sla = new ReviewSla({ store, clock, audit, scheduler, notifier });
    sla.register(scheduler);
    reviews = new ReviewsService({
      store,
      clock,
      audit,
      notifier,
      sla,
      matrixFor: (org, id) => campaigns.matrixFor(org, id),
      businessCalendarOf: (org) => calendar.businessCalendarOf(org),
      nameActor: async (who) => who.id,
    });
    documents = new DocumentsService({
      store,
      clock,
      audit,
      reviews,
      campaignExists: async (org, id) => (await campaigns.campaignOf(org, id)) !== undefined,
      nameActor: async (who) => who.id,
    });
  });
  afterAll(() => database.close());

  async function submittedScript(approvalPace: 'fast' | 'standard') {
    const campaign = await campaigns.create(actor('social_ops'), {
      brandId,
      name: 'Drop',
      kind: 'drop',
      startsAt: null,
      endsAt: null,
      ...{
        operatingModel: 'hybrid',
        offerComplexity: 'single_sku',
        conversionPath: 'landing_page',
      },
      approvalPace,
    } as const);
    const document = await documents.create(actor('comms'), {
      campaignId: campaign.id,
      type: 'host_script',
      title: 'Host script',
      subject: null,
      content: 'Line one\nLine two',
      generatedBy: null,
    });
    const round = await reviews.submit(actor('comms'), document.id, {});
    return { campaign, document, round };
  }

  it('schedules a reminder and an overdue job per assignment, from the business calendar', async () => {
    const { round } = await submittedScript('standard');
    const [brand] = round.assignments;
    if (!brand) throw new Error('no assignment');
    // Monday 09:00 UTC is 09:00 in London (GMT); five business days on: Monday 9 March.
    expect(brand.deadline).toEqual(new Date('2026-03-09T09:00:00Z'));
    expect(scheduler.jobs.get(reminderJobKey(brand.id))?.runAt).toEqual(
      new Date('2026-03-07T15:00:00Z'),
    );
    expect(scheduler.jobs.get(overdueJobKey(brand.id))).toMatchObject({
      kind: 'approval.overdue',
      runAt: new Date('2026-03-09T09:00:00Z'),
      payload: { assignmentId: brand.id, step: 0 },
    });
    expect(notifier.sent.at(-1)).toMatchObject({
      kind: 'approval.requested',
      recipients: { roles: ['brand_approver'] },
    });
  });

  it('reminds once, however many times the job runs', async () => {
    const { round } = await submittedScript('fast');
    const id = round.assignments[0]?.id ?? '';
    const job = scheduler.jobs.get(reminderJobKey(id));
    await scheduler.run(reminderJobKey(id));
    if (job) await scheduler.handlers.get(job.kind)?.(job);
    expect(
      notifier.sent.filter((n) => n.kind === 'approval.reminder' && n.data?.assignmentId === id),
    ).toHaveLength(1);
  });

  it('escalates along the path, one step per interval, and stops at its end', async () => {
    const { round, document } = await submittedScript('fast');
    const id = round.assignments[0]?.id ?? '';
    clock.advance(48 * 3_600_000);
    await scheduler.run(overdueJobKey(id));
    const overdue = notifier.sent.at(-1);
    // Hybrid: CC social ops; the path is brand approver, then the owner.
    expect(overdue).toMatchObject({
      kind: 'approval.overdue',
      recipients: { roles: ['brand_approver', 'social_ops'] },
    });
    const next = scheduler.jobs.get(overdueJobKey(id));
    expect(next?.payload.step).toBe(1);
    expect(next?.runAt.getTime()).toBe(
      (round.assignments[0]?.deadline.getTime() ?? 0) + 24 * 3_600_000,
    );
    await scheduler.run(overdueJobKey(id));
    expect(notifier.sent.at(-1)).toMatchObject({
      kind: 'approval.escalated',
      recipients: { roles: ['social_ops', 'owner'] },
    });
    expect(scheduler.jobs.has(overdueJobKey(id))).toBe(false);
    expect(audit.entries.filter((e) => e.subjectId === document.id).map((e) => e.action)).toEqual([
      'document.created',
      'document.submitted',
      'approval.overdue',
      'approval.escalated',
    ]);
    expect(audit.entries.at(-1)?.actor).toBeNull();
  });

  it('cancels the jobs of every assignment a decision ends', async () => {
    const { round, document } = await submittedScript('fast');
    const id = round.assignments[0]?.id ?? '';
    await reviews.review(actor('brand_approver'), document.id, {
      versionId: document.currentVersionId,
      decision: 'return',
      comments: [{ line: 1, text: 'Say hello first' }],
    });
    expect(scheduler.cancelled).toEqual(
      expect.arrayContaining([reminderJobKey(id), overdueJobKey(id)]),
    );
    expect(scheduler.jobs.has(reminderJobKey(id))).toBe(false);
    // A job that fires anyway (already claimed) finds nothing pending and says nothing.
    const before = notifier.sent.length;
    await scheduler.handlers.get('approval.overdue')?.({
      organizationId,
      kind: 'approval.overdue',
      key: overdueJobKey(id),
      runAt: clock.now(),
      payload: { assignmentId: id, step: 0 },
    });
    expect(notifier.sent.length).toBe(before);
  });

  it('cancels the jobs of a review voided by an edit, and answers the gate with the new version', async () => {
    const { round, document } = await submittedScript('fast');
    const id = round.assignments[0]?.id ?? '';
    const v2 = await documents.saveVersion(actor('comms'), document.id, {
      content: 'Line one\nLine two, fixed',
      note: null,
      generatedBy: null,
      baseVersionId: null,
    });
    expect(scheduler.jobs.has(overdueJobKey(id))).toBe(false);
    expect(audit.entries.at(-1)).toMatchObject({
      action: 'approval.voided',
      data: { voided: 'review', newVersionId: v2.id },
    });
    const [state] = await documents.approvalStatesOf(organizationId, [document.id]);
    expect(state).toMatchObject({
      currentVersionId: v2.id,
      currentVersionNumber: 2,
      approved: false,
      content: 'Line one\nLine two, fixed',
    });
  });

  it('keeps the matrix a review started with when the matrix changes mid-review', async () => {
    const { campaign, document } = await submittedScript('fast');
    const rows = defaultMatrixFor({
      operatingModel: 'hybrid',
      offerComplexity: 'single_sku',
      conversionPath: 'landing_page',
      approvalPace: 'fast',
    }).map((row) => ({ ...row, stages: [{ roles: ['owner' as Role], legalSignoff: false }] }));
    await campaigns.setMatrix(actor('legal'), campaign.id, rows);
    const round = await reviews.review(actor('brand_approver'), document.id, {
      versionId: document.currentVersionId,
      decision: 'approve',
      comments: [],
    });
    expect(round.assignments.map((a) => a.role)).toEqual(['brand_approver', 'legal']);
  });
});
