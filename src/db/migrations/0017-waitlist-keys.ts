/**
 * Idempotent waitlist joins (issue 3: "Idempotency keys on claim and checkout: a retry returns
 * the first answer", extended to the public waitlist join). A retry with the same
 * `Idempotency-Key` gets the first answer again, including after a restart or after Redis lost
 * the offer's keys, so the place in line the first join was told (`joined_position`) is kept
 * with the entry. The unique index is the database's last word: one entry per key and offer,
 * whichever process decided it; the hold batch inserts entries with `on conflict do nothing`.
 */
export const waitlistKeys: readonly string[] = [
  'alter table waitlist add column joined_position integer check (joined_position > 0)',
  `create unique index waitlist_idempotency_idx on waitlist (offer_id, idempotency_key)
    where idempotency_key is not null`,
];
