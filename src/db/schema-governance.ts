import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Json, Timestamp } from './column-types.js';

/** Kysely table types for the governance migration (camelCase columns; see schema.ts). */

/** The approvals matrix as stored; its shape is owned by src/modules/approvals/approval-matrix.ts. */
type StoredJson = Json<unknown>;

export interface CampaignsTable {
  id: string;
  organizationId: string;
  brandId: string;
  name: string;
  kind: string;
  startsAt: Timestamp | null;
  endsAt: Timestamp | null;
  operatingModel: string;
  offerComplexity: string;
  conversionPath: string;
  approvalPace: string;
  approvalMatrix: StoredJson;
  matrixCustomized: ColumnType<boolean, boolean | undefined, boolean>;
  createdBy: string;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface BusinessCalendarsTable {
  organizationId: string;
  workingDays: Json<number[]>;
  holidays: Json<string[]>;
  updatedAt: Timestamp;
}

export interface DocumentsTable {
  id: string;
  organizationId: string;
  campaignId: string;
  type: string;
  title: string;
  subjectType: string | null;
  subjectId: string | null;
  status: string;
  currentVersionId: string | null;
  currentVersionNumber: Generated<number>;
  approvedVersionId: string | null;
  approvedContentHash: string | null;
  approvedAt: Timestamp | null;
  createdBy: string;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface DocumentVersionsTable {
  id: string;
  organizationId: string;
  documentId: string;
  number: number;
  content: string;
  contentHash: string;
  note: string | null;
  authorKind: string;
  authorId: string;
  authorName: string | null;
  generated: boolean;
  generator: string | null;
  createdAt: Timestamp;
}

export interface ReviewRoundsTable {
  id: string;
  organizationId: string;
  documentId: string;
  versionId: string;
  contentHash: string;
  status: string;
  matrixRow: StoredJson;
  sla: StoredJson;
  reReview: boolean;
  currentStage: Generated<number>;
  submittedByKind: string;
  submittedBy: string;
  submittedByUserId: string | null;
  submittedAt: Timestamp;
  closedAt: Timestamp | null;
  voidedAt: Timestamp | null;
  voidedByVersionId: string | null;
}

export interface ReviewAssignmentsTable {
  id: string;
  organizationId: string;
  roundId: string;
  documentId: string;
  stage: number;
  role: string;
  legalSignoff: boolean;
  status: string;
  assignedAt: Timestamp;
  deadline: Timestamp;
  remindedAt: Timestamp | null;
  overdueAt: Timestamp | null;
  escalationStep: Generated<number>;
  decidedByKind: string | null;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: Timestamp | null;
  approvedContentHash: string | null;
}

export interface ReviewCommentsTable {
  id: string;
  organizationId: string;
  documentId: string;
  versionId: string;
  assignmentId: string | null;
  line: number;
  body: string;
  authorKind: string;
  authorId: string;
  authorRole: string;
  authorName: string | null;
  createdAt: Timestamp;
}

export interface GovernanceTables {
  campaigns: CampaignsTable;
  businessCalendars: BusinessCalendarsTable;
  documents: DocumentsTable;
  documentVersions: DocumentVersionsTable;
  reviewRounds: ReviewRoundsTable;
  reviewAssignments: ReviewAssignmentsTable;
  reviewComments: ReviewCommentsTable;
}
