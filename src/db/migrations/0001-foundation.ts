import { roles } from '../../modules/access/index.js';

const roleList = roles.map((role) => `'${role}'`).join(', ');

/** Organisations, brands, people and their roles, sessions, invitations, API tokens, catalog. */
export const foundation: readonly string[] = [
  `create table organizations (
    id uuid primary key,
    name text not null,
    slug text not null unique,
    timezone text not null default 'UTC',
    created_at timestamptz not null default now()
  )`,
  `create table brands (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    name text not null,
    slug text not null,
    currency char(3) not null,
    timezone text not null default 'UTC',
    created_at timestamptz not null default now(),
    unique (organization_id, slug)
  )`,
  `create table users (
    id uuid primary key,
    email text not null,
    name text not null,
    password_hash text not null,
    created_at timestamptz not null default now()
  )`,
  `create unique index users_email_key on users (lower(email))`,
  `create table memberships (
    organization_id uuid not null references organizations(id) on delete cascade,
    user_id uuid not null references users(id) on delete cascade,
    role text not null check (role in (${roleList})),
    created_at timestamptz not null default now(),
    primary key (organization_id, user_id)
  )`,
  `create index memberships_user_idx on memberships (user_id)`,
  `create table sessions (
    id uuid primary key,
    token_hash text not null unique,
    user_id uuid not null references users(id) on delete cascade,
    active_organization_id uuid references organizations(id) on delete set null,
    active_brand_id uuid references brands(id) on delete set null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    last_seen_at timestamptz not null
  )`,
  `create index sessions_user_idx on sessions (user_id)`,
  `create table invitations (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    email text not null,
    role text not null check (role in (${roleList})),
    token_hash text not null unique,
    invited_by uuid references users(id) on delete set null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    accepted_at timestamptz,
    revoked_at timestamptz
  )`,
  `create index invitations_org_idx on invitations (organization_id)`,
  `create table api_tokens (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    name text not null,
    role text not null check (role in (${roleList})),
    token_hash text not null unique,
    token_prefix text not null,
    created_by uuid references users(id) on delete set null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
  )`,
  `create index api_tokens_org_idx on api_tokens (organization_id)`,
  `create table products (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    brand_id uuid not null references brands(id) on delete cascade,
    title text not null,
    description text not null default '',
    image_urls jsonb not null default '[]',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index products_org_brand_idx on products (organization_id, brand_id)`,
  `create table skus (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    product_id uuid not null references products(id) on delete cascade,
    code text not null,
    attributes jsonb not null default '{}',
    price_minor integer not null check (price_minor >= 0),
    currency char(3) not null,
    stock_on_hand integer not null check (stock_on_hand >= 0),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organization_id, code)
  )`,
  `create index skus_product_idx on skus (product_id)`,
];
