/**
 * A market's own low-stock threshold (seed 004: "inventory thresholds that automatically flag
 * operations"): a market's owner learns their pool is running low, not only that it is empty.
 * Markets armed before this keep the rule new arms default to: the offer's threshold scaled
 * to the market's share of the units, rounded up, below the market's units
 * (market-threshold.ts). The conditional update on low_stock_flagged_at makes one process the
 * one that tells people, as sold_out_flagged_at does.
 */
export const marketLowStock: readonly string[] = [
  `alter table offer_markets
    add column low_stock_threshold integer not null default 0 check (low_stock_threshold >= 0)`,
  `update offer_markets
    set low_stock_threshold = greatest(0, least(
      offer_markets.reserved_units - 1,
      ceil(offers.low_stock_threshold::numeric * offer_markets.reserved_units / shares.total)
    ))
    from offers,
      (select offer_id, sum(reserved_units) as total from offer_markets group by offer_id) shares
    where offers.id = offer_markets.offer_id
      and shares.offer_id = offer_markets.offer_id
      and shares.total > 0`,
  'alter table offer_markets add column low_stock_flagged_at timestamptz',
];
