/**
 * The database's last word on a sale (issue #3): each offer counts its sold units, and an order
 * is recorded only while sold + quantity stays within the offer's reserve. Whatever decides the
 * claims (the embedded book, Redis shared by several processes, or a misconfiguration that runs
 * two engines on one database), PostgreSQL refuses the sale that would oversell.
 */
export const soldUnits: readonly string[] = [
  'alter table offers add column sold_units integer not null default 0 check (sold_units >= 0)',
  `update offers set sold_units = coalesce((
     select sum(quantity) from orders where orders.offer_id = offers.id and orders.status = 'paid'
   ), 0)`,
];
