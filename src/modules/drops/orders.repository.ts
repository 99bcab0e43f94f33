import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';
import type { StockMove } from './offer-stock.repository.js';
import type { OfferRow } from './offers.repository.js';

export type OrderRow = Row<'orders'>;

/**
 * The only SQL for orders: a sale is written only while its hold is held and its offer's
 * reserve has room; a cancel or return gives its units back in the same transaction. Tenant
 * reads and writes filter by organisation.
 */
export class OrdersRepository {
  constructor(private readonly db: Db) {}

  /**
   * Records a sale. The database has the last word: the hold must still be `held` and the
   * offer's sold count must stay within its reserve, otherwise nothing is written and the
   * answer is undefined (the caller refunds). `alsoWrite` joins the order's transaction.
   */
  async insertOrderForHold(
    order: NewRow<'orders'>,
    now: Date,
    alsoWrite?: WithOrders,
  ): Promise<OrderRow | undefined> {
    return this.db
      .transaction()
      .execute(async (trx) => {
        const claimed = await trx
          .updateTable('holds')
          .set({ status: 'checked_out', endedAt: now })
          .where('id', '=', order.holdId)
          .where('offerId', '=', order.offerId)
          .where('status', '=', 'held')
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) return undefined;
        const counted = await this.countOfferSale(trx, order.offerId, order.quantity, 1);
        if (order.market)
          await this.countMarketSale(trx, order.offerId, order.market, order.quantity);
        const written = await trx
          .insertInto('orders')
          .values(placeOrder(order, counted, counted.soldOrders))
          .returningAll()
          .executeTakeFirstOrThrow();
        await alsoWrite?.(trx, [written]);
        return written;
      })
      .catch((error: unknown) => {
        if (error instanceof SaleRefused) return undefined;
        throw error;
      });
  }

  /**
   * Records a batch of sales in one transaction (the checkout group commit), with the same
   * last word as insertOrderForHold: an order is written only if its hold is still `held`,
   * and each offer's sold count stays within its reserve. Answers the orders written; the
   * others were refused. If an offer's reserve would be exceeded, its orders are decided one
   * by one so that exactly the ones that fit are recorded.
   */
  async insertOrdersForHolds(
    orders: readonly NewRow<'orders'>[],
    now: Date,
    alsoWrite?: WithOrders,
  ): Promise<OrderRow[]> {
    if (orders.length === 1) {
      const single = await this.insertOrderForHold(orders[0] as NewRow<'orders'>, now, alsoWrite);
      return single ? [single] : [];
    }
    try {
      return await this.db.transaction().execute(async (trx) => {
        const claimed = await trx
          .updateTable('holds')
          .set({ status: 'checked_out', endedAt: now })
          .where(
            'id',
            'in',
            orders.map((order) => order.holdId),
          )
          .where('status', '=', 'held')
          .returning(['id', 'offerId'])
          .execute();
        const holdOffer = new Map(claimed.map((hold) => [hold.id, hold.offerId]));
        const accepted = orders.filter((order) => holdOffer.get(order.holdId) === order.offerId);
        if (accepted.length === 0) return [];
        const byOffer = new Map<string, NewRow<'orders'>[]>();
        for (const order of accepted) {
          const offerOrders = byOffer.get(order.offerId);
          if (offerOrders) offerOrders.push(order);
          else byOffer.set(order.offerId, [order]);
        }
        // Offers in id order: two processes' batches lock shared offers in the same order, so
        // they wait for each other instead of deadlocking.
        const placed: NewRow<'orders'>[] = [];
        for (const offerId of [...byOffer.keys()].sort()) {
          const offerOrders = byOffer.get(offerId) ?? [];
          const units = offerOrders.reduce((sum, order) => sum + order.quantity, 0);
          const counted = await this.countOfferSale(trx, offerId, units, offerOrders.length);
          // The batch's orders take the places just counted, in the order they were paid.
          const first = counted.soldOrders - offerOrders.length + 1;
          offerOrders.forEach((order, i) => {
            placed.push(placeOrder(order, counted, first + i));
          });
        }
        const unitsByMarket = new Map<string, { offerId: string; market: string; units: number }>();
        for (const order of accepted) {
          if (!order.market) continue;
          const key = `${order.offerId}:${order.market}`;
          const entry = unitsByMarket.get(key) ?? {
            offerId: order.offerId,
            market: order.market,
            units: 0,
          };
          entry.units += order.quantity;
          unitsByMarket.set(key, entry);
        }
        for (const entry of unitsByMarket.values()) {
          await this.countMarketSale(trx, entry.offerId, entry.market, entry.units);
        }
        const written = await trx.insertInto('orders').values(placed).returningAll().execute();
        await alsoWrite?.(trx, written);
        return written;
      });
    } catch (error) {
      if (!(error instanceof SaleRefused)) throw error;
    }
    const written: OrderRow[] = [];
    for (const order of orders) {
      const single = await this.insertOrderForHold(order, now, alsoWrite);
      if (single) written.push(single);
    }
    return written;
  }

  /**
   * Counts a sale on its offer: units within the reserve (else the whole sale is refused) and
   * orders placed. The row lock this update takes orders concurrent sales of one offer, even
   * across processes, so the answered `soldOrders` is this sale's own: no two share a place.
   */
  private async countOfferSale(
    trx: Db,
    offerId: string,
    units: number,
    orders: number,
  ): Promise<{ soldOrders: number; urgencyRule: OfferRow['urgencyRule'] }> {
    const counted = await trx
      .updateTable('offers')
      .set({
        soldUnits: sql`sold_units + ${units}`,
        soldOrders: sql`sold_orders + ${orders}`,
      })
      .where('id', '=', offerId)
      .where(sql<boolean>`sold_units + ${units} <= reserved_units`)
      .returning(['soldOrders', 'urgencyRule'])
      .executeTakeFirst();
    // Roll the holds' change back too: the sale is refused as a whole.
    if (!counted) throw new SaleRefused();
    return counted;
  }

  /** A market's sold count, kept within its own reserve: else the whole sale is refused. */
  private async countMarketSale(trx: Db, offerId: string, market: string, units: number) {
    const counted = await trx
      .updateTable('offerMarkets')
      .set({ soldUnits: sql`sold_units + ${units}` })
      .where('offerId', '=', offerId)
      .where('market', '=', market)
      .where(sql<boolean>`sold_units + ${units} <= reserved_units`)
      .executeTakeFirst();
    if (Number(counted.numUpdatedRows) !== 1) throw new SaleRefused();
  }

  async findOrderByHold(holdId: string): Promise<OrderRow | undefined> {
    return this.db.selectFrom('orders').selectAll().where('holdId', '=', holdId).executeTakeFirst();
  }

  async findOrder(organizationId: string, id: string): Promise<OrderRow | undefined> {
    return this.db
      .selectFrom('orders')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async listOrders(organizationId: string, offerId?: string): Promise<OrderRow[]> {
    let query = this.db
      .selectFrom('orders')
      .selectAll()
      .where('organizationId', '=', organizationId);
    if (offerId) query = query.where('offerId', '=', offerId);
    return query.orderBy('createdAt', 'desc').execute();
  }

  /**
   * Cancels or returns a paid order. Units not restocked into the offer leave its reserve;
   * `stock` moves them back to the catalog when the offer is already closed.
   */
  async endOrder(
    order: OrderRow,
    status: 'cancelled' | 'returned',
    now: Date,
    reserveDelta: number,
    stock: readonly StockMove[],
  ): Promise<OrderRow | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const ended = await trx
        .updateTable('orders')
        .set({ status, updatedAt: now })
        .where('organizationId', '=', order.organizationId)
        .where('id', '=', order.id)
        .where('status', '=', 'paid')
        .returningAll()
        .executeTakeFirst();
      if (!ended) return undefined;
      await trx
        .updateTable('offers')
        .set({
          soldUnits: sql`sold_units - ${order.quantity}`,
          reservedUnits: sql`reserved_units + ${reserveDelta}`,
          updatedAt: now,
        })
        .where('organizationId', '=', order.organizationId)
        .where('id', '=', order.offerId)
        .execute();
      if (order.market) {
        await trx
          .updateTable('offerMarkets')
          .set({
            soldUnits: sql`sold_units - ${order.quantity}`,
            reservedUnits: sql`reserved_units + ${reserveDelta}`,
          })
          .where('offerId', '=', order.offerId)
          .where('market', '=', order.market)
          .execute();
      }
      for (const move of stock) {
        await trx
          .updateTable('skus')
          .set({ stockOnHand: sql`stock_on_hand + ${move.units}` })
          .where('organizationId', '=', order.organizationId)
          .where('id', '=', move.skuId)
          .execute();
      }
      return ended;
    });
  }

  async updateOrder(
    organizationId: string,
    id: string,
    changes: RowUpdate<'orders'>,
    expectedStatus: string,
  ): Promise<OrderRow | undefined> {
    return this.db
      .updateTable('orders')
      .set(changes)
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .where('status', '=', expectedStatus)
      .returningAll()
      .executeTakeFirst();
  }
}

/** Thrown inside the order transaction to roll it back when the reserve would be oversold. */
class SaleRefused extends Error {}

/**
 * The order with its place among the offer's orders and, within the urgency rule's first N,
 * its bonus. Places count orders, not units, and a cancelled order keeps its place: the bonus
 * goes to the first N orders placed and is never passed on.
 */
function placeOrder(
  order: NewRow<'orders'>,
  offer: { urgencyRule: OfferRow['urgencyRule'] },
  saleNumber: number,
): NewRow<'orders'> {
  const rule = offer.urgencyRule;
  return {
    ...order,
    saleNumber,
    bonus: rule && saleNumber <= rule.firstOrders ? rule.bonus : null,
  };
}

/** Writes that commit with orders, in their transaction (checkout payments marked ordered). */
export type WithOrders = (trx: Db, written: readonly OrderRow[]) => Promise<void>;
