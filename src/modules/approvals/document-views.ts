import { createHash } from 'node:crypto';
import type { Role } from '../access/index.js';
import type { DocumentType, MatrixRow, SlaWindow } from './approval-matrix.js';
import type { DocumentRow, VersionRow, VersionSummaryRow } from './documents.repository.js';
import type { AssignmentStatus, RoundStatus } from './review-flow.js';
import type { AssignmentRow, CommentRow, RoundRow } from './reviews.repository.js';

/** What the API answers about documents, versions and reviews, built from rows. */

export const documentStatuses = ['draft', 'in_review', 'returned', 'approved'] as const;
export type DocumentStatus = (typeof documentStatuses)[number];

export interface VersionSummary {
  id: string;
  number: number;
  contentHash: string;
  note: string | null;
  author: { kind: 'user' | 'token'; id: string; name: string | null };
  /** Text an assistant produced: approved only by a person holding the required role. */
  generated: boolean;
  generator: string | null;
  createdAt: Date;
}

export interface Version extends VersionSummary {
  content: string;
}

export interface ReviewComment {
  id: string;
  versionId: string;
  line: number;
  body: string;
  author: { kind: string; id: string; role: string; name: string | null };
  createdAt: Date;
}

export interface Assignment {
  id: string;
  stage: number;
  role: Role;
  legalSignoff: boolean;
  status: AssignmentStatus;
  assignedAt: Date;
  deadline: Date;
  remindedAt: Date | null;
  overdueAt: Date | null;
  decidedBy: { kind: string; id: string; name: string | null } | null;
  decidedAt: Date | null;
  /** The content hash an approval is bound to. */
  approvedContentHash: string | null;
}

export interface ReviewRound {
  id: string;
  versionId: string;
  versionNumber: number | null;
  contentHash: string;
  status: RoundStatus;
  /** A review of a returned document, on the 24-hour re-review window. */
  reReview: boolean;
  sla: SlaWindow;
  matrixRow: MatrixRow;
  /** 0-based; the stage whose reviewers are (or were last) assigned. */
  currentStage: number;
  submittedAt: Date;
  closedAt: Date | null;
  voidedAt: Date | null;
  voidedByVersionId: string | null;
  assignments: Assignment[];
}

export interface DocumentSummary {
  id: string;
  campaignId: string;
  type: DocumentType;
  title: string;
  subject: { type: string; id: string } | null;
  status: DocumentStatus;
  currentVersionId: string;
  currentVersionNumber: number;
  approvedVersionId: string | null;
  approvedContentHash: string | null;
  approvedAt: Date | null;
  /** True only when the current version is the approved one. */
  approved: boolean;
  waitingOn: Role[];
  createdAt: Date;
  updatedAt: Date;
}

export interface DocumentDetail extends DocumentSummary {
  currentVersion: Version;
  approvedVersionNumber: number | null;
  /** The newest review round, open or not. */
  review: ReviewRound | null;
}

/** Line endings are stored as `\n`, so the same text always has the same hash. */
export function normalizeContent(content: string): string {
  return content.replace(/\r\n?/g, '\n');
}

export function contentHash(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

export function toVersionSummary(row: VersionSummaryRow): VersionSummary {
  return {
    id: row.id,
    number: row.number,
    contentHash: row.contentHash,
    note: row.note,
    author: { kind: row.authorKind as 'user' | 'token', id: row.authorId, name: row.authorName },
    generated: row.generated,
    generator: row.generator,
    createdAt: row.createdAt,
  };
}

export function toVersion(row: VersionRow): Version {
  return { ...toVersionSummary(row), content: row.content };
}

export function toComment(row: CommentRow): ReviewComment {
  return {
    id: row.id,
    versionId: row.versionId,
    line: row.line,
    body: row.body,
    author: { kind: row.authorKind, id: row.authorId, role: row.authorRole, name: row.authorName },
    createdAt: row.createdAt,
  };
}

export function toAssignment(row: AssignmentRow): Assignment {
  return {
    id: row.id,
    stage: row.stage,
    role: row.role as Role,
    legalSignoff: row.legalSignoff,
    status: row.status as AssignmentStatus,
    assignedAt: row.assignedAt,
    deadline: row.deadline,
    remindedAt: row.remindedAt,
    overdueAt: row.overdueAt,
    decidedBy:
      row.decidedBy && row.decidedByKind
        ? { kind: row.decidedByKind, id: row.decidedBy, name: row.decidedByName }
        : null,
    decidedAt: row.decidedAt,
    approvedContentHash: row.approvedContentHash,
  };
}

export function toRound(
  row: RoundRow,
  assignments: readonly AssignmentRow[],
  versionNumber: number | null,
): ReviewRound {
  return {
    id: row.id,
    versionId: row.versionId,
    versionNumber,
    contentHash: row.contentHash,
    status: row.status as RoundStatus,
    reReview: row.reReview,
    sla: row.sla as SlaWindow,
    matrixRow: row.matrixRow as MatrixRow,
    currentStage: row.currentStage,
    submittedAt: row.submittedAt,
    closedAt: row.closedAt,
    voidedAt: row.voidedAt,
    voidedByVersionId: row.voidedByVersionId,
    assignments: assignments.filter((a) => a.roundId === row.id).map(toAssignment),
  };
}

export function isApprovedNow(row: DocumentRow, current: { id: string; contentHash: string }) {
  return (
    row.approvedVersionId !== null &&
    row.approvedVersionId === current.id &&
    row.approvedContentHash === current.contentHash
  );
}

export function toDocumentSummary(
  row: DocumentRow,
  currentHash: string,
  waitingOn: Role[],
): DocumentSummary {
  return {
    id: row.id,
    campaignId: row.campaignId,
    type: row.type as DocumentType,
    title: row.title,
    subject: row.subjectType && row.subjectId ? { type: row.subjectType, id: row.subjectId } : null,
    status: row.status as DocumentStatus,
    currentVersionId: row.currentVersionId ?? '',
    currentVersionNumber: row.currentVersionNumber,
    approvedVersionId: row.approvedVersionId,
    approvedContentHash: row.approvedContentHash,
    approvedAt: row.approvedAt,
    approved: isApprovedNow(row, { id: row.currentVersionId ?? '', contentHash: currentHash }),
    waitingOn,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
