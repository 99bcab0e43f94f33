import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { can, roles } from '../access/index.js';
import {
  approvalPaces,
  type CampaignDecisions,
  conversionPaths,
  defaultMatrixFor,
  documentTypes,
  type MatrixRow,
  matrixProblems,
  matrixRowFor,
  offerComplexities,
  operatingModels,
} from './approval-matrix.js';

const base: CampaignDecisions = {
  operatingModel: 'centralized',
  offerComplexity: 'single_sku',
  conversionPath: 'in_platform_checkout',
  approvalPace: 'standard',
};

function row(decisions: Partial<CampaignDecisions>, type: MatrixRow['documentType']): MatrixRow {
  const found = matrixRowFor(defaultMatrixFor({ ...base, ...decisions }), type);
  if (!found) throw new Error(`no ${type} row`);
  return found;
}

const stageRoles = (matrixRow: MatrixRow) => matrixRow.stages.map((stage) => stage.roles);

describe('the default approvals matrix', () => {
  it('has brand approval then the legal sign-off on copy for a centralized single-SKU drop', () => {
    expect(stageRoles(row({}, 'host_script'))).toEqual([['brand_approver'], ['legal']]);
    expect(row({}, 'host_script').stages[1]?.legalSignoff).toBe(true);
    expect(stageRoles(row({}, 'price_terms'))).toEqual([['brand_approver'], ['legal']]);
    expect(stageRoles(row({}, 'shot_list'))).toEqual([['brand_approver']]);
  });

  it("puts the agency's own review first and keeps brand legal as final signer when agency-managed", () => {
    for (const type of documentTypes) {
      const agencyRow = row({ operatingModel: 'agency_managed' }, type);
      expect(agencyRow.stages[0]?.roles).toEqual(['agency']);
      expect(agencyRow.stages[0]?.legalSignoff).toBe(false);
      if (type !== 'shot_list') {
        expect(agencyRow.stages.at(-1)).toEqual({ roles: ['legal'], legalSignoff: true });
      }
    }
    expect(row({ operatingModel: 'agency_managed' }, 'offer_copy').ccWhenLate).toContain('agency');
  });

  it('adds the inventory lead on price and terms for bundles, and finance for tiers', () => {
    expect(row({ offerComplexity: 'time_limited_bundle' }, 'price_terms').stages[0]?.roles).toEqual(
      ['brand_approver', 'inventory_lead'],
    );
    expect(row({ offerComplexity: 'tiered_bundle' }, 'price_terms').stages[0]?.roles).toEqual([
      'brand_approver',
      'inventory_lead',
      'finance',
    ]);
  });

  it('has social ops check the link in promo copy when shoppers leave the platform', () => {
    for (const conversionPath of ['landing_page', 'qr_to_checkout'] as const) {
      expect(row({ conversionPath }, 'promo_copy').stages[0]?.roles).toContain('social_ops');
    }
    expect(row({}, 'promo_copy').stages[0]?.roles).not.toContain('social_ops');
  });

  it('has social ops check the shot list alongside the brand when hybrid', () => {
    expect(row({ operatingModel: 'hybrid' }, 'shot_list').stages[0]?.roles).toEqual([
      'brand_approver',
      'social_ops',
    ]);
  });

  it('takes the SLA window from the approval pace', () => {
    expect(row({ approvalPace: 'fast' }, 'offer_copy').sla).toEqual({ hours: 48 });
    expect(row({ approvalPace: 'standard' }, 'offer_copy').sla).toEqual({ businessDays: 5 });
    expect(row({ approvalPace: 'slow' }, 'offer_copy').sla).toEqual({ businessDays: 10 });
  });

  it('is always a valid matrix, one row per document type, in any combination of decisions', () => {
    fc.assert(
      fc.property(
        fc.record({
          operatingModel: fc.constantFrom(...operatingModels),
          offerComplexity: fc.constantFrom(...offerComplexities),
          conversionPath: fc.constantFrom(...conversionPaths),
          approvalPace: fc.constantFrom(...approvalPaces),
        }),
        (decisions) => {
          const matrix = defaultMatrixFor(decisions);
          expect(matrixProblems(matrix)).toEqual([]);
          expect(matrix.map((r) => r.documentType)).toEqual([...documentTypes]);
        },
      ),
    );
  });
});

describe('matrix validation', () => {
  const valid = defaultMatrixFor(base);
  const edit = (index: number, change: Partial<MatrixRow>) =>
    valid.map((r, at) => (at === index ? { ...r, ...change } : r));

  it('names the field of an empty stage and of a missing document type', () => {
    expect(matrixProblems(edit(0, { stages: [] }))).toContainEqual({
      field: 'rows.0.stages',
      message: 'needs at least one review stage',
    });
    expect(
      matrixProblems(edit(1, { stages: [{ roles: [], legalSignoff: false }] })),
    ).toContainEqual({ field: 'rows.1.stages.0.roles', message: 'needs at least one role' });
    expect(matrixProblems(valid.slice(1))).toContainEqual({
      field: 'rows',
      message: 'has no row for host_script',
    });
  });

  it('keeps the legal sign-off with roles that hold approvals.legal_signoff', () => {
    const agencySigns = edit(0, { stages: [{ roles: ['agency'], legalSignoff: true }] });
    expect(matrixProblems(agencySigns)[0]?.field).toBe('rows.0.stages.0.roles');
    const signers = roles.filter((role) => can(role, 'approvals.legal_signoff'));
    expect(signers).toEqual(['owner', 'legal']);
  });

  it('refuses a role reviewing the same document in two stages', () => {
    const twice = edit(0, {
      stages: [
        { roles: ['brand_approver'], legalSignoff: false },
        { roles: ['brand_approver', 'legal'], legalSignoff: false },
      ],
    });
    expect(matrixProblems(twice)).toEqual([
      {
        field: 'rows.0.stages.1.roles',
        message: 'brand_approver already reviews this document in another stage',
      },
    ]);
  });

  it('refuses a window beyond its limits', () => {
    expect(matrixProblems(edit(2, { sla: { hours: 0 } }))[0]?.field).toBe('rows.2.sla.hours');
    expect(matrixProblems(edit(2, { sla: { businessDays: 31 } }))[0]?.field).toBe(
      'rows.2.sla.businessDays',
    );
  });
});

describe('who may configure approvals', () => {
  it('lets social ops, legal and the owner edit matrices and the business calendar, nobody else', () => {
    expect(roles.filter((role) => can(role, 'approvals.configure'))).toEqual([
      'owner',
      'social_ops',
      'legal',
    ]);
  });
});
