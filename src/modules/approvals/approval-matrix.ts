import { can, type Role } from '../access/index.js';

/**
 * The approvals matrix (seed 004): for each kind of document, who reviews it and in what
 * order, how long they have, who is copied when they are late and who it escalates to. A
 * campaign's three decisions (operating model, offer complexity, conversion path) plus its
 * approval pace pick the default matrix; people edit it per campaign from there.
 */

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

export const operatingModels = ['centralized', 'agency_managed', 'hybrid'] as const;
export type OperatingModel = (typeof operatingModels)[number];

export const offerComplexities = ['single_sku', 'tiered_bundle', 'time_limited_bundle'] as const;
export type OfferComplexity = (typeof offerComplexities)[number];

export const conversionPaths = ['in_platform_checkout', 'landing_page', 'qr_to_checkout'] as const;
export type ConversionPath = (typeof conversionPaths)[number];

/** Seed 004: "Approval window: 48 hours (fast), 5 business days (standard), 10+ days (slow)". */
export const approvalPaces = ['fast', 'standard', 'slow'] as const;
export type ApprovalPace = (typeof approvalPaces)[number];

/** A review window: wall-clock hours, or business days on the organisation's calendar. */
export type SlaWindow = { hours: number } | { businessDays: number };

/** Seed 004: a returned document is re-reviewed within 24 hours. */
export const reReviewWindow: SlaWindow = { hours: 24 };

export const slaLimits = { maxHours: 720, maxBusinessDays: 30 } as const;

export interface ReviewStage {
  /** Roles reviewing this stage in parallel; every one of them must approve. */
  roles: Role[];
  /**
   * The final legal sign-off: whoever approves this stage needs `approvals.legal_signoff`,
   * so only brand legal (or the owner) can hold it, never the agency.
   */
  legalSignoff: boolean;
}

export interface MatrixRow {
  documentType: DocumentType;
  /** In order: stage 2 opens once every role of stage 1 has approved. */
  stages: ReviewStage[];
  sla: SlaWindow;
  /** Copied on the overdue notice when a reviewer misses the deadline. */
  ccWhenLate: Role[];
  /** Told one after another once the deadline passes, `escalationIntervalHours` apart. */
  escalation: Role[];
  escalationIntervalHours: number;
}

export type ApprovalMatrix = MatrixRow[];

export interface CampaignDecisions {
  operatingModel: OperatingModel;
  offerComplexity: OfferComplexity;
  conversionPath: ConversionPath;
  approvalPace: ApprovalPace;
}

export function slaWindowForPace(pace: ApprovalPace): SlaWindow {
  switch (pace) {
    case 'fast':
      return { hours: 48 };
    case 'standard':
      return { businessDays: 5 };
    case 'slow':
      return { businessDays: 10 };
  }
}

export function describeSlaWindow(window: SlaWindow): string {
  if ('hours' in window) return `${window.hours} ${window.hours === 1 ? 'hour' : 'hours'}`;
  return `${window.businessDays} business ${window.businessDays === 1 ? 'day' : 'days'}`;
}

function withRole(stage: ReviewStage, role: Role): ReviewStage {
  return stage.roles.includes(role) ? stage : { ...stage, roles: [...stage.roles, role] };
}

/**
 * The matrix the playbook implies for a campaign's decisions. Pure, so the console can show
 * the defaults next to an edited matrix.
 */
export function defaultMatrixFor(decisions: CampaignDecisions): ApprovalMatrix {
  const sla = slaWindowForPace(decisions.approvalPace);
  const brandReview: ReviewStage = { roles: ['brand_approver'], legalSignoff: false };
  // "A preflight checklist that includes legal signoff on spoken copy": brand legal is the
  // final signer of everything a shopper reads or hears, in every operating model.
  const legalSignoff: ReviewStage = { roles: ['legal'], legalSignoff: true };

  let stagesByType: Record<DocumentType, ReviewStage[]> = {
    host_script: [brandReview, legalSignoff],
    offer_copy: [brandReview, legalSignoff],
    promo_copy: [brandReview, legalSignoff],
    // "Freeze the legal and price terms behind a final approval step".
    price_terms: [brandReview, legalSignoff],
    // Shot lists carry no claims; the brand checks that the right SKUs are on camera.
    shot_list: [brandReview],
  };

  // Bundles: "product owners confirm inventory and bundle rules" (inventory lead); tiers
  // change the price per quantity, which "finance confirms" alongside the brand.
  if (decisions.offerComplexity !== 'single_sku') {
    const [first, ...rest] = stagesByType.price_terms;
    let reviewed = withRole(first ?? brandReview, 'inventory_lead');
    if (decisions.offerComplexity === 'tiered_bundle') reviewed = withRole(reviewed, 'finance');
    stagesByType.price_terms = [reviewed, ...rest];
  }

  // Off-platform paths send shoppers through a link or QR code that social ops owns ("never
  // let untested commerce links go live"), so they check the promo copy's link.
  if (decisions.conversionPath !== 'in_platform_checkout') {
    const [first, ...rest] = stagesByType.promo_copy;
    stagesByType.promo_copy = [withRole(first ?? brandReview, 'social_ops'), ...rest];
  }

  // Hybrid: "ops runs the machine, brand approves the offers and scripts": social ops checks
  // what goes on air (shot list) alongside the brand.
  if (decisions.operatingModel === 'hybrid') {
    const [first, ...rest] = stagesByType.shot_list;
    stagesByType.shot_list = [withRole(first ?? brandReview, 'social_ops'), ...rest];
  }

  // Agency-managed: "increases the number of handoffs and approvals". The agency's own legal
  // review comes first, and brand legal stays the final signer (the sign-off stage above).
  if (decisions.operatingModel === 'agency_managed') {
    const agencyReview: ReviewStage = { roles: ['agency'], legalSignoff: false };
    stagesByType = Object.fromEntries(
      documentTypes.map((type) => [type, [agencyReview, ...stagesByType[type]]]),
    ) as Record<DocumentType, ReviewStage[]>;
  }

  // Late reviewers: social ops runs the schedule and chases, the agency hears about its own
  // work being stuck; the owner is the last resort with authority to reassign.
  const ccWhenLate: Role[] =
    decisions.operatingModel === 'agency_managed' ? ['social_ops', 'agency'] : ['social_ops'];
  const escalation: Role[] =
    decisions.operatingModel === 'centralized' ? ['owner'] : ['brand_approver', 'owner'];

  return documentTypes.map((documentType) => ({
    documentType,
    stages: stagesByType[documentType],
    sla,
    ccWhenLate,
    escalation,
    escalationIntervalHours: 24,
  }));
}

export interface MatrixProblem {
  field: string;
  message: string;
}

/**
 * What is wrong with a matrix, field by field; empty when it can be saved. The route's schema
 * already checks shapes and role names; these are the rules across fields.
 */
export function matrixProblems(matrix: ApprovalMatrix): MatrixProblem[] {
  const problems: MatrixProblem[] = [];
  const seen = new Set<DocumentType>();
  matrix.forEach((row, index) => {
    const at = `rows.${index}`;
    if (seen.has(row.documentType)) {
      problems.push({ field: `${at}.documentType`, message: `lists ${row.documentType} twice` });
    }
    seen.add(row.documentType);
    if (row.stages.length === 0) {
      problems.push({ field: `${at}.stages`, message: 'needs at least one review stage' });
    }
    const rolesInRow = new Set<Role>();
    row.stages.forEach((stage, stageIndex) => {
      const stageAt = `${at}.stages.${stageIndex}`;
      if (stage.roles.length === 0) {
        problems.push({ field: `${stageAt}.roles`, message: 'needs at least one role' });
      }
      for (const role of stage.roles) {
        // One assignment per role and round keeps "whose turn is it" unambiguous.
        if (rolesInRow.has(role)) {
          problems.push({
            field: `${stageAt}.roles`,
            message: `${role} already reviews this document in another stage`,
          });
        }
        rolesInRow.add(role);
        if (stage.legalSignoff && !can(role, 'approvals.legal_signoff')) {
          problems.push({
            field: `${stageAt}.roles`,
            message: `${role} may not give the legal sign-off (needs approvals.legal_signoff)`,
          });
        }
      }
    });
    if ('hours' in row.sla && !(row.sla.hours >= 1 && row.sla.hours <= slaLimits.maxHours)) {
      problems.push({
        field: `${at}.sla.hours`,
        message: `must be 1 to ${slaLimits.maxHours}`,
      });
    }
    if (
      'businessDays' in row.sla &&
      !(row.sla.businessDays >= 1 && row.sla.businessDays <= slaLimits.maxBusinessDays)
    ) {
      problems.push({
        field: `${at}.sla.businessDays`,
        message: `must be 1 to ${slaLimits.maxBusinessDays}`,
      });
    }
  });
  for (const type of documentTypes) {
    if (!seen.has(type)) problems.push({ field: 'rows', message: `has no row for ${type}` });
  }
  return problems;
}

export function matrixRowFor(matrix: ApprovalMatrix, type: DocumentType): MatrixRow | undefined {
  return matrix.find((row) => row.documentType === type);
}
