import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyTableSpareBytes } from '../../lib/key-table.js';
import { OfferBook } from './offer-book.js';
import type { ClaimRequest } from './offer-book.types.js';

const noWrite = () => Promise.resolve();
let sequence = 0;
const claimOf = (
  shopperId: string,
  quantity: number,
  now: number,
  key: string | null = null,
  market: string | null = null,
): ClaimRequest => ({
  holdId: `hold-${sequence++}`,
  shopperId,
  quantity,
  idempotencyKey: key,
  market,
  now,
});

function liveBook(
  reserved: number,
  options: { limit?: number; ttlMs?: number; shares?: Record<string, number> | null } = {},
) {
  const shares = options.shares ? Object.entries(options.shares) : null;
  return new OfferBook({
    offerId: 'offer',
    organizationId: 'org',
    status: 'live',
    reserved: shares ? shares.reduce((sum, [, units]) => sum + units, 0) : reserved,
    sold: 0,
    perBuyerLimit: options.limit ?? null,
    holdTtlMs: options.ttlMs ?? 60_000,
    markets:
      shares?.map(([market, units]) => ({ market, reserved: units, sold: 0, released: false })) ??
      null,
  });
}

function expectInvariant(book: OfferBook, initiallyReserved: number) {
  const { reserved, available, held, sold } = book.counts();
  expect(reserved).toBe(available + held + sold);
  for (const count of [reserved, available, held, sold]) expect(count).toBeGreaterThanOrEqual(0);
  expect(held + sold).toBeLessThanOrEqual(initiallyReserved);
  const pools = book.marketCounts();
  if (pools.length === 0) return;
  // Split by market: the same invariant per market, and the offer's counts are their sums.
  for (const pool of pools) {
    expect(pool.reserved).toBe(pool.available + pool.held + pool.sold);
    for (const count of [pool.reserved, pool.held, pool.sold]) {
      expect(count).toBeGreaterThanOrEqual(0);
    }
    expect(pool.available).toBeGreaterThanOrEqual(0);
  }
  const sum = (key: 'reserved' | 'held' | 'sold') =>
    pools.reduce((total, pool) => total + pool[key], 0);
  expect([sum('reserved'), sum('held'), sum('sold')]).toEqual([reserved, held, sold]);
}

const marketCodes = ['US', 'GB', 'DE', 'FR'] as const;

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

  it("gives a crowd's retries their first refusal after units come back", () => {
    const book = liveBook(1, { ttlMs: 1000 });
    const winner = book.claim(claimOf('winner', 1, 0, 'winner-key'), noWrite);
    expect(winner.ok).toBe(true);
    const crowd = Array.from({ length: 5000 }, (_, index) => `crowd-key-${index}`);
    for (const key of crowd) {
      expect(book.claim(claimOf(key, 1, 10, key), noWrite)).toMatchObject({ code: 'sold_out' });
    }
    // The winner walks away: the unit is back, yet a retry is answered as the first time.
    const retries = crowd.map((key) => book.claim(claimOf(key, 1, 2000, key), noWrite));
    expect(retries.filter((answer) => answer.ok)).toEqual([]);
    expect(book.claim(claimOf('newcomer', 1, 2001, 'newcomer-key'), noWrite).ok).toBe(true);
    expect(book.claim(claimOf('winner', 1, 2002, 'winner-key'), noWrite)).toMatchObject({
      ok: true,
      replay: true,
    });
  });

  it("gives a let-go book's answer memory to the books to come", () => {
    const book = liveBook(0);
    for (let index = 0; index < 5000; index++) {
      book.claim(claimOf(`s${index}`, 1, 0, `key-${index}`), noWrite);
    }
    const before = keyTableSpareBytes();
    book.releaseAnswers();
    expect(keyTableSpareBytes()).toBeGreaterThan(before);
  });

  it("keeps a refusal for retries a day or more, then forgets it; a hold's answer stays", () => {
    const day = 24 * 3_600_000;
    const book = liveBook(1);
    const start = 1_000_000;
    const first = book.claim(claimOf('ann', 1, start, 'ann-key'), noWrite);
    if (!first.ok) throw new Error('ann should win the only unit');
    // Ann pays: the hold is pinned until the payment settles, past its deadline.
    expect(book.beginCheckout(first.hold.id, start + 1)).toBe(true);
    expect(book.claim(claimOf('ben', 1, start + 2, 'ben-key'), noWrite)).toMatchObject({
      ok: false,
      code: 'sold_out',
    });

    // A day later both answers are still given to a retry (the previous window's).
    const later = start + day + 10;
    expect(book.claim(claimOf('cy', 1, later, 'cy-key'), noWrite)).toMatchObject({ ok: false });
    expect(book.claim(claimOf('ben', 1, later + 1, 'ben-key'), noWrite)).toMatchObject({
      code: 'sold_out',
    });
    expect(book.claim(claimOf('ann', 1, later + 2, 'ann-key'), noWrite)).toMatchObject({
      ok: true,
      replay: true,
      hold: { id: first.hold.id },
    });

    // Two days on: Ben's refusal is forgotten, Ann's hold still answers her retry.
    const muchLater = start + 2 * day + 20;
    book.sweep(muchLater);
    expect(book.claim(claimOf('ann', 1, muchLater + 1, 'ann-key'), noWrite)).toMatchObject({
      ok: true,
      replay: true,
      hold: { id: first.hold.id },
    });
    // Ann's payment fails: her unit comes back, and Ben's retry is decided afresh.
    book.abortCheckout(first.hold.id);
    expect(book.claim(claimOf('ben', 1, muchLater + 2, 'ben-key'), noWrite)).toMatchObject({
      ok: true,
      replay: false,
    });
  });

  it('enforces the per-buyer limit across holds', () => {
    const book = liveBook(10, { limit: 2 });
    expect(book.claim(claimOf('a', 2, 0), noWrite).ok).toBe(true);
    expect(book.claim(claimOf('a', 1, 0), noWrite)).toEqual({ ok: false, code: 'limit_reached' });
  });

  it('answers sold_out before the per-buyer limit: a sold-out offer is sold out for everyone', () => {
    const book = liveBook(2, { limit: 2 });
    expect(book.claim(claimOf('a', 2, 0), noWrite).ok).toBe(true);
    expect(book.overLimit('a', 1)).toBe(true);
    expect(book.claim(claimOf('a', 1, 0), noWrite)).toEqual({ ok: false, code: 'sold_out' });
    expect(book.claim(claimOf('b', 1, 0), noWrite)).toEqual({ ok: false, code: 'sold_out' });
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

  it("keeps each market's units for its own shoppers", () => {
    const book = liveBook(0, { shares: { US: 1, GB: 2 }, ttlMs: 1000 });
    expect(book.claim(claimOf('a', 1, 0), noWrite)).toEqual({ ok: false, code: 'not_in_market' });
    expect(book.claim(claimOf('a', 1, 0, null, 'FR'), noWrite)).toEqual({
      ok: false,
      code: 'not_in_market',
    });
    const us = book.claim(claimOf('a', 1, 0, null, 'US'), noWrite);
    expect(us.ok && us.hold.market).toBe('US');
    expect(book.claim(claimOf('b', 1, 0, null, 'US'), noWrite)).toEqual({
      ok: false,
      code: 'sold_out',
    });
    expect(book.claim(claimOf('b', 2, 0, null, 'GB'), noWrite).ok).toBe(true);
    expect(book.marketCounts()).toEqual([
      { market: 'GB', released: false, reserved: 2, available: 0, held: 2, sold: 0 },
      { market: 'US', released: false, reserved: 1, available: 0, held: 1, sold: 0 },
    ]);
  });

  it("serves each market's waitlist even while another market's first in line waits", () => {
    const book = liveBook(0, { shares: { US: 1, GB: 1 }, ttlMs: 1000 });
    book.claim(claimOf('a', 1, 0, null, 'US'), noWrite);
    book.claim(claimOf('b', 1, 500, null, 'GB'), noWrite);
    book.joinWaitlist('us-waiting', 1, 'US');
    book.joinWaitlist('gb-waiting', 1, 'GB');
    // US's hold expires first: its unit goes to the US line only.
    book.sweep(1000);
    expect(book.takePromotedHolds().map((hold) => [hold.shopperId, hold.market])).toEqual([
      ['us-waiting', 'US'],
    ]);
    book.sweep(1500);
    expect(book.takePromotedHolds().map((hold) => hold.shopperId)).toEqual(['gb-waiting']);
  });

  it("returns a released market's unused units, and later the units its holds give back", () => {
    const book = liveBook(0, { shares: { US: 3, GB: 2 }, ttlMs: 1000 });
    book.claim(claimOf('a', 1, 0, null, 'US'), noWrite);
    book.joinWaitlist('w', 1, 'US');
    expect(book.releaseMarket('US')).toBe(2);
    expect(book.waitlistLength).toBe(0);
    expect(book.claim(claimOf('b', 1, 0, null, 'US'), noWrite)).toEqual({
      ok: false,
      code: 'sold_out',
    });
    book.sweep(1000);
    expect(book.takePromotedHolds()).toEqual([]);
    expect(book.releaseMarket('US')).toBe(1);
    expect(book.counts()).toEqual({ reserved: 2, available: 2, held: 0, sold: 0 });
    expect(book.releaseMarket('FR')).toBe(0);
  });

  const operation = fc.oneof(
    fc.record({
      type: fc.constant('claim' as const),
      shopper: fc.integer({ min: 0, max: 7 }),
      quantity: fc.integer({ min: 1, max: 4 }),
      key: fc.option(fc.integer({ min: 0, max: 20 })),
      market: fc.integer({ min: 0, max: marketCodes.length }),
    }),
    fc.record({
      type: fc.constant('releaseMarket' as const),
      market: fc.integer({ min: 0, max: marketCodes.length - 1 }),
    }),
    fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
    fc.record({ type: fc.constant('checkout' as const), pick: fc.nat(), pays: fc.boolean() }),
    fc.record({ type: fc.constant('release' as const), pick: fc.nat() }),
    fc.record({ type: fc.constant('cancelOrder' as const), pick: fc.nat(), restock: fc.boolean() }),
    fc.record({
      type: fc.constant('waitlist' as const),
      shopper: fc.integer({ min: 0, max: 7 }),
      quantity: fc.integer({ min: 1, max: 2 }),
      market: fc.integer({ min: 0, max: marketCodes.length - 1 }),
    }),
    fc.record({ type: fc.constant('pause' as const), on: fc.boolean() }),
    fc.record({ type: fc.constant('close' as const) }),
  );

  it('never oversells and keeps reserved = available + held + sold under any sequence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.option(fc.integer({ min: 1, max: 5 })),
        // Split by market (US, GB, DE as many as listed) in some runs.
        fc.option(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 3 })),
        fc.array(operation, { maxLength: 120 }),
        (units, limit, split, operations) => {
          const shares = split
            ? Object.fromEntries(split.map((count, index) => [marketCodes[index], count]))
            : null;
          const book = liveBook(units, {
            ttlMs: 2000,
            shares,
            ...(limit === null ? {} : { limit }),
          });
          const reserved = book.counts().reserved;
          const marketOf = (index: number) => marketCodes[index] ?? null;
          let now = 0;
          const holdIds: string[] = [];
          const orders: Array<{ shopper: string; quantity: number; market: string | null }> = [];
          // What the store persists of the waitlist: every wait ends once, and a served one
          // names the hold the line gave it.
          let joined = 0;
          const endedWaits = new Set<string>();
          const waitlistHolds = new Set<string>();
          for (const op of operations) {
            switch (op.type) {
              case 'claim': {
                const outcome = book.claim(
                  claimOf(
                    `s${op.shopper}`,
                    op.quantity,
                    now,
                    op.key === null ? null : `k${op.key}`,
                    marketOf(op.market),
                  ),
                  noWrite,
                );
                if (outcome.ok && shares && !outcome.replay) {
                  expect(outcome.hold.market).toBe(marketOf(op.market));
                }
                if (outcome.ok) {
                  holdIds.push(outcome.hold.id);
                  if (limit !== null)
                    expect(book.unitsOf(`s${op.shopper}`)).toBeLessThanOrEqual(limit);
                }
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
                    orders.push({
                      shopper: hold.shopperId,
                      quantity: hold.quantity,
                      market: hold.market,
                    });
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
                    order.market,
                  );
                }
                break;
              }
              case 'waitlist':
                if (book.servesMarket(marketOf(op.market))) {
                  book.joinWaitlist(`s${op.shopper}`, op.quantity, marketOf(op.market));
                  joined += 1;
                }
                break;
              case 'releaseMarket':
                book.releaseMarket(marketOf(op.market) as string);
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
            const promoted = book.takePromotedHolds().map((hold) => hold.id);
            holdIds.push(...promoted);
            for (const end of book.takeWaitlistEnds()) {
              expect(endedWaits.has(end.entryId)).toBe(false);
              endedWaits.add(end.entryId);
              if (end.status === 'served') waitlistHolds.add(end.holdId);
            }
            expect(promoted.every((holdId) => waitlistHolds.has(holdId))).toBe(true);
            expect(book.waitlistLength + endedWaits.size).toBe(joined);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
