import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type {
  CheckoutPaymentStatus,
  NewRow,
  Row,
  RowUpdate,
  StoredCheckoutAnswer,
} from '../../db/schema.js';
import type { OrderRow } from './orders.repository.js';

export type PaymentAttemptRow = Row<'checkoutPayments'>;

/** An attempt still `charging`, and whether its hold can no longer become an order. */
export type UnsettledAttemptRow = PaymentAttemptRow & { holdEnded: boolean };

/** An attempt whose order was just written, with the payment the order carries. */
export interface OrderedAttempt {
  attemptId: string;
  orderId: string;
  reference: string;
}

/** Payment attempts of checkouts (0018), and what payment providers report about orders. */
export class CheckoutPaymentsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Writes an attempt before its charge. False when the hold already has an attempt with the
   * same Idempotency-Key: the unique index decides, whichever process got there first.
   */
  async insertAttempt(row: NewRow<'checkoutPayments'>): Promise<boolean> {
    const inserted = await this.db
      .insertInto('checkoutPayments')
      .values(row)
      .onConflict((conflict) =>
        conflict
          .columns(['holdId', 'idempotencyKey'])
          .where('idempotencyKey', 'is not', null)
          .doNothing(),
      )
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async findByKey(holdId: string, idempotencyKey: string): Promise<PaymentAttemptRow | undefined> {
    return this.db
      .selectFrom('checkoutPayments')
      .selectAll()
      .where('holdId', '=', holdId)
      .where('idempotencyKey', '=', idempotencyKey)
      .executeTakeFirst();
  }

  /**
   * Lets the key go from an attempt that will never answer (its process died before it did):
   * a retry with the key is then a new attempt. False when the attempt answered meanwhile.
   */
  async releaseUnansweredKey(id: string, idempotencyKey: string): Promise<boolean> {
    const released = await this.db
      .updateTable('checkoutPayments')
      .set({ idempotencyKey: null })
      .where('id', '=', id)
      .where('idempotencyKey', '=', idempotencyKey)
      .where('answer', 'is', null)
      .where('orderId', 'is', null)
      .executeTakeFirst();
    return Number(released.numUpdatedRows) === 1;
  }

  /**
   * Records what became of a charging attempt. Only a `charging` attempt changes: an attempt
   * settled by another process (the sweep, a webhook) keeps its outcome. False when it had.
   */
  async recordOutcome(
    id: string,
    outcome: {
      status?: CheckoutPaymentStatus | undefined;
      providerReference?: string | undefined;
      answer?: StoredCheckoutAnswer | undefined;
      /** The attempt ended in a fault: its key is let go, like an answer never given. */
      releaseKey?: boolean | undefined;
    },
    now: Date,
  ): Promise<boolean> {
    const changes: RowUpdate<'checkoutPayments'> = { updatedAt: now };
    if (outcome.status) changes.status = outcome.status;
    if (outcome.providerReference) changes.providerReference = outcome.providerReference;
    if (outcome.answer) changes.answer = JSON.stringify(outcome.answer);
    if (outcome.releaseKey) changes.idempotencyKey = null;
    const updated = await this.db
      .updateTable('checkoutPayments')
      .set(changes)
      .where('id', '=', id)
      .where('status', '=', 'charging')
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /** Settles a charging attempt as ordered, with the order its payment went to. */
  async recordOrdered(id: string, orderId: string, reference: string, now: Date): Promise<boolean> {
    const updated = await this.db
      .updateTable('checkoutPayments')
      .set({ status: 'ordered', orderId, providerReference: reference, updatedAt: now })
      .where('id', '=', id)
      .where('status', '=', 'charging')
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /**
   * Marks the attempts of orders just written, inside the orders' own transaction (`trx`): an
   * order and its attempt's `ordered` commit together, in one statement for the whole batch.
   */
  async markOrdered(trx: Db, ordered: readonly OrderedAttempt[], now: Date): Promise<void> {
    if (ordered.length === 0) return;
    await sql`update checkout_payments as p
      set status = 'ordered', order_id = o.order_id, provider_reference = o.reference,
        updated_at = ${now.toISOString()}::timestamptz
      from unnest(
        ${ordered.map((entry) => entry.attemptId)}::uuid[],
        ${ordered.map((entry) => entry.orderId)}::uuid[],
        ${ordered.map((entry) => entry.reference)}::text[]
      ) as o (id, order_id, reference)
      where p.id = o.id and p.status = 'charging'`.execute(trx);
  }

  /**
   * Attempts still `charging`, oldest first, each with whether its hold has ended: no longer
   * `held` in the database, or so long past its deadline that no checkout can pin it.
   */
  async listCharging(filter: {
    holdId?: string | undefined;
    createdBefore?: Date | undefined;
    createdAfter?: Date | undefined;
    /** A `held` hold whose deadline passed before this counts as ended. */
    heldExpiredBefore: Date;
    onlyEndedHolds: boolean;
    limit: number;
  }): Promise<UnsettledAttemptRow[]> {
    const expiredBefore = filter.heldExpiredBefore.toISOString();
    const holdEnded = sql<boolean>`(h.status <> 'held' or h.expires_at <= ${expiredBefore}::timestamptz)`;
    let query = this.db
      .selectFrom('checkoutPayments as p')
      .innerJoin('holds as h', 'h.id', 'p.holdId')
      .selectAll('p')
      .select(holdEnded.as('holdEnded'))
      .where('p.status', '=', 'charging');
    if (filter.holdId) query = query.where('p.holdId', '=', filter.holdId);
    if (filter.createdBefore) query = query.where('p.createdAt', '<=', filter.createdBefore);
    if (filter.createdAfter) query = query.where('p.createdAt', '>', filter.createdAfter);
    if (filter.onlyEndedHolds) query = query.where(holdEnded);
    return query.orderBy('p.createdAt').limit(filter.limit).execute();
  }

  /**
   * Records a refund the provider reports for a paid order's payment (the cumulated amount it
   * refunded). Answers the order when this changed it; undefined for a payment of no paid
   * order, or a refund already recorded (a webhook delivered again).
   */
  async recordProviderRefund(
    provider: string,
    reference: string,
    refundedMinor: number,
    now: Date,
  ): Promise<OrderRow | undefined> {
    return this.db
      .updateTable('orders')
      .set({
        refundedMinor: sql<number>`least(total_minor, ${refundedMinor})`,
        refundedAt: now,
        updatedAt: now,
      })
      .where('paymentProvider', '=', provider)
      .where('paymentReference', '=', reference)
      .where('status', '=', 'paid')
      .where(sql<boolean>`refunded_minor < least(total_minor, ${refundedMinor})`)
      .returningAll()
      .executeTakeFirst();
  }
}
