/**
 * Tables for the audit trail: an append-only log where each entry carries the hash of the one
 * before (issue #4). `audit_heads` holds each organisation's last sequence and hash; an append
 * locks that row, so concurrent writers, in one process or many, take turns and never fork
 * the chain. The head also lets `verify` notice entries cut off the end of the log.
 */
export const audit: readonly string[] = [
  `create table audit_heads (
    organization_id uuid primary key references organizations(id) on delete cascade,
    sequence integer not null check (sequence >= 0),
    hash text not null
  )`,
  `create table audit_entries (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    sequence integer not null check (sequence >= 1),
    occurred_at timestamptz not null,
    actor_kind text not null check (actor_kind in ('user', 'token', 'system')),
    actor_id text,
    actor_role text,
    actor_name text,
    action text not null,
    subject_type text not null,
    subject_id text not null,
    reason text,
    data jsonb not null,
    prev_hash text not null,
    hash text not null,
    unique (organization_id, sequence)
  )`,
  `create index audit_entries_subject_idx
    on audit_entries (organization_id, subject_type, subject_id, sequence)`,
  `create index audit_entries_action_idx on audit_entries (organization_id, action, sequence)`,
];
