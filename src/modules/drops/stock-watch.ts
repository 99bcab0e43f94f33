import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import type { Notifier } from '../notifications/index.js';
import type { MarketCounts } from './offer-book.types.js';
import type { OfferMarketRow, OfferStockRepository } from './offer-stock.repository.js';
import type { OfferStore, StoreCounts } from './offer-store.js';
import type { OfferRow, OffersRepository } from './offers.repository.js';

export type StockLevel = 'low_stock' | 'sold_out';

export interface StockAlert {
  offerId: string;
  level: StockLevel;
  available: number;
  /**
   * Set when one market of an offer split by market ran out, or reached its own low-stock
   * threshold, while others still sell.
   */
  market?: string;
}

export interface StockWatchDeps {
  offers: OffersRepository;
  /** The stock flags of offers and markets. */
  stock: OfferStockRepository;
  store: OfferStore;
  notifier: Notifier;
  clock: Clock;
  logger?: Logger | undefined;
}

const flagColumn = {
  low_stock: 'lowStockFlaggedAt',
  sold_out: 'soldOutFlaggedAt',
} as const;

/**
 * Watches live offers' stock and flags operations when one crosses its low-stock threshold or
 * sells out (seed 004: inventory thresholds that flag operations, with the SKU substitution
 * rules and the fallback bundle in hand, so the host can pivot without calling a meeting).
 * Each crossing is told once; a level is re-armed when units come back above it.
 */
export class StockWatch {
  constructor(private readonly deps: StockWatchDeps) {}

  /** Checks every live offer once; answers the alerts it raised. */
  async check(): Promise<StockAlert[]> {
    const offers = await this.deps.offers.listOffersInStatus(['live']);
    if (offers.length === 0) return [];
    const counts = await this.deps.store.countsMany(offers.map((offer) => offer.id));
    const split = offers.filter((offer) => (counts.get(offer.id)?.markets.length ?? 0) > 0);
    const shares = await this.deps.stock.listMarketReservesFor(split.map((o) => o.id));
    const raised: StockAlert[] = [];
    for (const offer of offers) {
      const live = counts.get(offer.id);
      if (!live) continue;
      for (const level of ['sold_out', 'low_stock'] as const) {
        if (await this.crossed(offer, live, level)) {
          raised.push({ offerId: offer.id, level, available: live.available });
          // Sold out says all that low stock would: one alert per check.
          break;
        }
      }
      // A market that runs out or runs low while others still sell: its owner and host pivot
      // on their own. When the whole offer is sold out, the offer's alert says it for every
      // market.
      if (live.available <= 0) continue;
      for (const pool of live.markets) {
        const share = shares.find((row) => row.offerId === offer.id && row.market === pool.market);
        if (!share) continue;
        if (await this.marketCrossed(offer, live, pool, share, 'sold_out')) {
          raised.push({ offerId: offer.id, level: 'sold_out', available: 0, market: pool.market });
        }
        // A market with nothing left is sold out, not low: its low level waits, as it was.
        if (pool.available <= 0) continue;
        if (await this.marketCrossed(offer, live, pool, share, 'low_stock')) {
          raised.push({
            offerId: offer.id,
            level: 'low_stock',
            available: pool.available,
            market: pool.market,
          });
        }
      }
    }
    return raised;
  }

  /** Flags (once) or re-arms a market's level; true when this call flagged it. */
  private async marketCrossed(
    offer: OfferRow,
    live: StoreCounts,
    pool: MarketCounts,
    share: OfferMarketRow,
    level: StockLevel,
  ): Promise<boolean> {
    const { stock } = this.deps;
    const column = flagColumn[level];
    // A market released at its TTL was told then; it is not low nor sold out, it is over.
    const below =
      !pool.released && pool.available <= (level === 'sold_out' ? 0 : share.lowStockThreshold);
    const flagged = share[column] !== null;
    if (!below) {
      if (flagged) await stock.flagMarketStock(offer.id, pool.market, column, null);
      return false;
    }
    if (flagged) return false;
    const won = await stock.flagMarketStock(offer.id, pool.market, column, this.deps.clock.now());
    if (won) await this.tellMarket(offer, live, pool, share, level);
    return won;
  }

  /** Tells the market's owner and operations, naming the other markets and the pivots. */
  private async tellMarket(
    offer: OfferRow,
    live: StoreCounts,
    pool: MarketCounts,
    share: OfferMarketRow,
    level: StockLevel,
  ): Promise<void> {
    const others = live.markets
      .filter((other) => other.market !== pool.market && !other.released)
      .map((other) => `${other.market} ${other.available} left`);
    const pivots = await this.pivotsFor(offer);
    const held =
      pool.held > 0 ? ` ${pool.held} units are in carts and come back if they expire.` : '';
    const soldOut = level === 'sold_out';
    await this.deps.notifier.notify({
      organizationId: offer.organizationId,
      kind: soldOut ? 'offer.market_sold_out' : 'offer.market_low_stock',
      title: soldOut
        ? `${offer.title}: ${pool.market} is sold out`
        : `${offer.title}: only ${pool.available} left in ${pool.market} (threshold ${share.lowStockThreshold})`,
      body: [
        `${pool.sold} sold of ${pool.reserved} reserved for ${pool.market}.${held}`,
        ...(others.length > 0
          ? [`${soldOut ? 'Still on sale' : 'Other markets'}: ${others.join(', ')}.`]
          : []),
        ...pivots.lines,
      ].join('\n'),
      link: `/offers/${offer.id}`,
      recipients: {
        userIds: [share.ownerId],
        roles: ['owner', 'producer', 'host', 'inventory_lead', 'social_ops'],
      },
      data: {
        offerId: offer.id,
        market: pool.market,
        ownerId: share.ownerId,
        level,
        ...(soldOut
          ? {}
          : { available: pool.available, lowStockThreshold: share.lowStockThreshold }),
        held: pool.held,
        sold: pool.sold,
        reserved: pool.reserved,
        substitutes: pivots.substitutes,
        fallbackOfferId: offer.fallbackOfferId,
      },
    });
  }

  /** Flags (once) or re-arms the level; true when this call flagged it. */
  private async crossed(offer: OfferRow, live: StoreCounts, level: StockLevel): Promise<boolean> {
    const below =
      level === 'sold_out' ? live.available <= 0 : live.available <= offer.lowStockThreshold;
    const flagged = offer[flagColumn[level]] !== null;
    if (!below) {
      if (flagged) await this.deps.stock.flagStock(offer.id, flagColumn[level], null);
      return false;
    }
    if (flagged) return false;
    const won = await this.deps.stock.flagStock(offer.id, flagColumn[level], this.deps.clock.now());
    if (won) await this.tellOperations(offer, live, level);
    return won;
  }

  private async tellOperations(
    offer: OfferRow,
    live: StoreCounts,
    level: StockLevel,
  ): Promise<void> {
    const pivots = await this.pivotsFor(offer);
    const headline =
      level === 'sold_out'
        ? `${offer.title} is sold out`
        : `${offer.title}: only ${live.available} left (threshold ${offer.lowStockThreshold})`;
    const held =
      live.held > 0 ? ` ${live.held} units are in carts and come back if they expire.` : '';
    await this.deps.notifier.notify({
      organizationId: offer.organizationId,
      kind: `offer.${level}`,
      title: headline,
      body: [
        `${live.sold} sold of ${live.reserved} reserved.${held}`,
        ...pivots.lines,
        ...(pivots.lines.length === 0
          ? ['No substitution rule or fallback bundle is set for this offer.']
          : []),
      ].join('\n'),
      link: `/offers/${offer.id}`,
      recipients: { roles: ['owner', 'producer', 'host', 'inventory_lead', 'social_ops'] },
      data: {
        offerId: offer.id,
        level,
        available: live.available,
        held: live.held,
        sold: live.sold,
        reserved: live.reserved,
        substitutes: pivots.substitutes,
        fallbackOfferId: offer.fallbackOfferId,
      },
    });
  }

  /** What the host can pivot to: substitute SKUs with their stock, and the fallback bundle. */
  private async pivotsFor(offer: OfferRow) {
    const rules = offer.substitutions;
    const skus = await this.deps.offers.findSkus(offer.organizationId, [
      ...rules.flatMap((rule) => [rule.skuId, rule.substituteSkuId]),
    ]);
    const named = new Map(skus.map((sku) => [sku.id, sku]));
    const substitutes = rules.flatMap((rule) => {
      const original = named.get(rule.skuId);
      const substitute = named.get(rule.substituteSkuId);
      if (!original || !substitute) return [];
      return [
        {
          skuId: rule.skuId,
          skuCode: original.code,
          substituteSkuId: substitute.id,
          substituteCode: substitute.code,
          substituteTitle: substitute.title,
          stockOnHand: substitute.stockOnHand,
        },
      ];
    });
    const lines = substitutes.map(
      (entry) =>
        `Substitute ${entry.skuCode} with ${entry.substituteCode} (${entry.substituteTitle}): ${entry.stockOnHand} on hand.`,
    );
    if (offer.fallbackOfferId) {
      const fallback = await this.deps.offers.findOffer(
        offer.organizationId,
        offer.fallbackOfferId,
      );
      if (fallback) lines.push(`Fallback bundle: ${fallback.title} (${fallback.status}).`);
    }
    return { lines, substitutes };
  }
}
