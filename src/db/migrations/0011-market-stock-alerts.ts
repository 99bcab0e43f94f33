/**
 * A market of an offer split by market that runs out is flagged on its own (its host pivots
 * while the other markets still sell); the conditional update on this column makes one
 * process the one that tells people, as offers.sold_out_flagged_at does for the whole offer.
 */
export const marketStockAlerts: readonly string[] = [
  'alter table offer_markets add column sold_out_flagged_at timestamptz',
];
