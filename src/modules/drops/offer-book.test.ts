import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClaimRequest, OfferBook } from './offer-book.js';

const noWrite = () => Promise.resolve();
let sequence = 0;
const claimOf = (
  shopperId: string,
  quantity: number,
  now: number,
  key: string | null = null,
): ClaimRequest => ({
  holdId: `hold-${sequence++}`,
  shopperId,
  quantity,
  idempotencyKey: key,
  now,
});

function liveBook(reserved: number, options: { limit?: number; ttlMs?: number } = {}) {
  return new OfferBook({
    offerId: 'offer',
    organizationId: 'org',
    status: 'live',
    reserved,
    sold: 0,
    perBuyerLimit: options.limit ?? null,
    holdTtlMs: options.ttlMs ?? 60_000,
  });
}

function expectInvariant(book: OfferBook, initiallyReserved: number) {
  const { reserved, available, held, sold } = book.counts();
  expect(reserved).toBe(available + held + sold);
  for (const count of [reserved, available, held, sold]) expect(count).toBeGreaterThanOrEqual(0);
  expect(held + sold).toBeLessThanOrEqual(initiallyReserved);
}

describe('an offer book', () => {
  it('sells the last unit to one claimant only', () => {
    const book = liveBook(1);
    expect(book.claim(claimOf('a', 1, 0), noWrite).ok).toBe(true);
    expect(book.claim(claimOf('b', 1, 0), noWrite)).toEqual({ ok: false, code: 'sold_out' });
  });

  it('returns expired holds to stock at their deadline', () => {
    const book = liveBook(1, { ttlMs: 1000 });
    expect(book.claim(claimOf('a', 1, 0), noWrite).ok).toBe(true);
    expect(book.claim(claimOf('b', 1, 999), noWrite).ok).toBe(false);
    expect(book.claim(claimOf('b', 1, 1000), noWrite).ok).toBe(true);
    expect(book.counts()).toMatchObject({ held: 1, available: 0 });
  });

  it('answers a retry with the same key with the first answer', () => {
    const book = liveBook(5);
    const first = book.claim(claimOf('a', 1, 0, 'key-1'), noWrite);
    const retry = book.claim(claimOf('a', 1, 10, 'key-1'), noWrite);
    expect(retry.ok && first.ok && retry.hold.id === first.hold.id).toBe(true);
    expect(retry.ok && retry.replay).toBe(true);
    expect(book.counts().held).toBe(1);
  });

  it('enforces the per-buyer limit across holds', () => {
    const book = liveBook(10, { limit: 2 });
    expect(book.claim(claimOf('a', 2, 0), noWrite).ok).toBe(true);
    expect(book.claim(claimOf('a', 1, 0), noWrite)).toEqual({ ok: false, code: 'limit_reached' });
  });

  it('answers paused and closed offers clearly', () => {
    const book = liveBook(10);
    book.status = 'paused';
    expect(book.claim(claimOf('a', 1, 0), noWrite)).toEqual({ ok: false, code: 'paused' });
    book.close();
    expect(book.claim(claimOf('a', 1, 0), noWrite)).toEqual({ ok: false, code: 'closed' });
  });

  it('keeps a hold whose payment is in flight past its deadline, and lets it sell', () => {
    const book = liveBook(1, { ttlMs: 1000 });
    const claim = book.claim(claimOf('a', 1, 0), noWrite);
    if (!claim.ok) throw new Error('claim failed');
    expect(book.beginCheckout(claim.hold.id, 500)).toBe(true);
    expect(book.expireDue(5000)).toEqual([]);
    book.completeSale(claim.hold.id);
    expect(book.counts()).toEqual({ reserved: 1, available: 0, held: 0, sold: 1 });
  });

  it('gives released units to the waitlist first come, first served', () => {
    const book = liveBook(1, { ttlMs: 1000 });
    book.claim(claimOf('a', 1, 0), noWrite);
    book.joinWaitlist('w1', 1);
    book.joinWaitlist('w2', 1);
    expect(book.claim(claimOf('late', 1, 1000), noWrite)).toEqual({ ok: false, code: 'sold_out' });
    const promoted = book.takePromotedHolds();
    expect(promoted.map((hold) => hold.shopperId)).toEqual(['w1']);
    expect(book.waitlistLength).toBe(1);
  });

  const operation = fc.oneof(
    fc.record({
      type: fc.constant('claim' as const),
      shopper: fc.integer({ min: 0, max: 7 }),
      quantity: fc.integer({ min: 1, max: 4 }),
      key: fc.option(fc.integer({ min: 0, max: 20 })),
    }),
    fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
    fc.record({ type: fc.constant('checkout' as const), pick: fc.nat(), pays: fc.boolean() }),
    fc.record({ type: fc.constant('release' as const), pick: fc.nat() }),
    fc.record({ type: fc.constant('cancelOrder' as const), pick: fc.nat(), restock: fc.boolean() }),
    fc.record({
      type: fc.constant('waitlist' as const),
      shopper: fc.integer({ min: 0, max: 7 }),
      quantity: fc.integer({ min: 1, max: 2 }),
    }),
    fc.record({ type: fc.constant('pause' as const), on: fc.boolean() }),
    fc.record({ type: fc.constant('close' as const) }),
  );

  it('never oversells and keeps reserved = available + held + sold under any sequence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.option(fc.integer({ min: 1, max: 5 })),
        fc.array(operation, { maxLength: 120 }),
        (reserved, limit, operations) => {
          const book = liveBook(reserved, { ttlMs: 2000, ...(limit === null ? {} : { limit }) });
          let now = 0;
          const holdIds: string[] = [];
          const orders: Array<{ shopper: string; quantity: number }> = [];
          for (const op of operations) {
            switch (op.type) {
              case 'claim': {
                const outcome = book.claim(
                  claimOf(
                    `s${op.shopper}`,
                    op.quantity,
                    now,
                    op.key === null ? null : `k${op.key}`,
                  ),
                  noWrite,
                );
                if (outcome.ok) {
                  holdIds.push(outcome.hold.id);
                  if (limit !== null)
                    expect(book.unitsOf(`s${op.shopper}`)).toBeLessThanOrEqual(limit);
                }
                for (const hold of book.takePromotedHolds()) holdIds.push(hold.id);
                break;
              }
              case 'advance':
                now += op.ms;
                book.expireDue(now);
                break;
              case 'checkout': {
                const holdId = holdIds[op.pick % Math.max(1, holdIds.length)];
                if (holdId && book.beginCheckout(holdId, now)) {
                  const hold = book.getHold(holdId);
                  if (op.pays && hold) {
                    book.completeSale(holdId);
                    orders.push({ shopper: hold.shopperId, quantity: hold.quantity });
                  } else book.abortCheckout(holdId);
                }
                break;
              }
              case 'release': {
                const holdId = holdIds[op.pick % Math.max(1, holdIds.length)];
                if (holdId) book.releaseHold(holdId, now);
                break;
              }
              case 'cancelOrder': {
                const index = op.pick % Math.max(1, orders.length);
                const order = orders[index];
                if (order) {
                  orders.splice(index, 1);
                  book.unsell(
                    order.shopper,
                    order.quantity,
                    op.restock && book.status !== 'closed',
                    now,
                  );
                }
                break;
              }
              case 'waitlist':
                book.joinWaitlist(`s${op.shopper}`, op.quantity);
                break;
              case 'pause':
                if (book.status !== 'closed') book.status = op.on ? 'paused' : 'live';
                break;
              case 'close':
                book.close();
                break;
            }
            expectInvariant(book, reserved);
            expect(book.counts().sold).toBe(orders.reduce((sum, order) => sum + order.quantity, 0));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
