import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';

/**
 * The waitlist's reads (0016). Joins and ends are written by HoldsRepository.writeHoldBatch,
 * with the holds, as the statements of waitlistStatements below.
 */
export class WaitlistRepository {
  constructor(private readonly db: Db) {}

  /** An offer's waiting shoppers, first in line first: a restart puts them back in its book. */
  async listWaiting(organizationId: string, offerId: string): Promise<WaitlistRow[]> {
    return this.db
      .selectFrom('waitlist')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('offerId', '=', offerId)
      .where('status', '=', 'waiting')
      .orderBy('queueOrder')
      .execute();
  }

  /**
   * The first answers of an offer's keyed joins, whatever became of them: a retry with the key
   * gets its first answer again after a restart, and never joins twice.
   */
  async listWaitlistAnswers(organizationId: string, offerId: string): Promise<WaitlistAnswerRow[]> {
    const rows = await this.db
      .selectFrom('waitlist')
      .select(['id', 'idempotencyKey', 'joinedPosition'])
      .where('organizationId', '=', organizationId)
      .where('offerId', '=', offerId)
      .where('idempotencyKey', 'is not', null)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      idempotencyKey: row.idempotencyKey as string,
      position: row.joinedPosition ?? 1,
    }));
  }

  /**
   * Ends the waits of offers no longer on sale: a process that stopped between an offer's close
   * and its waitlist's write leaves them waiting. Run at start-up, before the books load.
   */
  async expireWaitingOfEndedOffers(now: Date): Promise<number> {
    const ended = await this.db
      .updateTable('waitlist')
      .set({ status: 'expired', endedAt: now })
      .where('status', '=', 'waiting')
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('offers')
            .select('offers.id')
            .whereRef('offers.id', '=', 'waitlist.offerId')
            .whereRef('offers.organizationId', '=', 'waitlist.organizationId')
            .where('offers.status', 'not in', ['armed', 'live', 'paused']),
        ),
      )
      .executeTakeFirst();
    return Number(ended.numUpdatedRows);
  }
}

// --- The waitlist's part of a hold batch ---

export type WaitlistRow = Row<'waitlist'>;

/** A keyed join's first answer: the entry and the place in line it was told. */
export interface WaitlistAnswerRow {
  id: string;
  idempotencyKey: string;
  position: number;
}

/** What a hold batch writes of the waitlist: new entries, and entries whose wait ended. */
export interface WaitlistWrites {
  /** Rows of new entries; one that ended within the same batch carries its end already. */
  joined: readonly NewRow<'waitlist'>[];
  ended: ReadonlyArray<{
    id: string;
    organizationId: string;
    status: 'served' | 'left' | 'expired';
    holdId: string | null;
  }>;
}

export const noWaitlistWrites: WaitlistWrites = { joined: [], ended: [] };

/**
 * The waitlist's statements as common table expressions of the hold batch's one statement:
 * a shopper's new hold and their entry's `served` commit together or not at all, and batches
 * land in the order they were sent (no transaction to start, which could be overtaken).
 * Undefined when the batch has nothing of the waitlist.
 */
export function waitlistStatements(writes: WaitlistWrites, endedAt: Date) {
  const { joined, ended } = writes;
  if (joined.length === 0 && ended.length === 0) return undefined;
  const column = <T>(read: (entry: NewRow<'waitlist'>) => T): T[] => joined.map(read);
  const time = (value: Date | string | null | undefined) =>
    value == null ? null : new Date(value).toISOString();
  // A row is inserted once (a retry of the batch finds it there, or the entry of its key that
  // another process wrote); an end applies only to a waiting entry, so an entry never ends
  // twice nor comes back.
  return sql`,
      waitlist_joined as (
        insert into waitlist (id, organization_id, offer_id, shopper_id, quantity, market,
          idempotency_key, queue_order, status, hold_id, joined_at, ended_at, joined_position)
        select * from unnest(
          ${column((entry) => entry.id)}::uuid[],
          ${column((entry) => entry.organizationId)}::uuid[],
          ${column((entry) => entry.offerId)}::uuid[],
          ${column((entry) => entry.shopperId)}::text[],
          ${column((entry) => entry.quantity)}::int[],
          ${column((entry) => entry.market ?? null)}::text[],
          ${column((entry) => entry.idempotencyKey ?? null)}::text[],
          ${column((entry) => entry.queueOrder)}::int[],
          ${column((entry) => entry.status ?? 'waiting')}::text[],
          ${column((entry) => entry.holdId ?? null)}::uuid[],
          ${column((entry) => time(entry.joinedAt))}::timestamptz[],
          ${column((entry) => time(entry.endedAt))}::timestamptz[],
          ${column((entry) => entry.joinedPosition ?? null)}::int[]
        )
        on conflict do nothing
      ),
      waitlist_ended as (
        update waitlist set status = gone.status, hold_id = gone.hold_id,
          ended_at = ${time(endedAt)}::timestamptz
        from unnest(
          ${ended.map((entry) => entry.id)}::uuid[],
          ${ended.map((entry) => entry.organizationId)}::uuid[],
          ${ended.map((entry) => entry.status)}::text[],
          ${ended.map((entry) => entry.holdId)}::uuid[]
        ) as gone (id, organization_id, status, hold_id)
        where waitlist.id = gone.id and waitlist.organization_id = gone.organization_id
          and waitlist.status = 'waiting'
      )`;
}
