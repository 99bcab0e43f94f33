import { z } from 'zod';
import { roleSchema, timestamp } from '../../http/route-context.js';
import {
  approvalPaces,
  conversionPaths,
  documentTypes,
  offerComplexities,
  operatingModels,
  slaLimits,
} from './approval-matrix.js';
import { campaignKinds } from './campaigns.service.js';
import { documentStatuses } from './document-views.js';
import { reviewDecisions } from './review-flow.js';

/** The approvals API's request and response schemas (zod; OpenAPI is generated from them). */

const uuid = z.uuid('must be a UUID');
const roleList = z.array(roleSchema).max(10);

// ---- campaigns

const decisions = {
  operatingModel: z
    .enum(operatingModels)
    .meta({ description: 'Seed 004: who signs the check and who signs the copy' }),
  offerComplexity: z.enum(offerComplexities),
  conversionPath: z.enum(conversionPaths),
  approvalPace: z
    .enum(approvalPaces)
    .meta({ description: 'fast = 48 hours, standard = 5 business days, slow = 10 business days' }),
};

const campaignFields = {
  name: z.string().trim().min(1, 'is required').max(120),
  kind: z.enum(campaignKinds).meta({ description: 'A single drop, or a 30-day program' }),
  startsAt: z.coerce.date().nullable(),
  endsAt: z.coerce.date().nullable(),
  ...decisions,
};

export const campaignInput = z.object({
  brandId: uuid,
  ...campaignFields,
  startsAt: campaignFields.startsAt.default(null),
  endsAt: campaignFields.endsAt.default(null),
  approvalPace: decisions.approvalPace.default('standard'),
});

export const campaignChanges = z.object(campaignFields).partial();

export const campaignSchema = z
  .object({
    id: z.string(),
    brandId: z.string(),
    name: z.string(),
    kind: z.enum(campaignKinds),
    startsAt: timestamp.nullable(),
    endsAt: timestamp.nullable(),
    ...decisions,
    matrixCustomized: z.boolean(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Campaign' });

// ---- approvals matrix

export const slaWindowSchema = z
  .union([
    z.strictObject({ hours: z.number().int().min(1).max(slaLimits.maxHours) }),
    z.strictObject({ businessDays: z.number().int().min(1).max(slaLimits.maxBusinessDays) }),
  ])
  .meta({
    id: 'SlaWindow',
    description: '{"hours": 48} on the wall clock, or {"businessDays": 5} on the business calendar',
  });

const stageSchema = z.object({
  roles: roleList.min(1, 'needs at least one role'),
  legalSignoff: z
    .boolean()
    .default(false)
    .meta({ description: 'The final legal sign-off: approvers need approvals.legal_signoff' }),
});

export const matrixRowSchema = z
  .object({
    documentType: z.enum(documentTypes),
    stages: z.array(stageSchema).min(1, 'needs at least one review stage').max(6),
    sla: slaWindowSchema,
    ccWhenLate: roleList.default([]),
    escalation: roleList
      .default([])
      .meta({ description: 'Roles told in turn once the deadline passes' }),
    escalationIntervalHours: z.number().int().min(1).max(168).default(24),
  })
  .meta({ id: 'ApprovalMatrixRow' });

export const matrixInput = z.object({
  rows: z.array(matrixRowSchema).min(1).max(documentTypes.length),
});

export const matrixSchema = z
  .object({
    campaignId: z.string(),
    customized: z.boolean(),
    rows: z.array(matrixRowSchema),
    defaults: z.array(matrixRowSchema),
  })
  .meta({ id: 'ApprovalMatrix' });

// ---- business calendar

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'is not a real date')
  .refine(
    (value) => new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value,
    'is not a real date',
  );

export const businessCalendarInput = z.object({
  workingDays: z
    .array(z.number().int().min(1).max(7))
    .min(1, 'needs at least one working day')
    .max(7)
    .meta({ description: 'ISO weekdays: 1 = Monday ... 7 = Sunday' }),
  holidays: z.array(isoDate).max(400).default([]),
});

export const businessCalendarSchema = z
  .object({
    timezone: z.string().meta({ description: "The organisation's timezone" }),
    workingDays: z.array(z.number().int()),
    holidays: z.array(z.string()),
    updatedAt: timestamp.nullable(),
  })
  .meta({ id: 'BusinessCalendar' });

// ---- documents and versions

/** 200 000 characters: a long script is a few thousand. */
const content = z.string().min(1, 'is required').max(200_000);
const generatedBy = z.string().trim().min(1).max(80).nullable().default(null).meta({
  description:
    'The assistant that produced the text. Generated text is approved only by a person holding the required role.',
});

export const documentInput = z.object({
  campaignId: uuid,
  type: z.enum(documentTypes),
  title: z.string().trim().min(1, 'is required').max(200),
  subject: z
    .object({
      type: z.string().trim().min(1).max(40).meta({ description: 'What it is about: offer, show' }),
      id: z.string().trim().min(1).max(100),
    })
    .nullable()
    .default(null),
  content,
  generatedBy,
});

export const versionInput = z.object({
  content,
  note: z.string().trim().max(500).nullable().default(null),
  generatedBy,
  baseVersionId: uuid.nullable().default(null),
});

const versionSummarySchema = z.object({
  id: z.string(),
  number: z.number().int(),
  contentHash: z.string().meta({ description: 'sha-256 of the content, hex' }),
  note: z.string().nullable(),
  author: z.object({
    kind: z.enum(['user', 'token']),
    id: z.string(),
    name: z.string().nullable(),
  }),
  generated: z.boolean(),
  generator: z.string().nullable(),
  createdAt: timestamp,
});

export const versionSchema = versionSummarySchema
  .extend({ content: z.string() })
  .meta({ id: 'DocumentVersion' });

export const commentSchema = z.object({
  id: z.string(),
  versionId: z.string(),
  line: z.number().int(),
  body: z.string(),
  author: z.object({
    kind: z.string(),
    id: z.string(),
    role: z.string(),
    name: z.string().nullable(),
  }),
  createdAt: timestamp,
});

const assignmentSchema = z.object({
  id: z.string(),
  stage: z.number().int(),
  role: roleSchema,
  legalSignoff: z.boolean(),
  status: z.enum(['pending', 'approved', 'returned', 'closed', 'voided']),
  assignedAt: timestamp,
  deadline: timestamp,
  remindedAt: timestamp.nullable(),
  overdueAt: timestamp.nullable(),
  decidedBy: z.object({ kind: z.string(), id: z.string(), name: z.string().nullable() }).nullable(),
  decidedAt: timestamp.nullable(),
  approvedContentHash: z.string().nullable(),
});

export const reviewRoundSchema = z
  .object({
    id: z.string(),
    versionId: z.string(),
    versionNumber: z.number().int().nullable(),
    contentHash: z.string(),
    status: z.enum(['open', 'approved', 'returned', 'voided']),
    reReview: z.boolean(),
    sla: slaWindowSchema,
    matrixRow: matrixRowSchema,
    currentStage: z.number().int(),
    submittedAt: timestamp,
    closedAt: timestamp.nullable(),
    voidedAt: timestamp.nullable(),
    voidedByVersionId: z.string().nullable(),
    assignments: z.array(assignmentSchema),
  })
  .meta({ id: 'ReviewRound' });

const documentSummaryFields = {
  id: z.string(),
  campaignId: z.string(),
  type: z.enum(documentTypes),
  title: z.string(),
  subject: z.object({ type: z.string(), id: z.string() }).nullable(),
  status: z.enum(documentStatuses),
  currentVersionId: z.string(),
  currentVersionNumber: z.number().int(),
  approvedVersionId: z.string().nullable(),
  approvedContentHash: z.string().nullable(),
  approvedAt: timestamp.nullable(),
  approved: z.boolean().meta({ description: 'The current version is the approved one' }),
  waitingOn: z.array(roleSchema),
  createdAt: timestamp,
  updatedAt: timestamp,
};

export const documentSummarySchema = z
  .object(documentSummaryFields)
  .meta({ id: 'DocumentSummary' });

export const documentSchema = z
  .object({
    ...documentSummaryFields,
    currentVersion: versionSchema,
    approvedVersionNumber: z.number().int().nullable(),
    review: reviewRoundSchema.nullable(),
  })
  .meta({ id: 'Document' });

export const documentFilter = z.object({
  campaignId: uuid.optional(),
  status: z.enum(documentStatuses).optional(),
});

export const versionParams = z.object({ id: uuid, versionId: uuid });

export const diffQuery = z.object({
  from: z.coerce.number().int().min(1, 'must be a version number'),
  to: z.coerce.number().int().min(1, 'must be a version number'),
});

export const diffSchema = z
  .object({
    from: versionSummarySchema,
    to: versionSummarySchema,
    lines: z.array(
      z.object({
        kind: z.enum(['same', 'added', 'removed']),
        text: z.string(),
        fromLine: z.number().int().nullable(),
        toLine: z.number().int().nullable(),
      }),
    ),
    added: z.number().int(),
    removed: z.number().int(),
  })
  .meta({ id: 'VersionDiff' });

// ---- reviews

export const submitInput = z
  .object({ versionId: uuid.optional() })
  .default({})
  .meta({ description: 'Optionally the version meant, refused if it is no longer current' });

export const reviewInput = z.object({
  versionId: uuid.meta({ description: 'The version under review; a decision binds to its hash' }),
  decision: z.enum(reviewDecisions),
  comments: z
    .array(
      z.object({
        line: z.number().int().min(1, 'must be a line number of the version'),
        text: z.string().trim().min(1, 'is required').max(2000),
      }),
    )
    .max(200)
    .default([])
    .meta({ description: 'Line-level edits; a return needs at least one' }),
});

export const waitingQuery = z.object({
  campaignId: uuid.optional(),
  role: roleSchema.optional(),
});

export const waitingSchema = z
  .object({
    now: timestamp,
    items: z.array(
      z.object({
        assignmentId: z.string(),
        documentId: z.string(),
        documentTitle: z.string(),
        documentType: z.enum(documentTypes),
        campaignId: z.string(),
        campaignName: z.string(),
        versionId: z.string(),
        stage: z.number().int(),
        stageCount: z.number().int(),
        role: roleSchema,
        legalSignoff: z.boolean(),
        reReview: z.boolean(),
        assignedAt: timestamp,
        deadline: timestamp,
        state: z.enum(['on_time', 'due_soon', 'late']),
        lateByMinutes: z.number().int(),
        escalationStep: z.number().int(),
      }),
    ),
    byRole: z.array(
      z.object({
        role: roleSchema,
        waiting: z.number().int(),
        late: z.number().int(),
        oldestDeadline: timestamp,
      }),
    ),
  })
  .meta({ id: 'ApprovalsWaiting' });
