/**
 * Tables for campaign decisions, approvals matrices, business calendars, versioned documents
 * and reviews (issue #4).
 *
 * A campaign carries its approvals matrix as one jsonb value: it is read and replaced whole,
 * and a review round copies the row it follows (`matrix_row`), so editing the matrix never
 * changes a review already under way. Versions are append-only; an approval is bound to the
 * content hash of the version approved. At most one review round per document is open.
 */
export const governance: readonly string[] = [
  `create table campaigns (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    brand_id uuid not null references brands(id) on delete cascade,
    name text not null,
    kind text not null check (kind in ('drop', 'program')),
    starts_at timestamptz,
    ends_at timestamptz,
    operating_model text not null
      check (operating_model in ('centralized', 'agency_managed', 'hybrid')),
    offer_complexity text not null
      check (offer_complexity in ('single_sku', 'tiered_bundle', 'time_limited_bundle')),
    conversion_path text not null
      check (conversion_path in ('in_platform_checkout', 'landing_page', 'qr_to_checkout')),
    approval_pace text not null check (approval_pace in ('fast', 'standard', 'slow')),
    approval_matrix jsonb not null,
    matrix_customized boolean not null default false,
    created_by text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null,
    check (ends_at is null or starts_at is null or ends_at > starts_at),
    unique (organization_id, id)
  )`,
  `create index campaigns_organization_idx on campaigns (organization_id, starts_at)`,
  `create table business_calendars (
    organization_id uuid primary key references organizations(id) on delete cascade,
    working_days jsonb not null,
    holidays jsonb not null,
    updated_at timestamptz not null
  )`,
  `create table documents (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    campaign_id uuid not null,
    type text not null
      check (type in ('host_script', 'offer_copy', 'promo_copy', 'price_terms', 'shot_list')),
    title text not null,
    subject_type text,
    subject_id text,
    status text not null check (status in ('draft', 'in_review', 'returned', 'approved')),
    current_version_id uuid,
    current_version_number integer not null default 0,
    approved_version_id uuid,
    approved_content_hash text,
    approved_at timestamptz,
    created_by text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null,
    foreign key (organization_id, campaign_id) references campaigns (organization_id, id)
      on delete cascade,
    unique (organization_id, id)
  )`,
  `create index documents_campaign_idx on documents (organization_id, campaign_id, type)`,
  `create table document_versions (
    id uuid primary key,
    organization_id uuid not null,
    document_id uuid not null,
    number integer not null check (number >= 1),
    content text not null,
    content_hash text not null,
    note text,
    author_kind text not null check (author_kind in ('user', 'token')),
    author_id text not null,
    author_name text,
    generated boolean not null default false,
    generator text,
    created_at timestamptz not null,
    foreign key (organization_id, document_id) references documents (organization_id, id)
      on delete cascade,
    unique (document_id, number),
    check (generated = (generator is not null))
  )`,
  `create table review_rounds (
    id uuid primary key,
    organization_id uuid not null,
    document_id uuid not null,
    version_id uuid not null references document_versions(id) on delete cascade,
    content_hash text not null,
    status text not null check (status in ('open', 'approved', 'returned', 'voided')),
    matrix_row jsonb not null,
    sla jsonb not null,
    re_review boolean not null,
    current_stage integer not null default 0,
    submitted_by_kind text not null,
    submitted_by text not null,
    submitted_by_user_id uuid,
    submitted_at timestamptz not null,
    closed_at timestamptz,
    voided_at timestamptz,
    voided_by_version_id uuid,
    foreign key (organization_id, document_id) references documents (organization_id, id)
      on delete cascade
  )`,
  `create unique index review_rounds_one_open_idx on review_rounds (document_id)
    where status = 'open'`,
  `create index review_rounds_document_idx on review_rounds (organization_id, document_id, submitted_at)`,
  `create table review_assignments (
    id uuid primary key,
    organization_id uuid not null,
    round_id uuid not null references review_rounds(id) on delete cascade,
    document_id uuid not null,
    stage integer not null check (stage >= 0),
    role text not null,
    legal_signoff boolean not null,
    status text not null
      check (status in ('pending', 'approved', 'returned', 'closed', 'voided')),
    assigned_at timestamptz not null,
    deadline timestamptz not null,
    reminded_at timestamptz,
    overdue_at timestamptz,
    escalation_step integer not null default 0,
    decided_by_kind text,
    decided_by text,
    decided_by_name text,
    decided_at timestamptz,
    approved_content_hash text,
    unique (round_id, role)
  )`,
  `create index review_assignments_waiting_idx on review_assignments (organization_id, deadline)
    where status = 'pending'`,
  `create index review_assignments_round_idx on review_assignments (round_id, stage)`,
  `create table review_comments (
    id uuid primary key,
    organization_id uuid not null,
    document_id uuid not null,
    version_id uuid not null references document_versions(id) on delete cascade,
    assignment_id uuid references review_assignments(id) on delete set null,
    line integer not null check (line >= 1),
    body text not null,
    author_kind text not null,
    author_id text not null,
    author_role text not null,
    author_name text,
    created_at timestamptz not null
  )`,
  `create index review_comments_version_idx on review_comments (organization_id, version_id, line)`,
];
