import { newId } from '../../lib/ids.js';
import type { Actor } from '../access/index.js';
import type { MatrixRow, SlaWindow } from './approval-matrix.js';
import type { ApprovalsStore } from './approvals.store.js';
import { type BusinessCalendar, slaDeadline } from './business-calendar.js';
import type { DocumentRow, VersionRow } from './documents.repository.js';
import { authorNotice, type Effects, noEffects, requestNotice } from './review-effects.js';
import { assignmentsForStage, type DecisionOutcome } from './review-flow.js';
import type { AssignmentRow, RoundRow } from './reviews.repository.js';

// Writing a round's stages and decisions, inside the transaction that holds the document.

/** Assigns every role of `stage`, due at the end of the SLA window from now. */
export async function openStage(
  tx: ApprovalsStore,
  round: RoundRow,
  row: MatrixRow,
  stage: number,
  now: Date,
  calendar: BusinessCalendar,
  sla: SlaWindow,
): Promise<AssignmentRow[]> {
  const deadline = slaDeadline(now, sla, calendar);
  const rows: AssignmentRow[] = assignmentsForStage(row.stages, stage).map((assignment) => ({
    id: newId(),
    organizationId: round.organizationId,
    roundId: round.id,
    documentId: round.documentId,
    stage: assignment.stage,
    role: assignment.role,
    legalSignoff: assignment.legalSignoff,
    status: 'pending',
    assignedAt: now,
    deadline,
    remindedAt: null,
    overdueAt: null,
    escalationStep: 0,
    decidedByKind: null,
    decidedBy: null,
    decidedByName: null,
    decidedAt: null,
    approvedContentHash: null,
  }));
  await tx.reviews.insertAssignments(rows);
  return rows;
}

export interface DecisionContext {
  actor: Actor;
  actorName: string | null;
  document: DocumentRow;
  round: RoundRow;
  version: VersionRow;
  assignments: AssignmentRow[];
  assignmentId: string;
  outcome: DecisionOutcome;
  comments: Array<{ line: number; text: string }>;
  now: Date;
  calendar: BusinessCalendar;
}

/**
 * Records an allowed decision: the reviewer's assignment, their line comments, and what the
 * outcome does to the round (next stage, approved at this version's hash, or returned).
 */
export async function recordDecision(
  tx: ApprovalsStore,
  context: DecisionContext,
): Promise<Effects> {
  const { actor, actorName, document, round, version, outcome, now } = context;
  const organizationId = document.organizationId;
  const documentId = document.id;
  const assignment = context.assignments.find((candidate) => candidate.id === context.assignmentId);
  if (!assignment)
    throw new Error(`assignment ${context.assignmentId} is not in round ${round.id}`);
  const decision = outcome.assignmentStatus === 'approved' ? 'approve' : 'return';
  const effects = noEffects();
  await tx.reviews.updateAssignments(organizationId, [assignment.id], {
    status: outcome.assignmentStatus,
    decidedByKind: actor.kind,
    decidedBy: actor.id,
    decidedByName: actorName,
    decidedAt: now,
    approvedContentHash: decision === 'approve' ? version.contentHash : null,
  });
  await tx.reviews.updateAssignments(
    organizationId,
    outcome.closedAssignmentIds,
    { status: 'closed' },
    'pending',
  );
  effects.untrack.push(assignment.id, ...outcome.closedAssignmentIds);
  await tx.reviews.insertComments(
    context.comments.map((comment) => ({
      id: newId(),
      organizationId,
      documentId,
      versionId: version.id,
      assignmentId: assignment.id,
      line: comment.line,
      body: comment.text,
      authorKind: actor.kind,
      authorId: actor.id,
      authorRole: actor.role,
      authorName: actorName,
      createdAt: now,
    })),
  );
  const decided = {
    roundId: round.id,
    role: assignment.role,
    stage: assignment.stage + 1,
    versionId: version.id,
    versionNumber: version.number,
    contentHash: version.contentHash,
  };
  if (decision === 'return') {
    await tx.reviews.updateRound(organizationId, round.id, {
      status: 'returned',
      closedAt: now,
    });
    await tx.documents.updateDocument(organizationId, documentId, {
      status: 'returned',
      updatedAt: now,
    });
    effects.audits.push({
      organizationId,
      actor,
      action: 'document.returned',
      subjectType: 'document',
      subjectId: documentId,
      data: { ...decided, lines: context.comments.map((comment) => comment.line) },
    });
    effects.notifications.push(
      authorNotice(round, version, {
        kind: 'document.returned',
        title: `Returned: ${document.title}`,
        body: `The ${assignment.role} reviewer returned v${version.number} of “${document.title}” with ${context.comments.length} line ${context.comments.length === 1 ? 'comment' : 'comments'}. The re-review is due within 24 hours of the next submission.`,
        document,
      }),
    );
    return effects;
  }
  effects.audits.push({
    organizationId,
    actor,
    action: 'document.review_approved',
    subjectType: 'document',
    subjectId: documentId,
    data: decided,
  });
  if (outcome.openStage !== null) {
    const opened = await openStage(
      tx,
      round,
      round.matrixRow as MatrixRow,
      outcome.openStage,
      now,
      context.calendar,
      round.sla as SlaWindow,
    );
    await tx.reviews.updateRound(organizationId, round.id, {
      currentStage: outcome.openStage,
    });
    effects.track.push(...opened);
    effects.notifications.push(requestNotice(document, version, opened));
  }
  if (outcome.roundStatus === 'approved') {
    await tx.reviews.updateRound(organizationId, round.id, {
      status: 'approved',
      closedAt: now,
    });
    await tx.documents.updateDocument(organizationId, documentId, {
      status: 'approved',
      approvedVersionId: version.id,
      approvedContentHash: version.contentHash,
      approvedAt: now,
      updatedAt: now,
    });
    const approvers = context.assignments
      .filter((a) => a.status === 'approved' || a.id === assignment.id)
      .map((a) => ({
        role: a.role,
        actorId: a.id === assignment.id ? actor.id : a.decidedBy,
        kind: a.id === assignment.id ? actor.kind : a.decidedByKind,
      }));
    effects.audits.push({
      organizationId,
      actor,
      action: 'document.approved',
      subjectType: 'document',
      subjectId: documentId,
      data: { ...decided, approvers },
    });
    effects.notifications.push(
      authorNotice(round, version, {
        kind: 'document.approved',
        title: `Approved: ${document.title}`,
        body: `v${version.number} of “${document.title}” is approved by every reviewer; the approval holds until the text changes.`,
        document,
      }),
    );
  }
  return effects;
}
