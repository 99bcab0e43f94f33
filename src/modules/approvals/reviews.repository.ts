import type { Db } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';

export type RoundRow = Row<'reviewRounds'>;
export type AssignmentRow = Row<'reviewAssignments'>;
export type CommentRow = Row<'reviewComments'>;

/** An open assignment with what the waiting dashboard shows beside it. */
export interface WaitingRow extends AssignmentRow {
  documentTitle: string;
  documentType: string;
  campaignId: string;
  campaignName: string;
  versionId: string;
  reReview: boolean;
  matrixRow: unknown;
}

/** SQL for review rounds, assignments and line comments; every call is scoped by organisation. */
export class ReviewsRepository {
  constructor(private readonly db: Db) {}

  async insertRound(row: NewRow<'reviewRounds'>): Promise<void> {
    await this.db.insertInto('reviewRounds').values(row).execute();
  }

  async updateRound(organizationId: string, id: string, changes: RowUpdate<'reviewRounds'>) {
    await this.db
      .updateTable('reviewRounds')
      .set(changes)
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .execute();
  }

  async findOpenRound(organizationId: string, documentId: string): Promise<RoundRow | undefined> {
    return this.db
      .selectFrom('reviewRounds')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('documentId', '=', documentId)
      .where('status', '=', 'open')
      .executeTakeFirst();
  }

  async findRound(organizationId: string, id: string): Promise<RoundRow | undefined> {
    return this.db
      .selectFrom('reviewRounds')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** The document's rounds, newest first. */
  async listRounds(organizationId: string, documentId: string): Promise<RoundRow[]> {
    return this.db
      .selectFrom('reviewRounds')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('documentId', '=', documentId)
      .orderBy('submittedAt', 'desc')
      .execute();
  }

  /** The newest round that ended in a decision (approved or returned), not one cut short by an edit. */
  async findLastDecidedRound(
    organizationId: string,
    documentId: string,
  ): Promise<RoundRow | undefined> {
    return this.db
      .selectFrom('reviewRounds')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('documentId', '=', documentId)
      .where('status', 'in', ['approved', 'returned'])
      .orderBy('submittedAt', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async insertAssignments(rows: NewRow<'reviewAssignments'>[]): Promise<void> {
    if (rows.length > 0) await this.db.insertInto('reviewAssignments').values(rows).execute();
  }

  async updateAssignments(
    organizationId: string,
    ids: readonly string[],
    changes: RowUpdate<'reviewAssignments'>,
    onlyStatus?: string,
  ): Promise<void> {
    if (ids.length === 0) return;
    let query = this.db
      .updateTable('reviewAssignments')
      .set(changes)
      .where('organizationId', '=', organizationId)
      .where('id', 'in', ids);
    if (onlyStatus) query = query.where('status', '=', onlyStatus);
    await query.execute();
  }

  async findAssignment(organizationId: string, id: string): Promise<AssignmentRow | undefined> {
    return this.db
      .selectFrom('reviewAssignments')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async listAssignments(
    organizationId: string,
    roundIds: readonly string[],
  ): Promise<AssignmentRow[]> {
    if (roundIds.length === 0) return [];
    return this.db
      .selectFrom('reviewAssignments')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('roundId', 'in', roundIds)
      .orderBy('stage')
      .orderBy('role')
      .execute();
  }

  /** The roles each document is waiting on now. */
  async listPendingRoles(
    organizationId: string,
    documentIds: readonly string[],
  ): Promise<Array<{ documentId: string; role: string; deadline: Date }>> {
    if (documentIds.length === 0) return [];
    return this.db
      .selectFrom('reviewAssignments')
      .select(['documentId', 'role', 'deadline'])
      .where('organizationId', '=', organizationId)
      .where('documentId', 'in', documentIds)
      .where('status', '=', 'pending')
      .orderBy('role')
      .execute();
  }

  async listWaiting(
    organizationId: string,
    filter: { campaignId?: string | undefined; role?: string | undefined },
  ): Promise<WaitingRow[]> {
    let query = this.db
      .selectFrom('reviewAssignments as a')
      .innerJoin('reviewRounds as r', 'r.id', 'a.roundId')
      .innerJoin('documents as d', 'd.id', 'a.documentId')
      .innerJoin('campaigns as c', 'c.id', 'd.campaignId')
      .selectAll('a')
      .select([
        'd.title as documentTitle',
        'd.type as documentType',
        'd.campaignId as campaignId',
        'c.name as campaignName',
        'r.versionId as versionId',
        'r.reReview as reReview',
        'r.matrixRow as matrixRow',
      ])
      .where('a.organizationId', '=', organizationId)
      .where('r.organizationId', '=', organizationId)
      .where('d.organizationId', '=', organizationId)
      .where('a.status', '=', 'pending');
    if (filter.campaignId) query = query.where('d.campaignId', '=', filter.campaignId);
    if (filter.role) query = query.where('a.role', '=', filter.role);
    return query.orderBy('a.deadline').orderBy('d.title').execute();
  }

  async insertComments(rows: NewRow<'reviewComments'>[]): Promise<void> {
    if (rows.length > 0) await this.db.insertInto('reviewComments').values(rows).execute();
  }

  async listComments(organizationId: string, versionIds: readonly string[]): Promise<CommentRow[]> {
    if (versionIds.length === 0) return [];
    return this.db
      .selectFrom('reviewComments')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('versionId', 'in', versionIds)
      .orderBy('line')
      .orderBy('createdAt')
      .execute();
  }
}
