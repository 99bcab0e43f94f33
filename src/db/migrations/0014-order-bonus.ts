/**
 * The urgency rule's bonus ("first 100 orders get the bonus item", issue #3) recorded on the
 * orders that earn it. Each offer counts the orders ever placed on it (`sold_orders`, never
 * decremented: a cancelled bonus order does not pass its bonus on), and each order keeps its
 * place in that count (`sale_number`, 1 for the first). Both are set in the transaction that
 * records the sale, under the offer row's lock, so concurrent checkouts (in one process or
 * several on one PostgreSQL) get distinct numbers and exactly the first N orders carry the
 * bonus; the unique index makes a duplicate place impossible rather than unlikely.
 *
 * Existing orders are numbered by when they were placed, and those within their offer's rule
 * get its bonus, so the counter and the numbers agree from the start.
 */
export const orderBonus: readonly string[] = [
  'alter table offers add column sold_orders integer not null default 0 check (sold_orders >= 0)',
  'alter table orders add column sale_number integer',
  'alter table orders add column bonus text',
  `update orders set sale_number = numbered.place
   from (
     select id, row_number() over (partition by offer_id order by created_at, id) as place
     from orders
   ) as numbered
   where orders.id = numbered.id`,
  'alter table orders alter column sale_number set not null',
  'alter table orders add constraint orders_sale_number_positive check (sale_number >= 1)',
  'create unique index orders_offer_sale_number on orders (offer_id, sale_number)',
  `update offers set sold_orders = (
     select count(*) from orders where orders.offer_id = offers.id
   )`,
  `update orders set bonus = offers.urgency_rule ->> 'bonus'
   from offers
   where offers.id = orders.offer_id
     and jsonb_typeof(offers.urgency_rule) = 'object'
     and orders.sale_number <= (offers.urgency_rule ->> 'firstOrders')::int`,
];
