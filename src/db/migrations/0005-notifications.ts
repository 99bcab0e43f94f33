/**
 * Tables for durable scheduled jobs, in-app notifications and outbound webhooks (issue #4).
 *
 * `scheduled_jobs` is the scheduler's whole state, so reminders and deliveries survive a
 * restart. A process claims due rows with `for update skip locked` and a lease
 * (`locked_until`), so several processes on one PostgreSQL never run a job twice at once, and
 * a job whose process died mid-run is claimed again once its lease runs out; `lease_id` says
 * which claim may finish the run. `revision` moves
 * on every `schedule`, so rescheduling a running job is not lost when that run finishes.
 */
export const notifications: readonly string[] = [
  `create table scheduled_jobs (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    kind text not null,
    key text not null,
    run_at timestamptz not null,
    payload jsonb not null default '{}',
    status text not null default 'pending'
      check (status in ('pending', 'running', 'done', 'failed')),
    attempts integer not null default 0 check (attempts >= 0),
    revision integer not null default 1,
    last_error text,
    locked_until timestamptz,
    lease_id uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (organization_id, key)
  )`,
  `create index scheduled_jobs_due_idx on scheduled_jobs (run_at)
    where status in ('pending', 'running')`,
  `create index scheduled_jobs_finished_idx on scheduled_jobs (updated_at)
    where status in ('done', 'failed')`,
  `create table notifications (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    user_id uuid not null references users(id) on delete cascade,
    kind text not null,
    title text not null,
    body text not null,
    link text,
    data jsonb not null default '{}',
    created_at timestamptz not null,
    read_at timestamptz
  )`,
  `create index notifications_inbox_idx
    on notifications (organization_id, user_id, read_at, created_at desc)`,
  `create table webhook_subscriptions (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    url text not null,
    event_types jsonb not null,
    secret_ciphertext text not null,
    secret_hint text not null,
    description text not null default '',
    active boolean not null default true,
    created_by uuid references users(id) on delete set null,
    created_at timestamptz not null
  )`,
  `create index webhook_subscriptions_org_idx on webhook_subscriptions (organization_id, active)`,
  `create table webhook_deliveries (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    subscription_id uuid not null references webhook_subscriptions(id) on delete cascade,
    event_id uuid not null,
    type text not null,
    payload jsonb not null,
    status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts integer not null default 0 check (attempts >= 0),
    next_attempt_at timestamptz,
    last_status_code integer,
    last_error text,
    created_at timestamptz not null,
    delivered_at timestamptz
  )`,
  `create index webhook_deliveries_subscription_idx
    on webhook_deliveries (organization_id, subscription_id, created_at desc)`,
];
