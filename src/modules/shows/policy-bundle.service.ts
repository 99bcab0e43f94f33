import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { ScheduledJob } from '../notifications/ports.js';
import { policyBundleDeadlineKey, policyBundleDueAt } from './show-jobs.js';
import type { ShowsDeps } from './show-ports.js';
import {
  needsPolicyBundle,
  operatingModelOf,
  requireRecord,
  requireStatus,
  viewOf,
} from './show-records.js';
import type { Show } from './show-view.js';

export interface PolicyBundleInput {
  finalCopyDocumentId: string;
  /** Defaults to the document's current version. */
  finalCopyVersionId?: string | undefined;
  checkoutScreenshotUrl: string;
  legalExceptionUrl?: string | null | undefined;
  note?: string | null | undefined;
}

function invalid(field: string, message: string): AppError {
  return new AppError('invalid', `${field}: ${message}`, { field });
}

/**
 * Seed 004: "For agency-managed work ... require the agency to submit a policy bundle 72
 * hours before a promo window: final copy, screenshot of the checkout, and a signed legal
 * exception if anything deviates." A missing bundle at T-72h alerts the owner.
 */
export class PolicyBundleService {
  constructor(private readonly deps: ShowsDeps) {}

  async submit(actor: Actor, showId: string, input: PolicyBundleInput): Promise<Show> {
    requirePermission(actor, 'documents.write');
    const record = await requireRecord(this.deps, actor.organizationId, showId);
    requireStatus(record.show, ['scheduled'], 'submit a policy bundle');
    if (!needsPolicyBundle(await operatingModelOf(this.deps, record.show)))
      throw new AppError(
        'conflict',
        'Only shows of agency-managed campaigns take a policy bundle',
        {
          rule: 'not_agency_managed',
        },
      );
    const [state] = await this.deps.documentApprovals.approvalStatesOf(actor.organizationId, [
      input.finalCopyDocumentId,
    ]);
    if (!state) throw invalid('finalCopyDocumentId', 'no such document in this organisation');
    const versionId = input.finalCopyVersionId ?? state.currentVersionId;
    if (versionId !== state.currentVersionId && versionId !== state.approvedVersionId)
      throw invalid(
        'finalCopyVersionId',
        "is neither the document's current nor its approved version",
      );
    const now = this.deps.clock.now();
    await this.deps.repository.savePolicyBundle({
      organizationId: actor.organizationId,
      showId,
      finalCopyDocumentId: state.documentId,
      finalCopyVersionId: versionId,
      checkoutScreenshotUrl: input.checkoutScreenshotUrl,
      legalExceptionUrl: input.legalExceptionUrl ?? null,
      note: input.note ?? null,
      submittedBy: actor.userId,
      submittedAt: now,
    });
    await this.deps.scheduler.cancel(actor.organizationId, policyBundleDeadlineKey(showId));
    const dueAt = policyBundleDueAt(record.show.startsAt);
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: 'policy_bundle.submitted',
      subjectType: 'show',
      subjectId: showId,
      data: {
        finalCopyDocumentId: state.documentId,
        finalCopyVersionId: versionId,
        checkoutScreenshotUrl: input.checkoutScreenshotUrl,
        legalExceptionUrl: input.legalExceptionUrl ?? null,
        dueAt: dueAt.toISOString(),
        late: now > dueAt,
      },
    });
    return viewOf(this.deps, await requireRecord(this.deps, actor.organizationId, showId));
  }

  /** The T-72h job: no bundle yet on a show that needs one raises an alert to the owner. */
  async runDeadline(job: ScheduledJob): Promise<void> {
    const showId = String(job.payload.showId);
    const record = await this.deps.repository.loadRecord(job.organizationId, showId);
    if (record?.show.status !== 'scheduled' || record.policyBundle) return;
    if (!needsPolicyBundle(await operatingModelOf(this.deps, record.show))) return;
    // A job that fires early (the show moved later and the job was not moved) waits its turn.
    const dueAt = policyBundleDueAt(record.show.startsAt);
    if (this.deps.clock.now() < dueAt) return;
    const message = `The agency's policy bundle for "${record.show.title}" was due ${dueAt.toISOString()} (72 hours before the show) and has not been submitted`;
    await this.deps.repository.insertAlert({
      id: newId(),
      organizationId: job.organizationId,
      showId,
      kind: 'policy_bundle_missing',
      message,
      createdAt: this.deps.clock.now(),
    });
    await this.deps.notifier.notify({
      organizationId: job.organizationId,
      kind: 'policy_bundle.missing',
      title: `Policy bundle missing: ${record.show.title}`,
      body: message,
      link: `/calendar/shows/${showId}`,
      recipients: { roles: ['owner'] },
      data: { showId, dueAt: dueAt.toISOString(), startsAt: record.show.startsAt.toISOString() },
    });
    await this.deps.audit.record({
      organizationId: job.organizationId,
      actor: null,
      action: 'policy_bundle.missing',
      subjectType: 'show',
      subjectId: showId,
      data: { dueAt: dueAt.toISOString() },
    });
  }
}
