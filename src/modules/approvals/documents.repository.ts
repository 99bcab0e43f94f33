import type { Db } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';

export type DocumentRow = Row<'documents'>;
export type VersionRow = Row<'documentVersions'>;
export type VersionSummaryRow = Omit<VersionRow, 'content'>;

const versionSummaryColumns = [
  'id',
  'organizationId',
  'documentId',
  'number',
  'contentHash',
  'note',
  'authorKind',
  'authorId',
  'authorName',
  'generated',
  'generator',
  'createdAt',
] as const;

/** SQL for documents and their versions; every call is scoped by organisation. */
export class DocumentsRepository {
  constructor(private readonly db: Db) {}

  async insertDocument(row: NewRow<'documents'>): Promise<void> {
    await this.db.insertInto('documents').values(row).execute();
  }

  async updateDocument(
    organizationId: string,
    id: string,
    changes: RowUpdate<'documents'>,
  ): Promise<DocumentRow | undefined> {
    return this.db
      .updateTable('documents')
      .set(changes)
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async findDocument(organizationId: string, id: string): Promise<DocumentRow | undefined> {
    return this.db
      .selectFrom('documents')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /**
   * Reads a document and holds its row until the transaction ends: every change to a
   * document (a version, a submission, a decision) takes this lock, so they happen one at a
   * time and two reviewers approving at once still open the next stage exactly once.
   */
  async lockDocument(organizationId: string, id: string): Promise<DocumentRow | undefined> {
    return this.db
      .selectFrom('documents')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  async findDocuments(organizationId: string, ids: readonly string[]): Promise<DocumentRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom('documents')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', 'in', ids)
      .execute();
  }

  async listDocuments(
    organizationId: string,
    filter: { campaignId?: string | undefined; status?: string | undefined },
  ): Promise<DocumentRow[]> {
    let query = this.db
      .selectFrom('documents')
      .selectAll()
      .where('organizationId', '=', organizationId);
    if (filter.campaignId) query = query.where('campaignId', '=', filter.campaignId);
    if (filter.status) query = query.where('status', '=', filter.status);
    return query.orderBy('type').orderBy('title').execute();
  }

  async deleteDocument(organizationId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('documents')
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async insertVersion(row: NewRow<'documentVersions'>): Promise<void> {
    await this.db.insertInto('documentVersions').values(row).execute();
  }

  async findVersion(
    organizationId: string,
    documentId: string,
    versionId: string,
  ): Promise<VersionRow | undefined> {
    return this.db
      .selectFrom('documentVersions')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('documentId', '=', documentId)
      .where('id', '=', versionId)
      .executeTakeFirst();
  }

  async findVersionByNumber(
    organizationId: string,
    documentId: string,
    number: number,
  ): Promise<VersionRow | undefined> {
    return this.db
      .selectFrom('documentVersions')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('documentId', '=', documentId)
      .where('number', '=', number)
      .executeTakeFirst();
  }

  async findVersions(organizationId: string, ids: readonly string[]): Promise<VersionRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom('documentVersions')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', 'in', ids)
      .execute();
  }

  async findVersionHashes(
    organizationId: string,
    ids: readonly string[],
  ): Promise<Array<{ id: string; contentHash: string; number: number }>> {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom('documentVersions')
      .select(['id', 'contentHash', 'number'])
      .where('organizationId', '=', organizationId)
      .where('id', 'in', ids)
      .execute();
  }

  /** Newest first, without the text. */
  async listVersions(organizationId: string, documentId: string): Promise<VersionSummaryRow[]> {
    return this.db
      .selectFrom('documentVersions')
      .select(versionSummaryColumns)
      .where('organizationId', '=', organizationId)
      .where('documentId', '=', documentId)
      .orderBy('number', 'desc')
      .execute();
  }
}
