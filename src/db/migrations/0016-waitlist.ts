/**
 * The waitlist as a table (issue 3: "When sold out, shoppers may join a waitlist; released
 * units go to the next in line with a fresh hold" and "After kill -9 and restart: no
 * acknowledged hold or order lost"). A join is acknowledged only once its row is committed, in
 * the same group commit as the holds; the entry turns `served` in the same statement that
 * writes the hold it got, so a restart never serves a shopper twice nor forgets one.
 *
 * `queue_order` is the place in line as decided (first come, first served): a restart reloads
 * the waiting entries of each live offer in that order. An entry ends `served` (with the hold
 * it got), `left` (the shopper reached the per-buyer limit meanwhile, so units pass them by)
 * or `expired` (the offer closed, or the shopper's market reserve was released, first).
 * `hold_id` has no foreign key: the hold and the entry's end are written by one statement.
 */
export const waitlist: readonly string[] = [
  `create table waitlist (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    offer_id uuid not null references offers(id) on delete cascade,
    shopper_id text not null,
    quantity integer not null check (quantity > 0),
    market char(2),
    idempotency_key text,
    queue_order integer not null check (queue_order > 0),
    status text not null default 'waiting'
      check (status in ('waiting', 'served', 'left', 'expired')),
    hold_id uuid,
    joined_at timestamptz not null,
    ended_at timestamptz,
    check ((status = 'served') = (hold_id is not null)),
    check ((status = 'waiting') = (ended_at is null))
  )`,
  `create index waitlist_waiting_idx on waitlist (offer_id, queue_order) where status = 'waiting'`,
  'create index waitlist_organization_idx on waitlist (organization_id, offer_id)',
];
