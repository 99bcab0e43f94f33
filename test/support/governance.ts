import { expect } from 'vitest';
import { addSignedInMember, type SeededOrganization, type TestContext } from './test-app.js';

export interface ApprovedDocument {
  documentId: string;
  versionId: string;
}

const documentTypes = ['host_script', 'offer_copy', 'promo_copy', 'price_terms', 'shot_list'];

/**
 * Governance set-up the go/no-go suites share: campaigns whose matrix has the owner review
 * everything in one stage, documents written by a comms member and approved by the owner
 * through the approvals API (four eyes: an author never approves their own version), the
 * scheduler's pending jobs and a member's notifications.
 */
export async function createGovernanceFixtures(context: TestContext, org: SeededOrganization) {
  const { app } = context;
  const asOwner = { cookie: org.ownerCookie };
  const writer = await addSignedInMember(
    context,
    org.organizationId,
    `copywriter-${org.organizationId.slice(0, 8)}@governance.test`,
    'comms',
  );
  const asWriter = { cookie: writer.cookie };

  async function call(
    method: 'POST' | 'PUT',
    url: string,
    headers: Record<string, string>,
    payload: object,
  ) {
    const response = await app.inject({ method, url, headers, payload });
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response.json();
  }

  async function campaign(name: string, operatingModel: string): Promise<string> {
    const created = await call('POST', '/api/v1/campaigns', asOwner, {
      brandId: org.brandId,
      name,
      kind: 'drop',
      operatingModel,
      offerComplexity: 'single_sku',
      conversionPath: 'in_platform_checkout',
      approvalPace: 'fast',
    });
    await call('PUT', `/api/v1/campaigns/${created.id}/matrix`, asOwner, {
      rows: documentTypes.map((documentType) => ({
        documentType,
        stages: [{ roles: ['owner'] }],
        sla: { hours: 48 },
      })),
    });
    return created.id as string;
  }

  const copyCampaign = await campaign('Copy for the go/no-go suites', 'centralized');

  async function approve(documentId: string, versionId: string): Promise<void> {
    await call('POST', `/api/v1/documents/${documentId}/submit`, asWriter, {});
    await call('POST', `/api/v1/documents/${documentId}/reviews`, asOwner, {
      versionId,
      decision: 'approve',
    });
  }

  return {
    campaign,

    /** A promo copy document at version 1, approved. */
    async approvedDocument(title: string, content: string): Promise<ApprovedDocument> {
      const document = await call('POST', '/api/v1/documents', asWriter, {
        campaignId: copyCampaign,
        type: 'promo_copy',
        title,
        content,
      });
      await approve(document.id, document.currentVersionId);
      return { documentId: document.id, versionId: document.currentVersionId };
    },

    /** Saves a new (unapproved) version of a document. */
    async newVersion(documentId: string, content: string): Promise<string> {
      const version = await call('POST', `/api/v1/documents/${documentId}/versions`, asWriter, {
        content,
      });
      return version.id as string;
    },

    /** Jobs of a kind still waiting to run, for this organisation. */
    async pendingJobs(kind: string): Promise<Array<{ key: string; runAt: Date }>> {
      return context.database.db
        .selectFrom('scheduledJobs')
        .select(['key', 'runAt'])
        .where('organizationId', '=', org.organizationId)
        .where('kind', '=', kind)
        .where('status', '=', 'pending')
        .orderBy('runAt')
        .execute();
    },

    async notificationsOf(
      cookie: string,
    ): Promise<Array<{ kind: string; title: string; body: string }>> {
      const response = await app.inject({ url: '/api/v1/notifications', headers: { cookie } });
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items;
    },
  };
}
