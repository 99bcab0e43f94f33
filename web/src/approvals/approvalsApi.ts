/** Shapes of the approvals API (/api/v1/campaigns, /documents, /approvals) and display helpers. */

export const documentTypes = [
  'host_script',
  'offer_copy',
  'promo_copy',
  'price_terms',
  'shot_list',
] as const;
export type DocumentType = (typeof documentTypes)[number];

export const documentTypeLabels: Record<DocumentType, string> = {
  host_script: 'Host script',
  offer_copy: 'Offer copy',
  promo_copy: 'Promo copy',
  price_terms: 'Price and terms',
  shot_list: 'Shot list',
};

export const decisionOptions = {
  operatingModel: {
    centralized: 'Centralized (brand-run)',
    agency_managed: 'Agency-managed',
    hybrid: 'Hybrid',
  },
  offerComplexity: {
    single_sku: 'Single SKU',
    tiered_bundle: 'Tiered bundle',
    time_limited_bundle: 'Time-limited bundle',
  },
  conversionPath: {
    in_platform_checkout: 'In-platform checkout',
    landing_page: 'Brand landing page',
    qr_to_checkout: 'QR-to-checkout',
  },
  approvalPace: {
    fast: 'Fast: 48 hours',
    standard: 'Standard: 5 business days',
    slow: 'Slow: 10 business days',
  },
} as const;

export type Decisions = {
  [K in keyof typeof decisionOptions]: keyof (typeof decisionOptions)[K];
};

export const allRoles = [
  'owner',
  'social_ops',
  'producer',
  'host',
  'comms',
  'inventory_lead',
  'legal',
  'brand_approver',
  'finance',
  'agency',
] as const;

export interface Campaign extends Decisions {
  id: string;
  brandId: string;
  name: string;
  kind: 'drop' | 'program';
  startsAt: string | null;
  endsAt: string | null;
  matrixCustomized: boolean;
  createdAt: string;
  updatedAt: string;
}

export type SlaWindow = { hours: number } | { businessDays: number };

export interface ReviewStage {
  roles: string[];
  legalSignoff: boolean;
}

export interface MatrixRow {
  documentType: DocumentType;
  stages: ReviewStage[];
  sla: SlaWindow;
  ccWhenLate: string[];
  escalation: string[];
  escalationIntervalHours: number;
}

export interface CampaignMatrix {
  campaignId: string;
  customized: boolean;
  rows: MatrixRow[];
  defaults: MatrixRow[];
}

export type DocumentStatus = 'draft' | 'in_review' | 'returned' | 'approved';

export const documentStatusLabels: Record<DocumentStatus, string> = {
  draft: 'Draft',
  in_review: 'In review',
  returned: 'Returned',
  approved: 'Approved',
};

export interface VersionSummary {
  id: string;
  number: number;
  contentHash: string;
  note: string | null;
  author: { kind: 'user' | 'token'; id: string; name: string | null };
  generated: boolean;
  generator: string | null;
  createdAt: string;
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
  createdAt: string;
}

export type AssignmentStatus = 'pending' | 'approved' | 'returned' | 'closed' | 'voided';

export interface Assignment {
  id: string;
  stage: number;
  role: string;
  legalSignoff: boolean;
  status: AssignmentStatus;
  assignedAt: string;
  deadline: string;
  remindedAt: string | null;
  overdueAt: string | null;
  decidedBy: { kind: string; id: string; name: string | null } | null;
  decidedAt: string | null;
  approvedContentHash: string | null;
}

export interface ReviewRound {
  id: string;
  versionId: string;
  versionNumber: number | null;
  contentHash: string;
  status: 'open' | 'approved' | 'returned' | 'voided';
  reReview: boolean;
  sla: SlaWindow;
  matrixRow: MatrixRow;
  currentStage: number;
  submittedAt: string;
  closedAt: string | null;
  voidedAt: string | null;
  voidedByVersionId: string | null;
  assignments: Assignment[];
}

export interface DocumentSummary {
  id: string;
  campaignId: string;
  type: DocumentType;
  title: string;
  status: DocumentStatus;
  currentVersionId: string;
  currentVersionNumber: number;
  approvedVersionId: string | null;
  approvedAt: string | null;
  approved: boolean;
  waitingOn: string[];
  updatedAt: string;
}

export interface DocumentDetail extends DocumentSummary {
  currentVersion: Version;
  approvedVersionNumber: number | null;
  review: ReviewRound | null;
}

export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
  fromLine: number | null;
  toLine: number | null;
}

export interface VersionDiff {
  from: VersionSummary;
  to: VersionSummary;
  lines: DiffLine[];
  added: number;
  removed: number;
}

export interface WaitingItem {
  assignmentId: string;
  documentId: string;
  documentTitle: string;
  documentType: DocumentType;
  campaignId: string;
  campaignName: string;
  stage: number;
  stageCount: number;
  role: string;
  legalSignoff: boolean;
  reReview: boolean;
  assignedAt: string;
  deadline: string;
  state: 'on_time' | 'due_soon' | 'late';
  lateByMinutes: number;
  escalationStep: number;
}

export interface WaitingBoard {
  now: string;
  items: WaitingItem[];
  byRole: Array<{ role: string; waiting: number; late: number; oldestDeadline: string }>;
}

export interface BusinessCalendar {
  timezone: string;
  workingDays: number[];
  holidays: string[];
  updatedAt: string | null;
}

export const ApprovalPermission = {
  read: 'calendar.read',
  campaignsWrite: 'calendar.write',
  configure: 'approvals.configure',
  documentsWrite: 'documents.write',
} as const;

export const approvalsHref = {
  overview: (campaignId?: string | null) =>
    campaignId ? `/approvals?campaign=${campaignId}` : '/approvals',
  document: (documentId: string) => `/approvals?document=${documentId}`,
  waiting: '/approvals?view=waiting',
  calendar: '/approvals?view=calendar',
};

export function describeSla(window: SlaWindow): string {
  if ('hours' in window) return `${window.hours} ${window.hours === 1 ? 'hour' : 'hours'}`;
  return `${window.businessDays} business ${window.businessDays === 1 ? 'day' : 'days'}`;
}

/** "2 h 5 min", "3 d 4 h": how late something is. */
export function describeLateness(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** The lines of a version as the API numbers them: one trailing newline ends the last line. */
export function linesOf(content: string): string[] {
  if (content === '') return [];
  const lines = content.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
