/**
 * Saved shopper profiles for one-click checkout (issue #3: "Returning customers check out in
 * one click (saved profile and payment method)"; seed 000). A shopper who opts in at checkout
 * gets a profile token; only its HMAC is stored, so a leaked table cannot be replayed. The
 * payment method is kept as what the provider lets a shop charge again (a sandbox test token,
 * a Stripe PaymentMethod id) with a display label such as "Visa ending 4242": never card data.
 * A profile belongs to one organisation; forgetting it deletes the row.
 *
 * Checkout also stamps each order with the show its offer sells in: show_offers is keyed by
 * show, so it gains an index by offer for that lookup.
 */
export const shopperProfiles: readonly string[] = [
  `create table shopper_profiles (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    token_hash text not null unique,
    email text not null,
    name text not null,
    address jsonb not null,
    payment_provider text not null,
    payment_method text not null,
    payment_label text not null,
    created_at timestamptz not null,
    last_used_at timestamptz not null
  )`,
  'create index shopper_profiles_org_idx on shopper_profiles (organization_id, created_at)',
  'create index show_offers_offer_idx on show_offers (organization_id, offer_id)',
];
