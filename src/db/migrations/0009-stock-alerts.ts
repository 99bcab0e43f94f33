/**
 * Inventory thresholds flag operations (seed 004: "SKU substitution rules, fallback bundles,
 * and inventory thresholds that automatically flag operations so the host can pivot"). Each
 * level is flagged once per crossing; the conditional update on these columns makes one
 * process the one that tells people, however many watch.
 */
export const stockAlerts: readonly string[] = [
  'alter table offers add column low_stock_flagged_at timestamptz',
  'alter table offers add column sold_out_flagged_at timestamptz',
];
