/*
 * An offer's reserve split by market, as OfferBook keeps it: each market's units go to its own
 * shoppers only, and the offer's totals stay the sums of its pools. Plain records and functions
 * rather than a class, so the claim path reads a pool's fields with nothing in between.
 */

import type { MarketCounts, MarketShare } from './offer-book.types.js';

export interface MarketPool {
  reserved: number;
  held: number;
  sold: number;
  released: boolean;
}

export const poolAvailable = (pool: MarketPool): number => pool.reserved - pool.held - pool.sold;

/** The pools of an offer armed with market shares; null when it is not split. */
export function poolsOf(
  shares: readonly MarketShare[] | null | undefined,
): Map<string, MarketPool> | null {
  if (!shares) return null;
  return new Map(
    shares.map((share) => [
      share.market,
      { reserved: share.reserved, held: 0, sold: share.sold, released: share.released },
    ]),
  );
}

/** Each market's counts, by market code. */
export function marketCountsOf(pools: ReadonlyMap<string, MarketPool>): MarketCounts[] {
  const sorted = [...pools].sort(([a], [b]) => (a < b ? -1 : 1));
  return sorted.map(([market, pool]) => ({
    market,
    released: pool.released,
    reserved: pool.reserved,
    available: poolAvailable(pool),
    held: pool.held,
    sold: pool.sold,
  }));
}

/**
 * The market's TTL passed: its unused units leave its reserve, and a released pool serves no
 * one again. Answers the units that left; its open holds' units leave when called again.
 */
export function releasePool(pool: MarketPool): number {
  pool.released = true;
  const unused = Math.max(0, poolAvailable(pool));
  pool.reserved -= unused;
  return unused;
}

/** Closing: every pool's unsold units leave its reserve; answers them by market. */
export function closePools(pools: ReadonlyMap<string, MarketPool> | null): Record<string, number> {
  const unsoldByMarket: Record<string, number> = {};
  for (const [market, pool] of pools ?? []) {
    unsoldByMarket[market] = poolAvailable(pool);
    pool.reserved -= unsoldByMarket[market];
  }
  return unsoldByMarket;
}
