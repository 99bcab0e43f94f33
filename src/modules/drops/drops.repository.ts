import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';
import type { MarketShare } from './offer-book.js';

export type OfferRow = Row<'offers'>;
export type OfferComponentRow = Row<'offerComponents'>;
export type HoldRow = Row<'holds'>;
export type OrderRow = Row<'orders'>;
export type OfferMarketRow = Row<'offerMarkets'>;

/** A market's row as the engines load it. */
export function marketShareOf(row: OfferMarketRow): MarketShare {
  return {
    market: row.market,
    reserved: row.reservedUnits,
    sold: row.soldUnits,
    released: row.releasedAt !== null,
  };
}

export interface StockMove {
  skuId: string;
  units: number;
}

/** The only SQL for offers, holds and orders. Tenant reads and writes filter by organisation. */
export class DropsRepository {
  constructor(private readonly db: Db) {}

  async insertOffer(
    offer: NewRow<'offers'>,
    components: NewRow<'offerComponents'>[],
    codes: NewRow<'offerCodes'>[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('offers').values(offer).execute();
      if (components.length > 0)
        await trx.insertInto('offerComponents').values(components).execute();
      if (codes.length > 0) await trx.insertInto('offerCodes').values(codes).execute();
    });
  }

  async findOffer(organizationId: string, id: string): Promise<OfferRow | undefined> {
    return this.db
      .selectFrom('offers')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Public reads come with only the offer id: it is unguessable and names its organisation. */
  async findOfferById(id: string): Promise<OfferRow | undefined> {
    return this.db.selectFrom('offers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listOffers(organizationId: string, brandId?: string): Promise<OfferRow[]> {
    let query = this.db
      .selectFrom('offers')
      .selectAll()
      .where('organizationId', '=', organizationId);
    if (brandId) query = query.where('brandId', '=', brandId);
    return query.orderBy('createdAt', 'desc').execute();
  }

  async listOffersInStatus(statuses: readonly string[]): Promise<OfferRow[]> {
    return this.db.selectFrom('offers').selectAll().where('status', 'in', statuses).execute();
  }

  async listComponents(
    organizationId: string,
    offerIds: readonly string[],
  ): Promise<OfferComponentRow[]> {
    if (offerIds.length === 0) return [];
    return this.db
      .selectFrom('offerComponents')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('offerId', 'in', offerIds)
      .execute();
  }

  async listCodes(
    organizationId: string,
    offerIds: readonly string[],
  ): Promise<Row<'offerCodes'>[]> {
    if (offerIds.length === 0) return [];
    return this.db
      .selectFrom('offerCodes')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('offerId', 'in', offerIds)
      .orderBy('code')
      .execute();
  }

  async findTakenCodes(
    organizationId: string,
    codes: readonly string[],
    exceptOfferId?: string,
  ): Promise<string[]> {
    if (codes.length === 0) return [];
    let query = this.db
      .selectFrom('offerCodes')
      .select('code')
      .where('organizationId', '=', organizationId)
      .where('code', 'in', codes);
    if (exceptOfferId) query = query.where('offerId', '<>', exceptOfferId);
    return (await query.execute()).map((row) => row.code);
  }

  /** Rewrites an offer's terms, components and codes in one transaction. */
  async replaceOffer(
    organizationId: string,
    offerId: string,
    changes: RowUpdate<'offers'>,
    components: NewRow<'offerComponents'>[],
    codes: NewRow<'offerCodes'>[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('offers')
        .set(changes)
        .where('organizationId', '=', organizationId)
        .where('id', '=', offerId)
        .execute();
      await trx
        .deleteFrom('offerComponents')
        .where('organizationId', '=', organizationId)
        .where('offerId', '=', offerId)
        .execute();
      await trx
        .deleteFrom('offerCodes')
        .where('organizationId', '=', organizationId)
        .where('offerId', '=', offerId)
        .execute();
      if (components.length > 0)
        await trx.insertInto('offerComponents').values(components).execute();
      if (codes.length > 0) await trx.insertInto('offerCodes').values(codes).execute();
    });
  }

  async findSkus(organizationId: string, skuIds: readonly string[]) {
    if (skuIds.length === 0) return [];
    return this.db
      .selectFrom('skus')
      .innerJoin('products', 'products.id', 'skus.productId')
      .select([
        'skus.id',
        'skus.code',
        'skus.stockOnHand',
        'skus.priceMinor',
        'skus.currency',
        'products.brandId',
        'products.title',
      ])
      .where('skus.organizationId', '=', organizationId)
      .where('skus.id', 'in', skuIds)
      .execute();
  }

  async updateOffer(
    organizationId: string,
    id: string,
    changes: RowUpdate<'offers'>,
    expectedStatus?: readonly string[],
  ): Promise<OfferRow | undefined> {
    let query = this.db
      .updateTable('offers')
      .set(changes)
      .where('organizationId', '=', organizationId)
      .where('id', '=', id);
    if (expectedStatus) query = query.where('status', 'in', expectedStatus);
    return query.returningAll().executeTakeFirst();
  }

  /**
   * The inventory lock: takes units out of each SKU's stock on hand for the offer, all or
   * nothing, and records them as the offer's reserve. Answers false when stock is short.
   */
  async reserveStock(
    organizationId: string,
    offerId: string,
    moves: readonly StockMove[],
    changes: RowUpdate<'offers'>,
    markets: readonly NewRow<'offerMarkets'>[] = [],
  ): Promise<OfferRow | undefined> {
    return this.db.transaction().execute(async (trx) => {
      if (markets.length > 0)
        await trx
          .insertInto('offerMarkets')
          .values([...markets])
          .execute();
      for (const move of moves) {
        const taken = await trx
          .updateTable('skus')
          .set({ stockOnHand: sql`stock_on_hand - ${move.units}` })
          .where('organizationId', '=', organizationId)
          .where('id', '=', move.skuId)
          .where('stockOnHand', '>=', move.units)
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) !== 1) throw new StockShortError(move.skuId);
      }
      return trx
        .updateTable('offers')
        .set(changes)
        .where('organizationId', '=', organizationId)
        .where('id', '=', offerId)
        .returningAll()
        .executeTakeFirst();
    });
  }

  /** Returns units to the catalog and records the offer's change in one transaction. */
  async returnStock(
    organizationId: string,
    offerId: string,
    moves: readonly StockMove[],
    changes: RowUpdate<'offers'>,
    unsoldByMarket: Readonly<Record<string, number>> = {},
  ): Promise<OfferRow | undefined> {
    return this.db.transaction().execute(async (trx) => {
      for (const [market, units] of Object.entries(unsoldByMarket)) {
        if (units !== 0) await this.shrinkMarket(trx, offerId, market, units);
      }
      for (const move of moves) {
        if (move.units === 0) continue;
        await trx
          .updateTable('skus')
          .set({ stockOnHand: sql`stock_on_hand + ${move.units}` })
          .where('organizationId', '=', organizationId)
          .where('id', '=', move.skuId)
          .execute();
      }
      return trx
        .updateTable('offers')
        .set(changes)
        .where('organizationId', '=', organizationId)
        .where('id', '=', offerId)
        .returningAll()
        .executeTakeFirst();
    });
  }

  /**
   * Sets (or clears) a stock flag only if it is not already in that state: the answer says
   * whether this call changed it, so exactly one watcher tells people of a crossing.
   */
  async flagStock(
    offerId: string,
    column: 'lowStockFlaggedAt' | 'soldOutFlaggedAt',
    at: Date | null,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('offers')
      .set({ [column]: at })
      .where('id', '=', offerId)
      .where(column, at ? 'is' : 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Units leave an offer's reserve (and their market's, when split) and go back to the
   * catalog, in one transaction.
   */
  async releaseReserve(
    organizationId: string,
    offerId: string,
    units: number,
    moves: readonly StockMove[],
    now: Date,
    market: string | null = null,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (market !== null) await this.shrinkMarket(trx, offerId, market, units);
      for (const move of moves) {
        await trx
          .updateTable('skus')
          .set({ stockOnHand: sql`stock_on_hand + ${move.units}` })
          .where('organizationId', '=', organizationId)
          .where('id', '=', move.skuId)
          .execute();
      }
      await trx
        .updateTable('offers')
        .set({ reservedUnits: sql`reserved_units - ${units}`, updatedAt: now })
        .where('organizationId', '=', organizationId)
        .where('id', '=', offerId)
        .execute();
    });
  }

  /** Sets or clears a market's stock flag only if it changes; true when this call did. */
  async flagMarketStock(
    offerId: string,
    market: string,
    column: 'lowStockFlaggedAt' | 'soldOutFlaggedAt',
    at: Date | null,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('offerMarkets')
      .set({ [column]: at })
      .where('offerId', '=', offerId)
      .where('market', '=', market)
      .where(column, at ? 'is' : 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Which of these users belong to the organisation. */
  async findMembers(organizationId: string, userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('memberships')
      .select('userId')
      .where('organizationId', '=', organizationId)
      .where('userId', 'in', userIds)
      .execute();
    return new Set(rows.map((row) => row.userId));
  }

  /** Markets whose reserve reached its TTL, of offers still holding units. */
  async listDueMarketReserves(now: Date): Promise<OfferMarketRow[]> {
    return this.db
      .selectFrom('offerMarkets')
      .innerJoin('offers', 'offers.id', 'offerMarkets.offerId')
      .selectAll('offerMarkets')
      .where('offerMarkets.expiresAt', '<=', now)
      .where('offers.status', 'in', ['armed', 'live', 'paused'])
      .execute();
  }

  /** Every market's share of an offer's reserve (none when it is not split). */
  async listMarketReserves(offerId: string): Promise<OfferMarketRow[]> {
    return this.db
      .selectFrom('offerMarkets')
      .selectAll()
      .where('offerId', '=', offerId)
      .orderBy('market')
      .execute();
  }

  /** The market rows of these offers, whatever their organisation (for system jobs). */
  async listMarketReservesFor(offerIds: readonly string[]): Promise<OfferMarketRow[]> {
    if (offerIds.length === 0) return [];
    return this.db
      .selectFrom('offerMarkets')
      .selectAll()
      .where('offerId', 'in', offerIds)
      .orderBy('market')
      .execute();
  }

  async listMarketReservesOf(
    organizationId: string,
    offerIds: readonly string[],
  ): Promise<OfferMarketRow[]> {
    if (offerIds.length === 0) return [];
    return this.db
      .selectFrom('offerMarkets')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('offerId', 'in', offerIds)
      .orderBy('market')
      .execute();
  }

  /**
   * A market's TTL passed: `units` leave its reserve and the offer's and go back to the
   * catalog; the first time, the market is marked released. Answers whether it was the first.
   */
  async releaseMarketReserve(
    organizationId: string,
    offerId: string,
    market: string,
    units: number,
    moves: readonly StockMove[],
    now: Date,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const first = await trx
        .updateTable('offerMarkets')
        .set({ releasedAt: now })
        .where('offerId', '=', offerId)
        .where('market', '=', market)
        .where('releasedAt', 'is', null)
        .executeTakeFirst();
      if (units > 0) {
        await this.shrinkMarket(trx, offerId, market, units);
        for (const move of moves) {
          await trx
            .updateTable('skus')
            .set({ stockOnHand: sql`stock_on_hand + ${move.units}` })
            .where('organizationId', '=', organizationId)
            .where('id', '=', move.skuId)
            .execute();
        }
        await trx
          .updateTable('offers')
          .set({ reservedUnits: sql`reserved_units - ${units}`, updatedAt: now })
          .where('organizationId', '=', organizationId)
          .where('id', '=', offerId)
          .execute();
      }
      return Number(first.numUpdatedRows) === 1;
    });
  }

  private async shrinkMarket(trx: Db, offerId: string, market: string, units: number) {
    await trx
      .updateTable('offerMarkets')
      .set({ reservedUnits: sql`reserved_units - ${units}` })
      .where('offerId', '=', offerId)
      .where('market', '=', market)
      .execute();
  }

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

  // --- The waitlist (0016). Joins and ends are written by writeHoldBatch, with the holds. ---

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

export class StockShortError extends Error {
  constructor(readonly skuId: string) {
    super(`Not enough stock on hand for SKU ${skuId}`);
  }
}

/** PostgreSQL's unique_violation (23505) on the named index. */
function isUniqueViolation(error: unknown, index: string): boolean {
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === index;
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

const noWaitlistWrites: WaitlistWrites = { joined: [], ended: [] };

/**
 * The waitlist's statements as common table expressions of the hold batch's one statement:
 * a shopper's new hold and their entry's `served` commit together or not at all, and batches
 * land in the order they were sent (no transaction to start, which could be overtaken).
 * Undefined when the batch has nothing of the waitlist.
 */
function waitlistStatements(writes: WaitlistWrites, endedAt: Date) {
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
