import { type Actor, can, type Role } from '../access/index.js';
import type { ReviewStage } from './approval-matrix.js';

/**
 * The review state machine, without storage: whose turn it is, whether an actor may decide,
 * and what a decision does to the round. Seed 004: "make the accept-or-escalate decision
 * binary - either sign, or return with line-level edits".
 */

export const reviewDecisions = ['approve', 'return'] as const;
export type ReviewDecision = (typeof reviewDecisions)[number];

export type RoundStatus = 'open' | 'approved' | 'returned' | 'voided';
/**
 * `closed`: the round ended (another reviewer returned it) before this one decided;
 * `voided`: an edit replaced the version under review, or the approval it was part of.
 */
export type AssignmentStatus = 'pending' | 'approved' | 'returned' | 'closed' | 'voided';

export interface AssignmentState {
  id: string;
  /** 0-based index into the round's stages. */
  stage: number;
  role: Role;
  status: AssignmentStatus;
  legalSignoff: boolean;
}

export interface DecisionOutcome {
  assignmentStatus: 'approved' | 'returned';
  /** Pending assignments that end without a decision because the round ended. */
  closedAssignmentIds: string[];
  /** The stage whose reviewers are assigned next, when this decision completes a stage. */
  openStage: number | null;
  roundStatus: 'open' | 'approved' | 'returned';
}

/** The assignments of `stage` to create when it opens: one per role. */
export function assignmentsForStage(
  stages: readonly ReviewStage[],
  stage: number,
): Array<{ stage: number; role: Role; legalSignoff: boolean }> {
  const reviewStage = stages[stage];
  if (!reviewStage) return [];
  return reviewStage.roles.map((role) => ({ stage, role, legalSignoff: reviewStage.legalSignoff }));
}

/** The open assignment a role holds in the round, if it is that role's turn. */
export function pendingAssignmentOf(
  assignments: readonly AssignmentState[],
  role: Role,
): AssignmentState | undefined {
  return assignments.find(
    (assignment) => assignment.status === 'pending' && assignment.role === role,
  );
}

/**
 * What a decision does. A return ends the round at once (the other reviewers' assignments
 * close). An approval completes its stage when every role of the stage has approved; the
 * next stage opens, or, after the last, the round is approved.
 */
export function decisionOutcome(
  stages: readonly ReviewStage[],
  assignments: readonly AssignmentState[],
  assignmentId: string,
  decision: ReviewDecision,
): DecisionOutcome {
  const deciding = assignments.find((assignment) => assignment.id === assignmentId);
  if (deciding?.status !== 'pending') {
    throw new Error(`assignment ${assignmentId} is not pending`);
  }
  const othersPending = assignments
    .filter((assignment) => assignment.id !== assignmentId && assignment.status === 'pending')
    .map((assignment) => assignment.id);
  if (decision === 'return') {
    return {
      assignmentStatus: 'returned',
      closedAssignmentIds: othersPending,
      openStage: null,
      roundStatus: 'returned',
    };
  }
  const stageStillPending = assignments.some(
    (assignment) =>
      assignment.id !== assignmentId &&
      assignment.stage === deciding.stage &&
      assignment.status === 'pending',
  );
  if (stageStillPending) {
    return {
      assignmentStatus: 'approved',
      closedAssignmentIds: [],
      openStage: null,
      roundStatus: 'open',
    };
  }
  const nextStage = deciding.stage + 1;
  const last = nextStage >= stages.length;
  return {
    assignmentStatus: 'approved',
    closedAssignmentIds: [],
    openStage: last ? null : nextStage,
    roundStatus: last ? 'approved' : 'open',
  };
}

export type ReviewRefusalReason =
  | 'not_assigned'
  | 'needs_legal_signoff'
  | 'generated_needs_person'
  | 'own_version';

export interface ReviewRefusal {
  reason: ReviewRefusalReason;
  message: string;
}

export interface ReviewAttempt {
  actor: Actor;
  decision: ReviewDecision;
  /** The assignment the actor's role holds now, if any. */
  assignment: AssignmentState | undefined;
  /** Roles whose turn it is, for the message. */
  waitingOn: readonly Role[];
  version: { generated: boolean; authorKind: 'user' | 'token'; authorId: string };
}

/**
 * Why an actor may not decide, or null when they may. Reviewing is granted by the matrix, not
 * by a general permission: the role named on the open stage reviews it, and nobody reviews on
 * its behalf (not even the owner, unless the matrix names the owner).
 */
export function reviewRefusal(attempt: ReviewAttempt): ReviewRefusal | null {
  const { actor, assignment, version } = attempt;
  if (!assignment) {
    const waiting = attempt.waitingOn.length > 0 ? attempt.waitingOn.join(', ') : 'nobody';
    return {
      reason: 'not_assigned',
      message: `The ${actor.role} role has no review open on this document (waiting on ${waiting})`,
    };
  }
  if (assignment.legalSignoff && !can(actor.role, 'approvals.legal_signoff')) {
    return {
      reason: 'needs_legal_signoff',
      message: 'This stage is the legal sign-off (needs approvals.legal_signoff)',
    };
  }
  // Seed 004: "never automate final compliance, price, or contractual language". Text an
  // assistant wrote is signed by a person holding the role, never by an integration.
  if (version.generated && attempt.decision === 'approve' && actor.kind !== 'user') {
    return {
      reason: 'generated_needs_person',
      message:
        'This version was generated by an assistant: a person must approve it, not an API token',
    };
  }
  // Four eyes: whoever wrote a version does not approve it, even when their role reviews.
  if (
    attempt.decision === 'approve' &&
    version.authorKind === actor.kind &&
    version.authorId === actor.id
  ) {
    return {
      reason: 'own_version',
      message: 'You wrote this version, so someone else must approve it',
    };
  }
  return null;
}
