import type { Logger } from 'pino';
import type { NewRow } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { EventPublisher } from '../notifications/index.js';
import type { CheckoutPayments } from './checkout-payments.js';
import { GroupCommitter } from './group-committer.js';
import { orderEventData } from './order-events.js';
import type { OrderRow, OrdersRepository } from './orders.repository.js';

export interface PaidOrdersDeps {
  orders: OrdersRepository;
  clock: Clock;
  events: EventPublisher;
  logger?: Logger | undefined;
  /** Payment attempts: each order's is marked `ordered` in the order's own transaction. */
  payments: CheckoutPayments;
}

interface PendingOrder {
  order: NewRow<'orders'>;
  /** The payment attempt the order was paid by. */
  attemptId: string;
  written: OrderRow | undefined;
}

/**
 * Paid orders are written in group commits: orders paid while a write is in flight go into
 * the next transaction together, so a sell-out's checkouts cost a few commits, not hundreds.
 * Each insert is conditional on its hold still being held in the database, and each order's
 * payment attempt turns `ordered` in the same transaction: no order without its payment's
 * record, no `charging` attempt left behind by an order that was written.
 */
export class PaidOrders {
  private readonly writes: GroupCommitter<PendingOrder>;

  constructor(private readonly deps: PaidOrdersDeps) {
    this.writes = new GroupCommitter((batch) => this.writeOrders(batch), 200);
  }

  /**
   * Records the order through the checkout group commit: orders paid while a write is in
   * flight go into the next transaction together. Undefined when the database refused it.
   */
  async record(order: NewRow<'orders'>, attemptId: string): Promise<OrderRow | undefined> {
    const pending: PendingOrder = { order, attemptId, written: undefined };
    await this.writes.enqueue(pending);
    return pending.written;
  }

  private async writeOrders(batch: PendingOrder[]): Promise<void> {
    const attemptOfHold = new Map(
      batch.map((pending) => [pending.order.holdId, pending.attemptId]),
    );
    const written = await this.deps.orders.insertOrdersForHolds(
      batch.map((pending) => pending.order),
      this.deps.clock.now(),
      (trx, orders) =>
        this.deps.payments.recordOrdered(
          trx,
          orders.flatMap((order) => {
            const attemptId = attemptOfHold.get(order.holdId);
            return attemptId
              ? [{ attemptId, orderId: order.id, reference: order.paymentReference }]
              : [];
          }),
        ),
    );
    const byHold = new Map(written.map((row) => [row.holdId, row]));
    for (const pending of batch) pending.written = byHold.get(pending.order.holdId);
  }

  /** `order.paid` for the organisation's webhooks (CRM tagging, fulfilment, analytics). */
  async announce(order: OrderRow): Promise<void> {
    try {
      await this.deps.events.publish(order.organizationId, 'order.paid', orderEventData(order));
    } catch (error) {
      this.deps.logger?.error({ err: error, orderId: order.id }, 'order.paid event not queued');
    }
  }
}
