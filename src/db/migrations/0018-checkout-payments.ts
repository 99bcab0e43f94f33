/**
 * Durable checkout payments: a row per payment attempt, written before the payment provider is
 * called, so a process that dies between the charge and the order leaves a trace that a sweep
 * settles (the charge is re-issued with the same provider idempotency key to learn its outcome,
 * and a charge without an order is refunded).
 *
 * - `charge_request` is the exact request sent to the provider: a re-issue must send the same
 *   parameters with the same key. It holds tokens and PaymentMethod ids, never card numbers.
 * - `status`: `charging` while the outcome is unknown (in flight, or the checkout gave up on a
 *   provider that did not answer), then `ordered`, `declined`, `requires_action` (3-D Secure,
 *   nothing charged), `failed` (the provider refused the request: nothing charged) or
 *   `refunded` (charged, but no order: given back).
 * - The checkout's Idempotency-Key and the first answer it gave (`answer`: the error code,
 *   message and details; an order's answer is `order_id`) let a retry in another process get
 *   that answer; the unique index is the database's last word on one attempt per key and hold.
 *
 * Orders gain what the provider reports refunded outside Mydrop's own cancel and return (a
 * refund made in the Stripe dashboard, learnt from `charge.refunded`), and an index by payment
 * reference for the provider's webhooks.
 */
export const checkoutPayments: readonly string[] = [
  `create table checkout_payments (
    id uuid primary key,
    organization_id uuid not null references organizations(id) on delete cascade,
    hold_id uuid not null references holds(id),
    offer_id uuid not null,
    provider text not null,
    provider_key text not null,
    amount_minor integer not null check (amount_minor >= 0),
    currency char(3) not null,
    payment_method text not null,
    charge_request jsonb not null,
    status text not null default 'charging'
      check (status in ('charging', 'ordered', 'declined', 'requires_action', 'failed', 'refunded')),
    provider_reference text,
    order_id uuid,
    idempotency_key text,
    request_fingerprint text,
    answer jsonb,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    check ((status = 'ordered') = (order_id is not null))
  )`,
  `create unique index checkout_payments_idempotency_idx
    on checkout_payments (hold_id, idempotency_key) where idempotency_key is not null`,
  'create index checkout_payments_hold_idx on checkout_payments (hold_id)',
  `create index checkout_payments_charging_idx on checkout_payments (created_at)
    where status = 'charging'`,
  `alter table orders add column refunded_minor integer not null default 0
    check (refunded_minor >= 0)`,
  'alter table orders add column refunded_at timestamptz',
  'create index orders_payment_reference_idx on orders (payment_reference)',
];
