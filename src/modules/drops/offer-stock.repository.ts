import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';
import type { MarketShare } from './offer-book.js';
import type { OfferRow } from './offers.repository.js';

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

/**
 * The SQL of offers' reserves: units taken out of the catalog's stock when an offer is armed
 * (split by market or not), the ways unsold units go back (TTLs, the close, a payment that
 * failed after it), and the stock flags of offers and markets. Each move of units is one
 * transaction with the offer's own change.
 */
export class OfferStockRepository {
  constructor(private readonly db: Db) {}

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
}

export class StockShortError extends Error {
  constructor(readonly skuId: string) {
    super(`Not enough stock on hand for SKU ${skuId}`);
  }
}
