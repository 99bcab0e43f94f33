import type { Clock } from '../../lib/clock.js';
import { csvField } from '../../lib/csv-field.js';
import { AppError, notFound } from '../../lib/errors.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { AuditRecorder } from '../audit/index.js';
import type { EventPublisher } from '../notifications/index.js';
import type { OfferStore } from './offer-store.js';
import type { OffersRepository } from './offers.repository.js';
import { orderEventData } from './order-events.js';
import type { OrderRow, OrdersRepository } from './orders.repository.js';
import { type PaymentProvider, PaymentUnavailableError } from './payment-provider.js';

export const fulfilmentStatuses = ['unfulfilled', 'packed', 'shipped', 'delivered'] as const;
export type FulfilmentStatus = (typeof fulfilmentStatuses)[number];

export interface Order {
  id: string;
  offerId: string;
  holdId: string;
  showId: string | null;
  shopperId: string;
  email: string;
  name: string;
  address: Record<string, string>;
  quantity: number;
  /** Goods at the offer's price; `totalMinor` is what was charged (tax added when prices exclude it). */
  amountMinor: number;
  taxMinor: number;
  taxRateBasisPoints: number;
  totalMinor: number;
  currency: string;
  fulfilmentRegionId: string | null;
  status: 'paid' | 'cancelled' | 'returned';
  fulfilmentStatus: FulfilmentStatus;
  paymentProvider: string;
  offerCode: string | null;
  trafficSource: string | null;
  /** The market whose reserve the units came from (offers split by market). */
  market: string | null;
  /** The order's place among its offer's orders, 1 for the first (cancelled ones count). */
  saleNumber: number;
  /** The urgency rule's bonus item, for the offer's first N orders; null for the others. */
  bonus: string | null;
  packedAt: Date | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  /**
   * Refunded at the payment provider outside Mydrop's cancel and return (a Stripe dashboard
   * refund, learnt from its webhook), up to `totalMinor`; 0 when none was reported.
   */
  refundedMinor: number;
  refundedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface OrdersDeps {
  orders: OrdersRepository;
  /** The offer's components, to return a closed offer's units to the catalog. */
  offers: OffersRepository;
  store: OfferStore;
  clock: Clock;
  paymentProviders: Record<string, PaymentProvider>;
  audit: AuditRecorder;
  events: EventPublisher;
}

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    offerId: row.offerId,
    holdId: row.holdId,
    showId: row.showId,
    shopperId: row.shopperId,
    email: row.email,
    name: row.name,
    address: row.address,
    quantity: row.quantity,
    amountMinor: row.amountMinor,
    taxMinor: row.taxMinor,
    taxRateBasisPoints: row.taxRateBasisPoints,
    totalMinor: row.totalMinor,
    currency: row.currency,
    fulfilmentRegionId: row.fulfilmentRegionId,
    status: row.status as Order['status'],
    fulfilmentStatus: row.fulfilmentStatus as FulfilmentStatus,
    paymentProvider: row.paymentProvider,
    offerCode: row.offerCode,
    trafficSource: row.trafficSource,
    market: row.market,
    saleNumber: row.saleNumber,
    bonus: row.bonus,
    packedAt: row.packedAt,
    shippedAt: row.shippedAt,
    deliveredAt: row.deliveredAt,
    refundedMinor: row.refundedMinor,
    refundedAt: row.refundedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const csvColumns: Array<keyof Order> = [
  'id',
  'offerId',
  'createdAt',
  'status',
  'fulfilmentStatus',
  'quantity',
  'amountMinor',
  'taxMinor',
  'totalMinor',
  'currency',
  'fulfilmentRegionId',
  'email',
  'name',
  'offerCode',
  'trafficSource',
  'market',
  'showId',
  'shopperId',
  // Added later: at the end, so sheets that read the export by column position keep working.
  'saleNumber',
  'bonus',
];

/** Orders after checkout: listing, export, cancellation and returns, fulfilment status. */
export class OrdersService {
  constructor(private readonly deps: OrdersDeps) {}

  async list(actor: Actor, filter: { offerId?: string | undefined }): Promise<Order[]> {
    requirePermission(actor, 'orders.read');
    return (await this.deps.orders.listOrders(actor.organizationId, filter.offerId)).map(toOrder);
  }

  async get(actor: Actor, orderId: string): Promise<Order> {
    requirePermission(actor, 'orders.read');
    return toOrder(await this.findRow(actor, orderId));
  }

  async exportCsv(actor: Actor, filter: { offerId?: string | undefined }): Promise<string> {
    const orders = await this.list(actor, filter);
    const lines = [
      csvColumns.join(','),
      ...orders.map((order) => csvColumns.map((column) => csvField(order[column])).join(',')),
    ];
    return `${lines.join('\r\n')}\r\n`;
  }

  /**
   * Cancels (before shipping) or returns (after) a paid order and refunds it. With `restock`
   * the units go back on sale if the offer is still open, or to the catalog if it closed;
   * without, they are written off.
   *
   * The refund is the whole charge, `totalMinor` (tax included where it was added on top), and
   * it comes first: if the provider fails, nothing has changed and the caller can retry. Orders
   * are only ever refunded whole, once per payment, so a retry after a refund that went through
   * (or two requests at once) cannot refund twice: the provider answers the same refund.
   */
  async end(
    actor: Actor,
    orderId: string,
    input: { kind: 'cancelled' | 'returned'; restock: boolean },
  ): Promise<Order> {
    requirePermission(actor, 'orders.manage');
    const row = await this.findRow(actor, orderId);
    if (row.status !== 'paid')
      throw new AppError('conflict', `The order is already ${row.status}`, { status: row.status });
    await this.refund(row);
    const counts = await this.deps.store.counts(row.offerId);
    const open = counts !== undefined && counts.status !== 'closed';
    const components =
      open || !input.restock
        ? []
        : await this.deps.offers.listComponents(actor.organizationId, [row.offerId]);
    const now = this.deps.clock.now();
    const ended = await this.deps.orders.endOrder(
      row,
      input.kind,
      now,
      open && input.restock ? 0 : -row.quantity,
      components.map((component) => ({
        skuId: component.skuId,
        units: component.quantity * row.quantity,
      })),
    );
    if (!ended) throw new AppError('conflict', 'The order was ended meanwhile; reload it');
    if (counts) {
      await this.deps.store.unsell(
        row.offerId,
        row.shopperId,
        row.quantity,
        open && input.restock,
        now.getTime(),
        row.market,
      );
    }
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: input.kind === 'cancelled' ? 'order.cancelled' : 'order.returned',
      subjectType: 'order',
      subjectId: row.id,
      data: {
        offerId: row.offerId,
        quantity: row.quantity,
        amountMinor: row.amountMinor,
        refundedMinor: row.totalMinor,
        currency: row.currency,
        restocked: input.restock,
      },
    });
    await this.deps.events.publish(actor.organizationId, `order.${input.kind}`, {
      ...orderEventData(ended),
      refundedMinor: ended.totalMinor,
      restocked: input.restock,
    });
    return toOrder(ended);
  }

  /**
   * Packed, shipped, delivered: set by the fulfilment team or a carrier webhook. Each step's
   * first time is kept (a late or repeated event does not move it), so time-to-fulfil is
   * measured from the order to the real event.
   */
  async setFulfilment(
    actor: Actor,
    orderId: string,
    status: FulfilmentStatus,
    at?: Date,
  ): Promise<Order> {
    requirePermission(actor, 'orders.manage');
    const row = await this.findRow(actor, orderId);
    const when = at ?? this.deps.clock.now();
    const reached = fulfilmentStatuses.indexOf(status);
    const stamp = (step: FulfilmentStatus, current: Date | null) =>
      reached >= fulfilmentStatuses.indexOf(step) ? (current ?? when) : current;
    const updated = await this.deps.orders.updateOrder(
      actor.organizationId,
      orderId,
      {
        fulfilmentStatus: status,
        packedAt: stamp('packed', row.packedAt),
        shippedAt: stamp('shipped', row.shippedAt),
        deliveredAt: stamp('delivered', row.deliveredAt),
        updatedAt: this.deps.clock.now(),
      },
      'paid',
    );
    if (!updated)
      throw new AppError('conflict', `A ${row.status} order is not fulfilled`, {
        status: row.status,
      });
    if (updated.fulfilmentStatus !== row.fulfilmentStatus) {
      await this.deps.events.publish(
        actor.organizationId,
        'order.fulfilment_changed',
        orderEventData(updated),
      );
    }
    return toOrder(updated);
  }

  /** Gives back what the shopper was charged, or throws with nothing changed. */
  private async refund(row: OrderRow): Promise<void> {
    const provider = this.deps.paymentProviders[row.paymentProvider];
    if (!provider) {
      throw new AppError(
        'payment_unavailable',
        `The order was paid through ${row.paymentProvider}, which this server is not set up for; nothing was refunded or changed`,
        { paymentProvider: row.paymentProvider },
      );
    }
    try {
      await provider.refund(row.paymentReference, row.totalMinor);
    } catch (error) {
      if (error instanceof PaymentUnavailableError) {
        throw new AppError(
          'payment_unavailable',
          `${error.message}; nothing was refunded or changed, try again`,
          { reason: error.reason },
        );
      }
      throw error;
    }
  }

  private async findRow(actor: Actor, orderId: string): Promise<OrderRow> {
    const row = await this.deps.orders.findOrder(actor.organizationId, orderId);
    if (!row) throw notFound('order', orderId);
    return row;
  }
}
