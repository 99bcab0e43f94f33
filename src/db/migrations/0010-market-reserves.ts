/**
 * Per-market reserves (issue #3, seed 004: "Central catalog with reserved SKUs, or per-market
 * hold - who owns the TTL?"). An offer armed per market splits its reserve into one row per
 * market, each with its own owner and TTL; a claim draws from the shopper's market only, and
 * the order insert keeps each market's sold units within its own reserve (the database's last
 * word, as offers.sold_units does for the whole offer).
 */
export const marketReserves: readonly string[] = [
  `create table offer_markets (
    organization_id uuid not null references organizations(id) on delete cascade,
    offer_id uuid not null references offers(id) on delete cascade,
    market char(2) not null,
    reserved_units integer not null check (reserved_units >= 0),
    sold_units integer not null default 0 check (sold_units >= 0),
    owner_id uuid not null references users(id),
    expires_at timestamptz,
    released_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (offer_id, market),
    check (sold_units <= reserved_units)
  )`,
  'create index offer_markets_expiry_idx on offer_markets (expires_at) where released_at is null',
  'alter table holds add column market char(2)',
  'alter table orders add column market char(2)',
];
