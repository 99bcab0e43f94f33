import type { Clock } from '../../lib/clock.js';
import type { Role } from '../access/index.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import type {
  JobHandlerRegistry,
  JobScheduler,
  Notifier,
  ScheduledJob,
} from '../notifications/ports.js';
import { type DocumentType, documentTypeLabels, type MatrixRow } from './approval-matrix.js';
import type { ApprovalsStore } from './approvals.store.js';
import { reminderTime } from './business-calendar.js';
import type { AssignmentRow } from './reviews.repository.js';

/**
 * SLA reminders and escalations for review assignments, run by the durable job scheduler so
 * they survive restarts. Each assignment has two jobs: a reminder three quarters of the way
 * to its deadline, and an overdue job at the deadline that tells the reviewer, the CC roles
 * and the first escalation role, then walks the escalation path one step per interval.
 * Jobs run at least once, so each handler re-reads the assignment and does nothing when it
 * is no longer pending or the step was already taken.
 */

export const reminderJobKind = 'approval.reminder';
export const overdueJobKind = 'approval.overdue';

const hourMs = 3_600_000;

export function reminderJobKey(assignmentId: string): string {
  return `approval.reminder:${assignmentId}`;
}

export function overdueJobKey(assignmentId: string): string {
  return `approval.overdue:${assignmentId}`;
}

export function documentLink(documentId: string): string {
  return `/approvals?document=${documentId}`;
}

export interface ReviewSlaDeps {
  store: ApprovalsStore;
  clock: Clock;
  audit: AuditRecorder;
  scheduler: JobScheduler;
  notifier: Notifier;
}

function describeDelay(ms: number): string {
  const hours = Math.round(ms / hourMs);
  if (hours < 1) return 'less than an hour';
  if (hours < 48) return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  return `${Math.round(hours / 24)} days`;
}

function unique(roles: Role[]): Role[] {
  return [...new Set(roles)];
}

export class ReviewSla {
  constructor(private readonly deps: ReviewSlaDeps) {}

  register(registry: JobHandlerRegistry): void {
    registry.handle(reminderJobKind, (job) => this.remind(job));
    registry.handle(overdueJobKind, (job) => this.escalate(job));
  }

  /** Schedules both jobs of newly opened assignments. */
  async track(assignments: readonly AssignmentRow[]): Promise<void> {
    for (const assignment of assignments) {
      const payload = { assignmentId: assignment.id, documentId: assignment.documentId };
      await this.deps.scheduler.schedule({
        organizationId: assignment.organizationId,
        kind: reminderJobKind,
        key: reminderJobKey(assignment.id),
        runAt: reminderTime(assignment.assignedAt, assignment.deadline),
        payload,
      });
      await this.deps.scheduler.schedule({
        organizationId: assignment.organizationId,
        kind: overdueJobKind,
        key: overdueJobKey(assignment.id),
        runAt: assignment.deadline,
        payload: { ...payload, step: 0 },
      });
    }
  }

  /** Drops the jobs of assignments that were decided, closed or voided. */
  async untrack(organizationId: string, assignmentIds: readonly string[]): Promise<void> {
    for (const id of assignmentIds) {
      await this.deps.scheduler.cancel(organizationId, reminderJobKey(id));
      await this.deps.scheduler.cancel(organizationId, overdueJobKey(id));
    }
  }

  private async load(job: ScheduledJob) {
    const assignmentId = String(job.payload.assignmentId ?? '');
    const { store } = this.deps;
    const assignment = await store.reviews.findAssignment(job.organizationId, assignmentId);
    if (assignment?.status !== 'pending') return undefined;
    const [round, document] = await Promise.all([
      store.reviews.findRound(job.organizationId, assignment.roundId),
      store.documents.findDocument(job.organizationId, assignment.documentId),
    ]);
    if (!round || !document) return undefined;
    const label = documentTypeLabels[document.type as DocumentType] ?? document.type;
    return { assignment, row: round.matrixRow as MatrixRow, document, label };
  }

  private async remind(job: ScheduledJob): Promise<void> {
    const loaded = await this.load(job);
    if (!loaded || loaded.assignment.remindedAt) return;
    const { assignment, document, label } = loaded;
    const now = this.deps.clock.now();
    const left = assignment.deadline.getTime() - now.getTime();
    await this.deps.notifier.notify({
      organizationId: assignment.organizationId,
      kind: 'approval.reminder',
      title: `Due in ${describeDelay(left)}: ${document.title}`,
      body: `${label} “${document.title}” waits on your ${assignment.role} review, due ${assignment.deadline.toISOString()}.`,
      link: documentLink(document.id),
      recipients: { roles: [assignment.role as Role] },
      data: this.eventData(assignment),
    });
    await this.deps.store.reviews.updateAssignments(
      assignment.organizationId,
      [assignment.id],
      { remindedAt: now },
      'pending',
    );
  }

  /**
   * Step 0 (at the deadline): the late reviewer, the CC roles and the first escalation role.
   * Step k: the k-th escalation role, with the CC roles again, `escalationIntervalHours`
   * after the one before.
   */
  private async escalate(job: ScheduledJob): Promise<void> {
    const loaded = await this.load(job);
    const step = Number(job.payload.step ?? 0);
    if (!loaded || loaded.assignment.escalationStep > step) return;
    const { assignment, row, document, label } = loaded;
    const now = this.deps.clock.now();
    const late = describeDelay(now.getTime() - assignment.deadline.getTime());
    const escalateTo = row.escalation[step];
    const roles = unique([
      ...(step === 0 ? [assignment.role as Role] : []),
      ...row.ccWhenLate,
      ...(escalateTo ? [escalateTo] : []),
    ]);
    const kind = step === 0 ? 'approval.overdue' : 'approval.escalated';
    await this.deps.notifier.notify({
      organizationId: assignment.organizationId,
      kind,
      title:
        step === 0
          ? `Late: ${document.title} is waiting on ${assignment.role}`
          : `Escalated: ${document.title} is ${late} late with ${assignment.role}`,
      body: `${label} “${document.title}” was due ${assignment.deadline.toISOString()} from the ${assignment.role} reviewer${escalateTo ? `; escalated to ${escalateTo}` : ''}.`,
      link: documentLink(document.id),
      recipients: { roles },
      data: { ...this.eventData(assignment), step, escalatedTo: escalateTo ?? null },
    });
    await this.deps.store.reviews.updateAssignments(
      assignment.organizationId,
      [assignment.id],
      { escalationStep: step + 1, ...(step === 0 ? { overdueAt: now } : {}) },
      'pending',
    );
    await this.deps.audit.record({
      organizationId: assignment.organizationId,
      actor: null,
      action: kind,
      subjectType: 'document',
      subjectId: document.id,
      data: { ...this.eventData(assignment), step, notifiedRoles: roles },
    });
    const next = step + 1;
    if (next < row.escalation.length) {
      await this.deps.scheduler.schedule({
        organizationId: assignment.organizationId,
        kind: overdueJobKind,
        key: overdueJobKey(assignment.id),
        runAt: new Date(
          assignment.deadline.getTime() + next * row.escalationIntervalHours * hourMs,
        ),
        payload: { assignmentId: assignment.id, documentId: document.id, step: next },
      });
    }
  }

  private eventData(assignment: AssignmentRow): Record<string, unknown> {
    return {
      documentId: assignment.documentId,
      assignmentId: assignment.id,
      roundId: assignment.roundId,
      role: assignment.role,
      stage: assignment.stage + 1,
      deadline: assignment.deadline.toISOString(),
    };
  }
}
