import type { Db } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';
import type { ChainHead } from './audit-chain.js';

export type AuditEntryRow = Row<'auditEntries'>;

export interface EntryFilters {
  action?: string | undefined;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
}

/** The only SQL for the audit trail. Every call is scoped to one organisation. */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  /**
   * Appends one entry after the organisation's head, in one transaction that holds the head
   * row `FOR UPDATE`: a second writer (another request, another process on the same
   * PostgreSQL) waits until the first commits and then reads the new head, so every entry
   * chains to exactly one predecessor. `build` turns the head into the row to insert.
   */
  async append(
    organizationId: string,
    genesis: ChainHead,
    build: (head: ChainHead) => NewRow<'auditEntries'>,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const lockHead = () =>
        trx
          .selectFrom('auditHeads')
          .select(['sequence', 'hash'])
          .where('organizationId', '=', organizationId)
          .forUpdate()
          .executeTakeFirst();
      let head = await lockHead();
      if (!head) {
        // Two first writers both get here; the loser's insert waits for the winner's commit
        // and then does nothing, and both go on to lock the one row.
        await trx
          .insertInto('auditHeads')
          .values({ organizationId, ...genesis })
          .onConflict((conflict) => conflict.column('organizationId').doNothing())
          .execute();
        head = await lockHead();
      }
      if (!head) throw new Error(`audit head of ${organizationId} vanished inside its transaction`);
      const row = build(head);
      await trx.insertInto('auditEntries').values(row).execute();
      await trx
        .updateTable('auditHeads')
        .set({ sequence: row.sequence, hash: row.hash })
        .where('organizationId', '=', organizationId)
        .execute();
    });
  }

  async findHead(organizationId: string): Promise<ChainHead | undefined> {
    return this.db
      .selectFrom('auditHeads')
      .select(['sequence', 'hash'])
      .where('organizationId', '=', organizationId)
      .executeTakeFirst();
  }

  /** Newest first; `beforeSequence` pages back from a previous page's last entry. */
  async listEntries(
    organizationId: string,
    filters: EntryFilters,
    page: { beforeSequence?: number | undefined; limit: number },
  ): Promise<AuditEntryRow[]> {
    let query = this.filtered(organizationId, filters);
    if (page.beforeSequence !== undefined)
      query = query.where('sequence', '<', page.beforeSequence);
    return query.orderBy('sequence', 'desc').limit(page.limit).execute();
  }

  /**
   * Oldest first, in batches by sequence, for verifying and exporting without holding the
   * whole log in memory. `upToSequence` leaves out entries appended after a head was read.
   */
  async *readInOrder(
    organizationId: string,
    filters: EntryFilters & { upToSequence?: number | undefined },
    batchSize = 1000,
  ): AsyncGenerator<AuditEntryRow> {
    let afterSequence = 0;
    while (true) {
      let query = this.filtered(organizationId, filters).where('sequence', '>', afterSequence);
      if (filters.upToSequence !== undefined)
        query = query.where('sequence', '<=', filters.upToSequence);
      const batch = await query.orderBy('sequence').limit(batchSize).execute();
      yield* batch;
      const last = batch.at(-1);
      if (!last || batch.length < batchSize) return;
      afterSequence = last.sequence;
    }
  }

  /** Organisations that have an audit trail, for verifying all of them. */
  async listOrganizationIds(): Promise<string[]> {
    const heads = await this.db.selectFrom('auditHeads').select('organizationId').execute();
    const orphans = await this.db
      .selectFrom('auditEntries')
      .select('organizationId')
      .distinct()
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('auditHeads')
              .select('auditHeads.organizationId')
              .whereRef('auditHeads.organizationId', '=', 'auditEntries.organizationId'),
          ),
        ),
      )
      .execute();
    return [...heads, ...orphans].map((row) => row.organizationId);
  }

  private filtered(organizationId: string, filters: EntryFilters) {
    let query = this.db
      .selectFrom('auditEntries')
      .selectAll()
      .where('organizationId', '=', organizationId);
    if (filters.action) query = query.where('action', '=', filters.action);
    if (filters.subjectType) query = query.where('subjectType', '=', filters.subjectType);
    if (filters.subjectId) query = query.where('subjectId', '=', filters.subjectId);
    if (filters.from) query = query.where('occurredAt', '>=', filters.from);
    if (filters.to) query = query.where('occurredAt', '<', filters.to);
    return query;
  }
}
