import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type Actor, type Role, requirePermission } from '../access/index.js';
import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { DocumentType } from './approval-matrix.js';
import type { ApprovalsStore } from './approvals.store.js';
import {
  contentHash,
  type DocumentDetail,
  type DocumentStatus,
  type DocumentSummary,
  isApprovedNow,
  normalizeContent,
  type ReviewComment,
  toComment,
  toDocumentSummary,
  toVersion,
  toVersionSummary,
  type Version,
  type VersionSummary,
} from './document-views.js';
import type { DocumentRow, VersionRow } from './documents.repository.js';
import { type DiffLine, diffLines, diffSummary, linesOf } from './line-diff.js';
import type { DocumentApprovalState, DocumentApprovals } from './ports.js';
import { voidForNewVersion } from './review-voids.js';
import type { ReviewsService } from './reviews.service.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NewDocumentInput {
  campaignId: string;
  type: DocumentType;
  title: string;
  subject: { type: string; id: string } | null;
  content: string;
  /** The assistant that wrote the text, when one did. */
  generatedBy: string | null;
}

export interface NewVersionInput {
  content: string;
  note: string | null;
  generatedBy: string | null;
  /** The version the edit started from; a save on top of someone else's is refused. */
  baseVersionId: string | null;
}

export interface VersionDiff {
  from: VersionSummary;
  to: VersionSummary;
  lines: DiffLine[];
  added: number;
  removed: number;
}

export interface DocumentsDeps {
  store: ApprovalsStore;
  clock: Clock;
  audit: AuditRecorder;
  reviews: ReviewsService;
  campaignExists(organizationId: string, campaignId: string): Promise<boolean>;
  nameActor(actor: Actor): Promise<string | null>;
}

/**
 * Versioned documents (host scripts, offer and promo copy, price and terms, shot lists):
 * every save is a new version, any two versions compare line by line, and the go/no-go gate
 * asks here whether the version it will use is the approved one.
 */
export class DocumentsService implements DocumentApprovals {
  constructor(private readonly deps: DocumentsDeps) {}

  async list(
    actor: Actor,
    filter: { campaignId?: string | undefined; status?: DocumentStatus | undefined },
  ): Promise<DocumentSummary[]> {
    requirePermission(actor, 'organization.read');
    const rows = await this.deps.store.documents.listDocuments(actor.organizationId, filter);
    return this.summaries(actor.organizationId, rows);
  }

  async get(actor: Actor, documentId: string): Promise<DocumentDetail> {
    requirePermission(actor, 'organization.read');
    return this.detail(actor.organizationId, documentId);
  }

  async create(actor: Actor, input: NewDocumentInput): Promise<DocumentDetail> {
    requirePermission(actor, 'documents.write');
    if (!(await this.deps.campaignExists(actor.organizationId, input.campaignId))) {
      throw new AppError('invalid', 'campaignId: no such campaign in this organisation', {
        field: 'campaignId',
      });
    }
    const now = this.deps.clock.now();
    const documentId = newId();
    const version = await this.versionRow(actor, documentId, 1, input, null, now);
    await this.deps.store.transaction(async (tx) => {
      await tx.documents.insertDocument({
        id: documentId,
        organizationId: actor.organizationId,
        campaignId: input.campaignId,
        type: input.type,
        title: input.title,
        subjectType: input.subject?.type ?? null,
        subjectId: input.subject?.id ?? null,
        status: 'draft',
        currentVersionId: version.id,
        currentVersionNumber: 1,
        approvedVersionId: null,
        approvedContentHash: null,
        approvedAt: null,
        createdBy: actor.id,
        createdAt: now,
        updatedAt: now,
      });
      await tx.documents.insertVersion(version);
    });
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: 'document.created',
      subjectType: 'document',
      subjectId: documentId,
      data: {
        campaignId: input.campaignId,
        type: input.type,
        versionId: version.id,
        contentHash: version.contentHash,
        generated: version.generated,
      },
    });
    return this.detail(actor.organizationId, documentId);
  }

  async rename(actor: Actor, documentId: string, title: string): Promise<DocumentDetail> {
    requirePermission(actor, 'documents.write');
    const updated = await this.deps.store.documents.updateDocument(
      actor.organizationId,
      documentId,
      { title, updatedAt: this.deps.clock.now() },
    );
    if (!updated) throw notFound('document', documentId);
    return this.detail(actor.organizationId, documentId);
  }

  /** Deletes a draft; a document that was ever reviewed keeps its record. */
  async remove(actor: Actor, documentId: string): Promise<void> {
    requirePermission(actor, 'documents.write');
    const document = await this.findRow(actor.organizationId, documentId);
    const rounds = await this.deps.store.reviews.listRounds(actor.organizationId, documentId);
    if (rounds.length > 0) {
      throw new AppError(
        'conflict',
        'The document has been submitted for review; its versions and reviews are kept',
        { reason: 'reviewed' },
      );
    }
    await this.deps.store.documents.deleteDocument(actor.organizationId, document.id);
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: 'document.deleted',
      subjectType: 'document',
      subjectId: documentId,
    });
  }

  /**
   * Saves a new version. It voids the review under way and any approval: an approval is
   * bound to the content hash of the version approved, and this is different text.
   */
  async saveVersion(actor: Actor, documentId: string, input: NewVersionInput): Promise<Version> {
    requirePermission(actor, 'documents.write');
    const organizationId = actor.organizationId;
    const now = this.deps.clock.now();
    const draft = await this.versionRow(actor, documentId, 0, input, input.note, now);
    const { version, effects } = await this.deps.store.transaction(async (tx) => {
      const document = await tx.documents.lockDocument(organizationId, documentId);
      if (!document?.currentVersionId) throw notFound('document', documentId);
      if (input.baseVersionId && input.baseVersionId !== document.currentVersionId) {
        throw new AppError(
          'conflict',
          `baseVersionId: someone saved v${document.currentVersionNumber} since; compare and edit that one`,
          { field: 'baseVersionId', currentVersionId: document.currentVersionId },
        );
      }
      const previous = await tx.documents.findVersion(
        organizationId,
        documentId,
        document.currentVersionId,
      );
      if (!previous) throw notFound('version', document.currentVersionId);
      if (previous.contentHash === draft.contentHash) {
        throw new AppError('invalid', `content: is the same as v${previous.number}`, {
          field: 'content',
        });
      }
      const version: VersionRow = { ...draft, number: document.currentVersionNumber + 1 };
      await tx.documents.insertVersion(version);
      const voided = await voidForNewVersion(tx, actor, document, previous, version);
      await tx.documents.updateDocument(organizationId, documentId, {
        currentVersionId: version.id,
        currentVersionNumber: version.number,
        status: voided.status,
        approvedVersionId: null,
        approvedContentHash: null,
        approvedAt: null,
        updatedAt: now,
      });
      return { version, effects: voided.effects };
    });
    await this.deps.reviews.apply(organizationId, effects);
    return toVersion(version);
  }

  async versions(actor: Actor, documentId: string): Promise<VersionSummary[]> {
    requirePermission(actor, 'organization.read');
    await this.findRow(actor.organizationId, documentId);
    const rows = await this.deps.store.documents.listVersions(actor.organizationId, documentId);
    return rows.map(toVersionSummary);
  }

  /** One version's text, with the line comments reviewers left on it. */
  async version(
    actor: Actor,
    documentId: string,
    versionId: string,
  ): Promise<Version & { comments: ReviewComment[] }> {
    requirePermission(actor, 'organization.read');
    const row = await this.deps.store.documents.findVersion(
      actor.organizationId,
      documentId,
      versionId,
    );
    if (!row) throw notFound('version', versionId);
    const comments = await this.deps.store.reviews.listComments(actor.organizationId, [row.id]);
    return { ...toVersion(row), comments: comments.map(toComment) };
  }

  /** Line diff between two versions, by number; either order. */
  async diff(actor: Actor, documentId: string, from: number, to: number): Promise<VersionDiff> {
    requirePermission(actor, 'organization.read');
    await this.findRow(actor.organizationId, documentId);
    const [older, newer] = await Promise.all([
      this.versionByNumber(actor.organizationId, documentId, 'from', from),
      this.versionByNumber(actor.organizationId, documentId, 'to', to),
    ]);
    const lines = diffLines(linesOf(older.content), linesOf(newer.content));
    return {
      from: toVersionSummary(older),
      to: toVersionSummary(newer),
      lines,
      ...diffSummary(lines),
    };
  }

  /** The go/no-go gate's question (ports.ts). Unknown ids and other organisations' are left out. */
  async approvalStatesOf(
    organizationId: string,
    documentIds: string[],
  ): Promise<DocumentApprovalState[]> {
    const { documents } = this.deps.store;
    // Ids the gate was handed may be anything; only a UUID can name a document.
    const ids = documentIds.filter((id) => uuidPattern.test(id));
    const rows = await documents.findDocuments(organizationId, ids);
    const versions = await documents.findVersions(
      organizationId,
      rows.map((row) => row.currentVersionId ?? '').filter(Boolean),
    );
    return rows.flatMap((row) => {
      const current = versions.find((version) => version.id === row.currentVersionId);
      if (!current) return [];
      return [
        {
          documentId: row.id,
          title: row.title,
          type: row.type,
          currentVersionId: current.id,
          currentVersionNumber: current.number,
          approvedVersionId: row.approvedVersionId,
          approved: isApprovedNow(row, current),
          content: current.content,
        },
      ];
    });
  }

  private async detail(organizationId: string, documentId: string): Promise<DocumentDetail> {
    const row = await this.findRow(organizationId, documentId);
    const { store } = this.deps;
    const [current, approved, rounds] = await Promise.all([
      store.documents.findVersion(organizationId, documentId, row.currentVersionId ?? ''),
      row.approvedVersionId
        ? store.documents.findVersion(organizationId, documentId, row.approvedVersionId)
        : Promise.resolve(undefined),
      this.deps.reviews.roundsOf(organizationId, documentId),
    ]);
    if (!current) throw notFound('version', row.currentVersionId ?? '');
    const review = rounds[0] ?? null;
    const waitingOn =
      review?.status === 'open'
        ? review.assignments.filter((a) => a.status === 'pending').map((a) => a.role)
        : [];
    return {
      ...toDocumentSummary(row, current.contentHash, waitingOn),
      currentVersion: toVersion(current),
      approvedVersionNumber: approved?.number ?? null,
      review,
    };
  }

  private async summaries(organizationId: string, rows: DocumentRow[]): Promise<DocumentSummary[]> {
    const { store } = this.deps;
    const [hashes, pending] = await Promise.all([
      store.documents.findVersionHashes(
        organizationId,
        rows.map((row) => row.currentVersionId ?? '').filter(Boolean),
      ),
      store.reviews.listPendingRoles(
        organizationId,
        rows.map((row) => row.id),
      ),
    ]);
    return rows.map((row) =>
      toDocumentSummary(
        row,
        hashes.find((hash) => hash.id === row.currentVersionId)?.contentHash ?? '',
        pending.filter((p) => p.documentId === row.id).map((p) => p.role as Role),
      ),
    );
  }

  private async versionRow(
    actor: Actor,
    documentId: string,
    number: number,
    input: { content: string; generatedBy: string | null },
    note: string | null,
    now: Date,
  ): Promise<VersionRow> {
    const content = normalizeContent(input.content);
    if (linesOf(content).length === 0) {
      throw new AppError('invalid', 'content: is empty', { field: 'content' });
    }
    return {
      id: newId(),
      organizationId: actor.organizationId,
      documentId,
      number,
      content,
      contentHash: contentHash(content),
      note,
      authorKind: actor.kind,
      authorId: actor.id,
      authorName: await this.deps.nameActor(actor),
      generated: input.generatedBy !== null,
      generator: input.generatedBy,
      createdAt: now,
    };
  }

  private async versionByNumber(
    organizationId: string,
    documentId: string,
    field: 'from' | 'to',
    number: number,
  ): Promise<VersionRow> {
    const row = await this.deps.store.documents.findVersionByNumber(
      organizationId,
      documentId,
      number,
    );
    if (!row) {
      throw new AppError('invalid', `${field}: the document has no version ${number}`, { field });
    }
    return row;
  }

  private async findRow(organizationId: string, documentId: string): Promise<DocumentRow> {
    const row = await this.deps.store.documents.findDocument(organizationId, documentId);
    if (!row) throw notFound('document', documentId);
    return row;
  }
}
