/**
 * Fulfilment regions with what they can promise (next-day, standard), their tax rates, and
 * the routing and timing of each order, so time-to-fulfil can be measured per region.
 */
export const fulfilment: readonly string[] = [
  `create table fulfilment_regions (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    name text not null,
    countries jsonb not null,
    capabilities jsonb not null,
    prices_include_tax boolean not null default true,
    priority integer not null default 100,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organization_id, name)
  )`,
  `create table tax_rates (
    organization_id uuid not null references organizations(id) on delete cascade,
    region_id uuid not null references fulfilment_regions(id) on delete cascade,
    country char(2) not null,
    rate_basis_points integer not null check (rate_basis_points between 0 and 10000),
    primary key (region_id, country)
  )`,
  `alter table orders add column fulfilment_region_id uuid references fulfilment_regions(id) on delete set null`,
  `alter table orders add column tax_minor integer not null default 0 check (tax_minor >= 0)`,
  `alter table orders add column tax_rate_basis_points integer not null default 0`,
  `alter table orders add column total_minor integer`,
  `update orders set total_minor = amount_minor`,
  `alter table orders alter column total_minor set not null`,
  `alter table orders add column packed_at timestamptz`,
  `alter table orders add column shipped_at timestamptz`,
  `alter table orders add column delivered_at timestamptz`,
];
