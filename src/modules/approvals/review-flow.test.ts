import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '../access/index.js';
import type { ReviewStage } from './approval-matrix.js';
import {
  type AssignmentState,
  assignmentsForStage,
  decisionOutcome,
  pendingAssignmentOf,
  type ReviewAttempt,
  reviewRefusal,
} from './review-flow.js';

const stages: ReviewStage[] = [
  { roles: ['brand_approver', 'finance'], legalSignoff: false },
  { roles: ['legal'], legalSignoff: true },
];

function assignment(id: string, stage: number, role: Role, status = 'pending'): AssignmentState {
  return {
    id,
    stage,
    role,
    status: status as AssignmentState['status'],
    legalSignoff: stages[stage]?.legalSignoff ?? false,
  };
}

const person = (role: Role, id = `user-${role}`): Actor => ({
  kind: 'user',
  id,
  organizationId: 'org',
  role,
  userId: id,
});
const token = (role: Role): Actor => ({
  kind: 'token',
  id: `token-${role}`,
  organizationId: 'org',
  role,
  userId: null,
});
const writtenByComms = { generated: false, authorKind: 'user' as const, authorId: 'user-comms' };

function attempt(actor: Actor, overrides: Partial<ReviewAttempt> = {}): ReviewAttempt {
  const open = [assignment('b', 0, 'brand_approver'), assignment('f', 0, 'finance')];
  return {
    actor,
    decision: 'approve',
    assignment: pendingAssignmentOf(open, actor.role),
    waitingOn: ['brand_approver', 'finance'],
    version: writtenByComms,
    ...overrides,
  };
}

describe('the review state machine', () => {
  it('assigns every role of a stage at once, with the stage’s sign-off flag', () => {
    expect(assignmentsForStage(stages, 0)).toEqual([
      { stage: 0, role: 'brand_approver', legalSignoff: false },
      { stage: 0, role: 'finance', legalSignoff: false },
    ]);
    expect(assignmentsForStage(stages, 1)).toEqual([
      { stage: 1, role: 'legal', legalSignoff: true },
    ]);
    expect(assignmentsForStage(stages, 2)).toEqual([]);
  });

  it('waits for every parallel reviewer of a stage before opening the next', () => {
    const open = [assignment('b', 0, 'brand_approver'), assignment('f', 0, 'finance')];
    expect(decisionOutcome(stages, open, 'b', 'approve')).toEqual({
      assignmentStatus: 'approved',
      closedAssignmentIds: [],
      openStage: null,
      roundStatus: 'open',
    });
    const oneApproved = [
      assignment('b', 0, 'brand_approver', 'approved'),
      assignment('f', 0, 'finance'),
    ];
    expect(decisionOutcome(stages, oneApproved, 'f', 'approve')).toMatchObject({
      openStage: 1,
      roundStatus: 'open',
    });
  });

  it('approves the round when the last stage approves', () => {
    const lastStage = [
      assignment('b', 0, 'brand_approver', 'approved'),
      assignment('f', 0, 'finance', 'approved'),
      assignment('l', 1, 'legal'),
    ];
    expect(decisionOutcome(stages, lastStage, 'l', 'approve')).toEqual({
      assignmentStatus: 'approved',
      closedAssignmentIds: [],
      openStage: null,
      roundStatus: 'approved',
    });
  });

  it('ends the round on a return, closing the reviews still open', () => {
    const open = [assignment('b', 0, 'brand_approver'), assignment('f', 0, 'finance')];
    expect(decisionOutcome(stages, open, 'f', 'return')).toEqual({
      assignmentStatus: 'returned',
      closedAssignmentIds: ['b'],
      openStage: null,
      roundStatus: 'returned',
    });
  });

  it('refuses a decision on an assignment that is not pending', () => {
    const decided = [assignment('b', 0, 'brand_approver', 'approved')];
    expect(() => decisionOutcome(stages, decided, 'b', 'approve')).toThrow(/not pending/);
  });
});

describe('who may decide', () => {
  it('lets the role named on the open stage decide', () => {
    expect(reviewRefusal(attempt(person('finance')))).toBeNull();
  });

  it('refuses a role the stage does not name, saying whom it waits on', () => {
    expect(reviewRefusal(attempt(person('legal')))).toEqual({
      reason: 'not_assigned',
      message:
        'The legal role has no review open on this document (waiting on brand_approver, finance)',
    });
  });

  it('does not let the owner approve on a reviewer’s behalf', () => {
    expect(reviewRefusal(attempt(person('owner')))?.reason).toBe('not_assigned');
  });

  it('keeps a legal sign-off stage to roles holding approvals.legal_signoff', () => {
    const ownerSignoff = assignment('o', 1, 'owner');
    expect(reviewRefusal(attempt(person('owner'), { assignment: ownerSignoff }))).toBeNull();
    const miswired = { ...assignment('x', 1, 'brand_approver'), legalSignoff: true };
    expect(reviewRefusal(attempt(person('brand_approver'), { assignment: miswired }))?.reason).toBe(
      'needs_legal_signoff',
    );
  });

  it('refuses an API token approving generated text, even with the right role', () => {
    const generated = { ...writtenByComms, generated: true };
    expect(reviewRefusal(attempt(token('finance'), { version: generated }))).toMatchObject({
      reason: 'generated_needs_person',
    });
    expect(reviewRefusal(attempt(person('finance'), { version: generated }))).toBeNull();
    expect(reviewRefusal(attempt(token('finance')))).toBeNull();
  });

  it('refuses the author approving their own version', () => {
    const ownText = { generated: false, authorKind: 'user' as const, authorId: 'user-finance' };
    expect(reviewRefusal(attempt(person('finance'), { version: ownText }))?.reason).toBe(
      'own_version',
    );
    expect(
      reviewRefusal(attempt(person('finance'), { version: ownText, decision: 'return' })),
    ).toBeNull();
  });
});
