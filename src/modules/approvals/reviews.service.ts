import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type Actor, type Role, requirePermission } from '../access/index.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { Notifier } from '../notifications/ports.js';
import {
  type ApprovalMatrix,
  type DocumentType,
  type MatrixRow,
  matrixRowFor,
  reReviewWindow,
} from './approval-matrix.js';
import type { ApprovalsStore } from './approvals.store.js';
import type { BusinessCalendar } from './business-calendar.js';
import { type ReviewRound, toRound } from './document-views.js';
import type { VersionRow } from './documents.repository.js';
import { linesOf } from './line-diff.js';
import { openStage, recordDecision } from './review-decisions.js';
import { type Effects, noEffects, requestNotice } from './review-effects.js';
import {
  type AssignmentState,
  decisionOutcome,
  pendingAssignmentOf,
  type ReviewDecision,
  reviewRefusal,
} from './review-flow.js';
import type { ReviewSla } from './review-sla.js';
import type { AssignmentRow, RoundRow } from './reviews.repository.js';
import { buildWaitingBoard, type WaitingBoard } from './waiting-board.js';

export interface ReviewInput {
  versionId: string;
  decision: ReviewDecision;
  comments: Array<{ line: number; text: string }>;
}

export interface ReviewsDeps {
  store: ApprovalsStore;
  clock: Clock;
  audit: AuditRecorder;
  notifier: Notifier;
  sla: ReviewSla;
  matrixFor(organizationId: string, campaignId: string): Promise<ApprovalMatrix>;
  businessCalendarOf(organizationId: string): Promise<BusinessCalendar>;
  nameActor(actor: Actor): Promise<string | null>;
}

function toState(row: AssignmentRow): AssignmentState {
  return {
    id: row.id,
    stage: row.stage,
    role: row.role as Role,
    status: row.status as AssignmentState['status'],
    legalSignoff: row.legalSignoff,
  };
}

/**
 * Review rounds: submitting a version starts the first stage of the matrix row for its type;
 * reviewers approve or return with line comments; an edit voids what was under review or
 * approved. Approval is bound to the content hash of the version approved.
 */
export class ReviewsService {
  constructor(private readonly deps: ReviewsDeps) {}

  async submit(
    actor: Actor,
    documentId: string,
    input: { versionId?: string | undefined },
  ): Promise<ReviewRound> {
    requirePermission(actor, 'documents.write');
    const organizationId = actor.organizationId;
    const { store, clock } = this.deps;
    const existing = await store.documents.findDocument(organizationId, documentId);
    if (!existing) throw notFound('document', documentId);
    // Read outside the transaction: on PGlite it holds the only connection.
    const [matrix, calendar] = await Promise.all([
      this.deps.matrixFor(organizationId, existing.campaignId),
      this.deps.businessCalendarOf(organizationId),
    ]);
    const row = matrixRowFor(matrix, existing.type as DocumentType);
    if (!row) {
      throw new AppError('conflict', `The campaign's matrix has no row for ${existing.type}`, {
        reason: 'no_matrix_row',
      });
    }
    const effects = noEffects();
    const round = await store.transaction(async (tx) => {
      const document = await tx.documents.lockDocument(organizationId, documentId);
      if (!document?.currentVersionId) throw notFound('document', documentId);
      if (input.versionId && input.versionId !== document.currentVersionId) {
        throw new AppError(
          'conflict',
          `versionId: only the current version (v${document.currentVersionNumber}) can be submitted`,
          { field: 'versionId', currentVersionId: document.currentVersionId },
        );
      }
      if (document.status === 'in_review') {
        throw new AppError('conflict', 'The document is already under review', {
          reason: 'in_review',
        });
      }
      if (document.status === 'approved') {
        throw new AppError('conflict', 'The current version is already approved', {
          reason: 'approved',
        });
      }
      const version = await tx.documents.findVersion(
        organizationId,
        documentId,
        document.currentVersionId,
      );
      if (!version) throw notFound('version', document.currentVersionId);
      // Seed 004: "return with line-level edits and a 24-hour SLA for re-review".
      const lastDecided = await tx.reviews.findLastDecidedRound(organizationId, documentId);
      const reReview = lastDecided?.status === 'returned';
      const sla = reReview ? reReviewWindow : row.sla;
      const now = clock.now();
      const round: RoundRow = {
        id: newId(),
        organizationId,
        documentId,
        versionId: version.id,
        contentHash: version.contentHash,
        status: 'open',
        matrixRow: row,
        sla,
        reReview,
        currentStage: 0,
        submittedByKind: actor.kind,
        submittedBy: actor.id,
        submittedByUserId: actor.userId,
        submittedAt: now,
        closedAt: null,
        voidedAt: null,
        voidedByVersionId: null,
      };
      await tx.reviews.insertRound({
        ...round,
        matrixRow: JSON.stringify(row),
        sla: JSON.stringify(sla),
      });
      const opened = await openStage(tx, round, row, 0, now, calendar, sla);
      await tx.documents.updateDocument(organizationId, documentId, {
        status: 'in_review',
        updatedAt: now,
      });
      effects.track.push(...opened);
      effects.notifications.push(requestNotice(document, version, opened));
      effects.audits.push({
        organizationId,
        actor,
        action: 'document.submitted',
        subjectType: 'document',
        subjectId: documentId,
        data: {
          roundId: round.id,
          versionId: version.id,
          versionNumber: version.number,
          contentHash: version.contentHash,
          reReview,
          sla,
          stages: row.stages,
        },
      });
      return toRound(round, opened, version.number);
    });
    await this.apply(organizationId, effects);
    return round;
  }

  async review(actor: Actor, documentId: string, input: ReviewInput): Promise<ReviewRound> {
    const organizationId = actor.organizationId;
    const { store, clock } = this.deps;
    const existing = await store.documents.findDocument(organizationId, documentId);
    if (!existing) throw notFound('document', documentId);
    const [calendar, actorName] = await Promise.all([
      this.deps.businessCalendarOf(organizationId),
      this.deps.nameActor(actor),
    ]);
    const effects = noEffects();
    const roundId = await store.transaction(async (tx) => {
      const document = await tx.documents.lockDocument(organizationId, documentId);
      if (!document) throw notFound('document', documentId);
      const round = await tx.reviews.findOpenRound(organizationId, documentId);
      if (!round) {
        throw new AppError('conflict', 'The document is not under review', {
          reason: 'not_in_review',
          status: document.status,
        });
      }
      const version = await tx.documents.findVersion(organizationId, documentId, input.versionId);
      if (!version) {
        throw new AppError('invalid', 'versionId: no such version of this document', {
          field: 'versionId',
        });
      }
      if (version.id !== round.versionId) {
        throw new AppError(
          'conflict',
          `versionId: v${version.number} is not the version under review`,
          { field: 'versionId', versionUnderReview: round.versionId },
        );
      }
      const assignments = await tx.reviews.listAssignments(organizationId, [round.id]);
      const states = assignments.map(toState);
      const assignment = pendingAssignmentOf(states, actor.role);
      const refusal = reviewRefusal({
        actor,
        decision: input.decision,
        assignment,
        waitingOn: states.filter((a) => a.status === 'pending').map((a) => a.role),
        version: {
          generated: version.generated,
          authorKind: version.authorKind as 'user' | 'token',
          authorId: version.authorId,
        },
      });
      if (refusal || !assignment) {
        throw new AppError('forbidden', refusal?.message ?? 'Not your review', {
          reason: refusal?.reason ?? 'not_assigned',
        });
      }
      this.checkComments(input, version);
      const row = round.matrixRow as MatrixRow;
      const outcome = decisionOutcome(row.stages, states, assignment.id, input.decision);
      const decided = await recordDecision(tx, {
        actor,
        actorName,
        document,
        round,
        version,
        assignments,
        assignmentId: assignment.id,
        outcome,
        comments: input.comments,
        now: clock.now(),
        calendar,
      });
      effects.track.push(...decided.track);
      effects.untrack.push(...decided.untrack);
      effects.audits.push(...decided.audits);
      effects.notifications.push(...decided.notifications);
      return round.id;
    });
    await this.apply(organizationId, effects);
    const [round] = await this.roundsOf(organizationId, documentId, roundId);
    if (!round) throw notFound('review', roundId);
    return round;
  }

  /** Audits, notifications and SLA jobs of a committed change. */
  async apply(organizationId: string, effects: Effects): Promise<void> {
    await this.deps.sla.untrack(organizationId, effects.untrack);
    await this.deps.sla.track(effects.track);
    for (const entry of effects.audits) await this.deps.audit.record(entry);
    for (const notification of effects.notifications) await this.deps.notifier.notify(notification);
  }

  async history(actor: Actor, documentId: string): Promise<ReviewRound[]> {
    requirePermission(actor, 'organization.read');
    const document = await this.deps.store.documents.findDocument(actor.organizationId, documentId);
    if (!document) throw notFound('document', documentId);
    return this.roundsOf(actor.organizationId, documentId);
  }

  /** The document's rounds, newest first (or just one). */
  async roundsOf(
    organizationId: string,
    documentId: string,
    onlyRoundId?: string,
  ): Promise<ReviewRound[]> {
    const { store } = this.deps;
    const rounds = (await store.reviews.listRounds(organizationId, documentId)).filter(
      (round) => !onlyRoundId || round.id === onlyRoundId,
    );
    const [assignments, versions] = await Promise.all([
      store.reviews.listAssignments(
        organizationId,
        rounds.map((round) => round.id),
      ),
      store.documents.findVersionHashes(
        organizationId,
        rounds.map((round) => round.versionId),
      ),
    ]);
    return rounds.map((round) =>
      toRound(
        round,
        assignments,
        versions.find((version) => version.id === round.versionId)?.number ?? null,
      ),
    );
  }

  /** What is waiting on whom, and how late, from the clock. */
  async waiting(
    actor: Actor,
    filter: { campaignId?: string | undefined; role?: Role | undefined },
  ): Promise<WaitingBoard> {
    requirePermission(actor, 'calendar.read');
    const rows = await this.deps.store.reviews.listWaiting(actor.organizationId, filter);
    return buildWaitingBoard(rows, this.deps.clock.now());
  }

  private checkComments(input: ReviewInput, version: VersionRow): void {
    if (input.decision === 'return' && input.comments.length === 0) {
      throw new AppError(
        'invalid',
        'comments: a return needs at least one comment on a line of the version',
        { field: 'comments' },
      );
    }
    const lineCount = linesOf(version.content).length;
    input.comments.forEach((comment, index) => {
      if (comment.line > lineCount) {
        throw new AppError(
          'invalid',
          `comments.${index}.line: v${version.number} has ${lineCount} lines`,
          { field: `comments.${index}.line`, lineCount },
        );
      }
    });
  }
}
