import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';
import {
  noWaitlistWrites,
  type WaitlistWrites,
  waitlistStatements,
} from './waitlist.repository.js';

export type HoldRow = Row<'holds'>;

/**
 * The only SQL for cart holds: the hold journal's group-commit write (which carries the
 * waitlist's joins and ends in the same statement) and the rows a book is rebuilt from.
 */
export class HoldsRepository {
  constructor(private readonly db: Db) {}

  /**
   * One write for a whole batch of new holds and ended holds: the group commit. It is a single
   * statement (atomic on its own, no BEGIN/COMMIT): with PGlite in its worker thread each round
   * trip waits for a turn of a busy event loop, and every winner of a drop waits for this write.
   * A hold both created and ended within the batch is inserted already ended. New holds go
   * as one array per column (`unnest`): a batch of 100 on PGlite took 4.7-6.0 ms against
   * 8.7-11.3 ms as a multi-row VALUES (measured 2026-12-01).
   */
  async writeHoldBatch(
    created: readonly NewRow<'holds'>[],
    ended: ReadonlyArray<{ id: string; status: 'expired' | 'released' }>,
    endedAt: Date,
    waitlist: WaitlistWrites = noWaitlistWrites,
  ): Promise<void> {
    const waiting = waitlistStatements(waitlist, endedAt);
    if (created.length === 0 && ended.length === 0 && waiting === undefined) return;
    const column = <T>(read: (hold: NewRow<'holds'>) => T): T[] => created.map(read);
    const time = (value: Date | string) => new Date(value).toISOString();
    // A hold may be written twice (a retry answered by another process writes it too): the
    // rows are the same, the first insert wins; an ended hold that already existed is updated.
    const write = () =>
      sql`with ended (id, status) as (
        select * from unnest(${ended.map((hold) => hold.id)}::uuid[],
          ${ended.map((hold) => hold.status)}::text[])
      ),
      inserted as (
        insert into holds (id, organization_id, offer_id, shopper_id, quantity, status,
          idempotency_key, offer_code, traffic_source, market, created_at, expires_at, ended_at)
        select fresh.id, fresh.organization_id, fresh.offer_id, fresh.shopper_id, fresh.quantity,
          coalesce(ended.status, fresh.status), fresh.idempotency_key, fresh.offer_code,
          fresh.traffic_source, fresh.market, fresh.created_at, fresh.expires_at,
          case when ended.id is null then null else ${time(endedAt)}::timestamptz end
        from unnest(
          ${column((hold) => hold.id)}::uuid[],
          ${column((hold) => hold.organizationId)}::uuid[],
          ${column((hold) => hold.offerId)}::uuid[],
          ${column((hold) => hold.shopperId)}::text[],
          ${column((hold) => hold.quantity)}::int[],
          ${column((hold) => hold.status)}::text[],
          ${column((hold) => hold.idempotencyKey ?? null)}::text[],
          ${column((hold) => hold.offerCode ?? null)}::text[],
          ${column((hold) => hold.trafficSource ?? null)}::text[],
          ${column((hold) => hold.market ?? null)}::text[],
          ${column((hold) => time(hold.createdAt))}::timestamptz[],
          ${column((hold) => time(hold.expiresAt))}::timestamptz[]
        ) as fresh (id, organization_id, offer_id, shopper_id, quantity, status,
          idempotency_key, offer_code, traffic_source, market, created_at, expires_at)
        left join ended on ended.id = fresh.id
        on conflict (id) do nothing
      )${waiting ?? sql``}
      update holds set status = ended.status, ended_at = ${time(endedAt)}::timestamptz
      from ended
      where holds.id = ended.id and holds.status = 'held'`.execute(this.db);
    // Both processes' inserts of the same hold in flight at once: the later one waits for the
    // earlier and, if its check of the id came first, fails on the key's index instead of
    // skipping the row. Again, it sees the committed row by its id and skips it; a different
    // hold with the same key fails every time, as it must.
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        return;
      } catch (error) {
        if (attempt === 3 || !isUniqueViolation(error, 'holds_idempotency_key')) throw error;
      }
    }
  }

  /** Every hold of an offer: open ones go back into its book, ended ones keep their answers. */
  async listHolds(offerId: string): Promise<HoldRow[]> {
    return this.db.selectFrom('holds').selectAll().where('offerId', '=', offerId).execute();
  }

  async findHold(holdId: string): Promise<HoldRow | undefined> {
    return this.db.selectFrom('holds').selectAll().where('id', '=', holdId).executeTakeFirst();
  }

  async soldUnits(offerId: string): Promise<number> {
    const row = await this.db
      .selectFrom('offers')
      .select('soldUnits')
      .where('id', '=', offerId)
      .executeTakeFirst();
    return row?.soldUnits ?? 0;
  }

  /** Units of paid orders per shopper: the per-buyer limit counts them after a restart. */
  async unitsBoughtByShopper(
    offerId: string,
  ): Promise<Array<{ shopperId: string; units: number }>> {
    const rows = await this.db
      .selectFrom('orders')
      .select(['shopperId', sql<number>`sum(quantity)::int`.as('units')])
      .where('offerId', '=', offerId)
      .where('status', '=', 'paid')
      .groupBy('shopperId')
      .execute();
    return rows.map((row) => ({ shopperId: row.shopperId, units: Number(row.units) }));
  }
}

/** PostgreSQL's unique_violation (23505) on the named index. */
function isUniqueViolation(error: unknown, index: string): boolean {
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === index;
}
