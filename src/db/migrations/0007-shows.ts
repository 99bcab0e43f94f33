/**
 * Shows on the calendar and their go/no-go gate (issue #4, seed 004): the offers and document
 * versions a show uses, test orders through each commerce link, the named manual checks, the
 * agency's policy bundle, alerts, and the checkout samples an emergency override schedules.
 * Document and campaign ids are kept without foreign keys: those tables belong to approvals,
 * which answers for them through its port.
 */
export const shows: readonly string[] = [
  `create table shows (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    brand_id uuid not null references brands(id) on delete cascade,
    campaign_id uuid,
    title text not null,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    status text not null default 'scheduled' check (status in ('scheduled', 'live', 'ended')),
    stream_url text,
    rollback_contacts jsonb not null default '[]',
    markets jsonb not null default '[]',
    created_by uuid references users(id) on delete set null,
    went_live_at timestamptz,
    went_live_by uuid references users(id) on delete set null,
    ended_at timestamptz,
    override_reason text,
    override_by uuid references users(id) on delete set null,
    override_failing jsonb,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (ends_at > starts_at)
  )`,
  `create index shows_org_starts_idx on shows (organization_id, starts_at)`,
  `create table show_offers (
    organization_id uuid not null references organizations(id) on delete cascade,
    show_id uuid not null references shows(id) on delete cascade,
    offer_id uuid not null references offers(id) on delete cascade,
    position integer not null,
    primary key (show_id, offer_id)
  )`,
  `create table show_documents (
    organization_id uuid not null references organizations(id) on delete cascade,
    show_id uuid not null references shows(id) on delete cascade,
    document_id uuid not null,
    version_id uuid,
    position integer not null,
    primary key (show_id, document_id)
  )`,
  `create table show_link_tests (
    organization_id uuid not null references organizations(id) on delete cascade,
    show_id uuid not null references shows(id) on delete cascade,
    offer_id uuid not null references offers(id) on delete cascade,
    order_id uuid not null references orders(id) on delete cascade,
    payment_cleared boolean not null,
    recorded_by uuid references users(id) on delete set null,
    recorded_at timestamptz not null,
    crm_tag text,
    crm_confirmed_via text check (crm_confirmed_via in ('integration', 'manual')),
    crm_confirmed_by text,
    crm_confirmed_at timestamptz,
    primary key (show_id, offer_id)
  )`,
  `create index show_link_tests_order_idx on show_link_tests (organization_id, order_id)`,
  `create table show_manual_checks (
    organization_id uuid not null references organizations(id) on delete cascade,
    show_id uuid not null references shows(id) on delete cascade,
    name text not null,
    role text not null,
    label text not null,
    position integer not null,
    confirmed_by uuid references users(id) on delete set null,
    confirmed_by_name text,
    confirmed_at timestamptz,
    primary key (show_id, name)
  )`,
  `create table show_policy_bundles (
    organization_id uuid not null references organizations(id) on delete cascade,
    show_id uuid primary key references shows(id) on delete cascade,
    final_copy_document_id uuid not null,
    final_copy_version_id uuid not null,
    checkout_screenshot_url text not null,
    legal_exception_url text,
    note text,
    submitted_by uuid references users(id) on delete set null,
    submitted_at timestamptz not null
  )`,
  `create table show_alerts (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    show_id uuid not null references shows(id) on delete cascade,
    kind text not null,
    message text not null,
    created_at timestamptz not null
  )`,
  `create index show_alerts_show_idx on show_alerts (organization_id, show_id, created_at)`,
  `create table show_checkout_samples (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    show_id uuid not null references shows(id) on delete cascade,
    sample_number integer not null,
    sampled_at timestamptz not null,
    ok boolean not null,
    results jsonb not null,
    unique (show_id, sample_number)
  )`,
];
