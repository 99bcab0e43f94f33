/**
 * A market's low-stock threshold when the arm gives none: the offer's threshold scaled to the
 * market's share of the reserve, rounded up so a small market still warns before it is empty.
 * It stays below the market's units, as a given threshold must: a market does not start out
 * "low" just because the offer's threshold was set for more units than were armed.
 */
export function defaultMarketLowStockThreshold(
  offerThreshold: number,
  marketUnits: number,
  totalUnits: number,
): number {
  if (marketUnits <= 0 || totalUnits <= 0) return 0;
  const scaled = Math.ceil((offerThreshold * marketUnits) / totalUnits);
  return Math.max(0, Math.min(scaled, marketUnits - 1));
}
