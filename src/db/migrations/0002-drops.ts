/**
 * Offers, their components and codes, cart holds and orders: the drop engine's record.
 * The in-process engine decides; these rows are what survives a crash and what has the
 * last word on a sale (a hold becomes an order only if it is still `held` here).
 */
export const drops: readonly string[] = [
  `create table offers (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    brand_id uuid not null references brands(id) on delete cascade,
    title text not null,
    kind text not null check (kind in ('single_sku', 'tiered_bundle', 'time_limited_bundle')),
    status text not null default 'draft'
      check (status in ('draft', 'approved', 'armed', 'live', 'paused', 'closed')),
    price_minor integer not null check (price_minor >= 0),
    currency char(3) not null,
    price_tiers jsonb not null default '[]',
    per_buyer_limit integer check (per_buyer_limit > 0),
    hold_ttl_seconds integer not null default 600 check (hold_ttl_seconds between 10 and 86400),
    low_stock_threshold integer not null default 0 check (low_stock_threshold >= 0),
    urgency_rule jsonb,
    starts_at timestamptz,
    ends_at timestamptz,
    ends_with_stream boolean not null default false,
    fallback_offer_id uuid references offers(id) on delete set null,
    substitutions jsonb not null default '[]',
    terms_hash text not null,
    approved_terms_hash text,
    reserved_units integer not null default 0 check (reserved_units >= 0),
    reserve_owner_id uuid references users(id) on delete set null,
    reserve_expires_at timestamptz,
    approved_at timestamptz,
    armed_at timestamptz,
    live_at timestamptz,
    closed_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index offers_org_status_idx on offers (organization_id, status)`,
  `create table offer_components (
    organization_id uuid not null references organizations(id) on delete cascade,
    offer_id uuid not null references offers(id) on delete cascade,
    sku_id uuid not null references skus(id),
    quantity integer not null check (quantity > 0),
    primary key (offer_id, sku_id)
  )`,
  `create table offer_codes (
    organization_id uuid not null references organizations(id) on delete cascade,
    offer_id uuid not null references offers(id) on delete cascade,
    code text not null,
    primary key (organization_id, code)
  )`,
  `create index offer_codes_offer_idx on offer_codes (offer_id)`,
  `create table holds (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    offer_id uuid not null references offers(id) on delete cascade,
    shopper_id text not null,
    quantity integer not null check (quantity > 0),
    status text not null check (status in ('held', 'checked_out', 'expired', 'released')),
    idempotency_key text,
    offer_code text,
    traffic_source text,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    ended_at timestamptz
  )`,
  `create unique index holds_idempotency_key on holds (offer_id, idempotency_key)`,
  `create index holds_offer_status_idx on holds (offer_id, status)`,
  `create table orders (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    offer_id uuid not null references offers(id) on delete cascade,
    hold_id uuid not null unique references holds(id),
    show_id uuid,
    shopper_id text not null,
    email text not null,
    name text not null,
    address jsonb not null,
    quantity integer not null check (quantity > 0),
    amount_minor integer not null check (amount_minor >= 0),
    currency char(3) not null,
    status text not null check (status in ('paid', 'cancelled', 'returned')),
    fulfilment_status text not null default 'unfulfilled'
      check (fulfilment_status in ('unfulfilled', 'packed', 'shipped', 'delivered')),
    payment_provider text not null,
    payment_reference text not null,
    offer_code text,
    traffic_source text,
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`,
  `create index orders_org_offer_idx on orders (organization_id, offer_id)`,
];
