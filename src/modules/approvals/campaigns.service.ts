import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import {
  type ApprovalMatrix,
  type CampaignDecisions,
  defaultMatrixFor,
  documentTypes,
  matrixProblems,
} from './approval-matrix.js';
import type { ApprovalsStore } from './approvals.store.js';
import type { CampaignRow } from './campaigns.repository.js';

export const campaignKinds = ['drop', 'program'] as const;
export type CampaignKind = (typeof campaignKinds)[number];

export interface CampaignInput extends CampaignDecisions {
  brandId: string;
  name: string;
  kind: CampaignKind;
  startsAt: Date | null;
  endsAt: Date | null;
}

export type CampaignChanges = {
  [K in keyof Omit<CampaignInput, 'brandId'>]?: CampaignInput[K] | undefined;
};

export interface Campaign extends CampaignInput {
  id: string;
  matrixCustomized: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface CampaignMatrix {
  campaignId: string;
  /** False while the matrix is still the one the decisions imply. */
  customized: boolean;
  rows: ApprovalMatrix;
  /** What the playbook's defaults would be for the campaign's decisions. */
  defaults: ApprovalMatrix;
}

export interface CampaignsDeps {
  store: ApprovalsStore;
  clock: Clock;
  audit: AuditRecorder;
  brandExists(organizationId: string, brandId: string): Promise<boolean>;
}

/** Just the four decisions, from a campaign row or an input. */
function decisionsOf(row: Pick<CampaignRow, keyof CampaignDecisions>): CampaignDecisions {
  return {
    operatingModel: row.operatingModel as CampaignDecisions['operatingModel'],
    offerComplexity: row.offerComplexity as CampaignDecisions['offerComplexity'],
    conversionPath: row.conversionPath as CampaignDecisions['conversionPath'],
    approvalPace: row.approvalPace as CampaignDecisions['approvalPace'],
  };
}

export function toCampaign(row: CampaignRow): Campaign {
  return {
    id: row.id,
    brandId: row.brandId,
    name: row.name,
    kind: row.kind as CampaignKind,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    ...decisionsOf(row),
    matrixCustomized: row.matrixCustomized,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The stored matrix; written only through `matrixProblems`-checked saves. */
export function matrixOf(row: CampaignRow): ApprovalMatrix {
  return row.approvalMatrix as ApprovalMatrix;
}

function checkDates(startsAt: Date | null, endsAt: Date | null): void {
  if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) {
    throw new AppError('invalid', 'endsAt: must be after startsAt', { field: 'endsAt' });
  }
}

/**
 * Campaigns (a drop or a 30-day program) with the decisions that pick their approvals matrix,
 * and the matrix itself.
 */
export class CampaignsService {
  constructor(private readonly deps: CampaignsDeps) {}

  async list(actor: Actor, filter: { brandId?: string | undefined }): Promise<Campaign[]> {
    requirePermission(actor, 'calendar.read');
    const rows = await this.deps.store.campaigns.listCampaigns(actor.organizationId, filter);
    return rows.map(toCampaign);
  }

  async get(actor: Actor, campaignId: string): Promise<Campaign> {
    requirePermission(actor, 'calendar.read');
    return toCampaign(await this.findRow(actor.organizationId, campaignId));
  }

  async create(actor: Actor, input: CampaignInput): Promise<Campaign> {
    requirePermission(actor, 'calendar.write');
    if (!(await this.deps.brandExists(actor.organizationId, input.brandId))) {
      throw new AppError('invalid', 'brandId: no such brand in this organisation', {
        field: 'brandId',
      });
    }
    checkDates(input.startsAt, input.endsAt);
    const now = this.deps.clock.now();
    const id = newId();
    const matrix = defaultMatrixFor(input);
    await this.deps.store.campaigns.insertCampaign({
      id,
      organizationId: actor.organizationId,
      brandId: input.brandId,
      name: input.name,
      kind: input.kind,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      operatingModel: input.operatingModel,
      offerComplexity: input.offerComplexity,
      conversionPath: input.conversionPath,
      approvalPace: input.approvalPace,
      approvalMatrix: JSON.stringify(matrix),
      matrixCustomized: false,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    });
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: 'campaign.created',
      subjectType: 'campaign',
      subjectId: id,
      data: { name: input.name, decisions: decisionsOf(input) },
    });
    return this.get(actor, id);
  }

  /**
   * Changes a campaign. New decisions re-derive the matrix while nobody has edited it; an
   * edited matrix is kept (the console offers the new defaults beside it).
   */
  async update(actor: Actor, campaignId: string, changes: CampaignChanges): Promise<Campaign> {
    requirePermission(actor, 'calendar.write');
    const row = await this.findRow(actor.organizationId, campaignId);
    const decisions = { ...decisionsOf(row), ...pickDecisions(changes) };
    checkDates(
      changes.startsAt === undefined ? row.startsAt : changes.startsAt,
      changes.endsAt === undefined ? row.endsAt : changes.endsAt,
    );
    const decisionsChanged = JSON.stringify(decisions) !== JSON.stringify(decisionsOf(row));
    const rederive = decisionsChanged && !row.matrixCustomized;
    const matrix = rederive ? defaultMatrixFor(decisions) : undefined;
    const updated = await this.deps.store.campaigns.updateCampaign(
      actor.organizationId,
      campaignId,
      {
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.kind !== undefined ? { kind: changes.kind } : {}),
        ...(changes.startsAt !== undefined ? { startsAt: changes.startsAt } : {}),
        ...(changes.endsAt !== undefined ? { endsAt: changes.endsAt } : {}),
        ...decisions,
        ...(matrix ? { approvalMatrix: JSON.stringify(matrix) } : {}),
        updatedAt: this.deps.clock.now(),
      },
    );
    if (!updated) throw notFound('campaign', campaignId);
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: 'campaign.updated',
      subjectType: 'campaign',
      subjectId: campaignId,
      data: { before: decisionsOf(row), after: decisions },
    });
    if (matrix) {
      await this.recordMatrixChange(actor, campaignId, matrixOf(row), matrix, 'decisions changed');
    }
    return toCampaign(updated);
  }

  async remove(actor: Actor, campaignId: string): Promise<void> {
    requirePermission(actor, 'calendar.write');
    await this.findRow(actor.organizationId, campaignId);
    const documents = await this.deps.store.campaigns.countDocuments(
      actor.organizationId,
      campaignId,
    );
    if (documents > 0) {
      throw new AppError(
        'conflict',
        `The campaign has ${documents} documents; their versions and approvals are its record, so it cannot be deleted`,
        { reason: 'has_documents', documents },
      );
    }
    await this.deps.store.campaigns.deleteCampaign(actor.organizationId, campaignId);
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: 'campaign.deleted',
      subjectType: 'campaign',
      subjectId: campaignId,
    });
  }

  async getMatrix(actor: Actor, campaignId: string): Promise<CampaignMatrix> {
    requirePermission(actor, 'calendar.read');
    const row = await this.findRow(actor.organizationId, campaignId);
    return {
      campaignId,
      customized: row.matrixCustomized,
      rows: matrixOf(row),
      defaults: defaultMatrixFor(decisionsOf(row)),
    };
  }

  /**
   * Replaces the campaign's matrix. Reviews already under way keep the matrix row they
   * started with; the next submission follows the new one.
   */
  async setMatrix(actor: Actor, campaignId: string, rows: ApprovalMatrix): Promise<CampaignMatrix> {
    requirePermission(actor, 'approvals.configure');
    const row = await this.findRow(actor.organizationId, campaignId);
    const problems = matrixProblems(rows);
    if (problems.length > 0) {
      const summary = problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
      throw new AppError('invalid', summary, {
        field: problems[0]?.field,
        issues: problems,
      });
    }
    const ordered = [...rows].sort(
      (a, b) => documentTypes.indexOf(a.documentType) - documentTypes.indexOf(b.documentType),
    );
    // Saving the defaults as they are (a reset) leaves the matrix following the decisions.
    const customized =
      JSON.stringify(ordered) !== JSON.stringify(defaultMatrixFor(decisionsOf(row)));
    await this.deps.store.campaigns.updateCampaign(actor.organizationId, campaignId, {
      approvalMatrix: JSON.stringify(ordered),
      matrixCustomized: customized,
      updatedAt: this.deps.clock.now(),
    });
    await this.recordMatrixChange(actor, campaignId, matrixOf(row), ordered, null);
    return this.getMatrix(actor, campaignId);
  }

  /** The matrix of a campaign, for the review flow. */
  async matrixFor(organizationId: string, campaignId: string): Promise<ApprovalMatrix> {
    return matrixOf(await this.findRow(organizationId, campaignId));
  }

  /** What the shows module needs to know about a campaign. */
  async campaignOf(
    organizationId: string,
    campaignId: string,
  ): Promise<{ id: string; name: string; operatingModel: string } | undefined> {
    const row = await this.deps.store.campaigns.findCampaign(organizationId, campaignId);
    return row && { id: row.id, name: row.name, operatingModel: row.operatingModel };
  }

  private async recordMatrixChange(
    actor: Actor,
    campaignId: string,
    before: ApprovalMatrix,
    after: ApprovalMatrix,
    reason: string | null,
  ): Promise<void> {
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: 'matrix.changed',
      subjectType: 'campaign',
      subjectId: campaignId,
      ...(reason ? { reason } : {}),
      data: { before, after },
    });
  }

  private async findRow(organizationId: string, campaignId: string): Promise<CampaignRow> {
    const row = await this.deps.store.campaigns.findCampaign(organizationId, campaignId);
    if (!row) throw notFound('campaign', campaignId);
    return row;
  }
}

function pickDecisions(changes: CampaignChanges): Partial<CampaignDecisions> {
  return {
    ...(changes.operatingModel !== undefined ? { operatingModel: changes.operatingModel } : {}),
    ...(changes.offerComplexity !== undefined ? { offerComplexity: changes.offerComplexity } : {}),
    ...(changes.conversionPath !== undefined ? { conversionPath: changes.conversionPath } : {}),
    ...(changes.approvalPace !== undefined ? { approvalPace: changes.approvalPace } : {}),
  };
}
