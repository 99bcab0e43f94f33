import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type DropsRepositories,
  dropsRepositoriesOn,
} from '../../../test/support/drops-repositories.js';
import { createRedisPrefix, redisUrl, skipWithoutRedis } from '../../../test/support/redis.js';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../db/database.js';
import { ManualClock } from '../../lib/clock.js';
import { HoldJournal, type JournalHold } from './hold-journal.js';
import { OfferBook } from './offer-book.js';
import type { OfferStatus } from './offer-book.types.js';
import type { StoreClaimOutcome, StoreClaimRequest, StoreCounts } from './offer-store.js';
import type { OfferRow } from './offers.repository.js';
import { offerKeys } from './redis-offer-keys.js';
import { RedisOfferStore, type RedisOfferStoreDeps } from './redis-offer-store.js';

const skip = await skipWithoutRedis();

/** A journal that remembers the waitlist holds it wrote and can be told to fail. */
class TestJournal extends HoldJournal {
  private waitlistHolds: JournalHold[] = [];
  failures = 0;

  override created(hold: JournalHold, servedEntryId: string | null = null): Promise<void> {
    if (hold.trafficSource === 'waitlist') this.waitlistHolds.push(hold);
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new Error('disk full'));
    }
    return super.created(hold, servedEntryId);
  }

  takeWaitlistHolds(): JournalHold[] {
    return this.waitlistHolds.splice(0);
  }
}

const ttlMs = 10_000;
/** Markets a split offer may reserve for, and one (FR) it never does; null: no market given. */
const markets = ['US', 'GB', 'DE', 'FR', null] as const;

describe.skipIf(skip)('the Redis offer store', () => {
  let database: DatabaseHandle;
  let repositories: DropsRepositories;
  let redis: Redis;
  let organizationId: string;
  let brandId: string;
  let ownerId: string;
  const clock = new ManualClock('2026-03-01T12:00:00Z');
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    database = await openDatabase({});
    await migrateToLatest(database.db);
    repositories = dropsRepositoriesOn(database.db);
    organizationId = randomUUID();
    brandId = randomUUID();
    await database.db
      .insertInto('organizations')
      .values({ id: organizationId, name: 'Acme', slug: 'acme', timezone: 'UTC' })
      .execute();
    await database.db
      .insertInto('brands')
      .values({
        id: brandId,
        organizationId,
        name: 'Aurora',
        slug: 'aurora',
        currency: 'EUR',
        timezone: 'UTC',
      })
      .execute();
    ownerId = randomUUID();
    await database.db
      .insertInto('users')
      .values({ id: ownerId, email: `${ownerId}@example.com`, name: 'Ines', passwordHash: 'x' })
      .execute();
    redis = new Redis(redisUrl);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await redis?.quit();
    await database?.close();
  });

  /** A key namespace for one test, deleted after it. */
  function usePrefix(): { prefix: string; drop(): Promise<void> } {
    const namespace = createRedisPrefix();
    cleanups.push(() => namespace.drop());
    return namespace;
  }

  function useConnection(): Redis {
    const connection = new Redis(redisUrl);
    cleanups.push(() => connection.quit());
    return connection;
  }

  function storeOn(
    prefix: string,
    options: {
      redis?: Redis;
      journal?: HoldJournal;
      sweepIntervalMs?: number;
      returnUnsold?: RedisOfferStoreDeps['returnUnsold'];
    } = {},
  ): RedisOfferStore {
    const journal = options.journal ?? new TestJournal({ holds: repositories.holds, clock });
    const store = new RedisOfferStore({
      redis: options.redis ?? redis,
      prefix,
      ...repositories,
      journal,
      clock,
      ...(options.sweepIntervalMs ? { sweepIntervalMs: options.sweepIntervalMs } : {}),
      ...(options.returnUnsold ? { returnUnsold: options.returnUnsold } : {}),
    });
    cleanups.push(() => store.stop());
    return store;
  }

  /** A live offer row; closed in the database after the test, so recover() skips it later. */
  async function createOffer(options: {
    reserved: number;
    limit?: number | null;
    window?: { opensAt: number; closesAt: number } | null;
    /** Splits the reserve: units per market. */
    shares?: ReadonlyArray<{ market: string; units: number }> | null;
  }): Promise<OfferRow> {
    const id = randomUUID();
    const now = clock.now();
    await repositories.offers.insertOffer(
      {
        id,
        organizationId,
        brandId,
        title: 'Serum drop',
        kind: 'single_sku',
        status: 'live',
        priceMinor: 1900,
        currency: 'EUR',
        priceTiers: '[]',
        perBuyerLimit: options.limit ?? null,
        holdTtlSeconds: ttlMs / 1000,
        lowStockThreshold: 0,
        urgencyRule: 'null',
        startsAt: options.window ? new Date(options.window.opensAt) : null,
        endsAt: options.window ? new Date(options.window.closesAt) : null,
        endsWithStream: false,
        fallbackOfferId: null,
        substitutions: '[]',
        termsHash: 'terms',
        approvedTermsHash: 'terms',
        reservedUnits: options.reserved,
        reserveOwnerId: null,
        reserveExpiresAt: null,
        approvedAt: now,
        armedAt: now,
        liveAt: now,
        closedAt: null,
        createdAt: now,
        updatedAt: now,
      },
      [],
      [],
    );
    if (options.shares?.length) {
      await database.db
        .insertInto('offerMarkets')
        .values(
          options.shares.map((share) => ({
            organizationId,
            offerId: id,
            market: share.market,
            reservedUnits: share.units,
            ownerId,
          })),
        )
        .execute();
    }
    cleanups.push(() =>
      database.db.updateTable('offers').set({ status: 'closed' }).where('id', '=', id).execute(),
    );
    return (await repositories.offers.findOfferById(id)) as OfferRow;
  }

  function claimOf(
    shopperId: string,
    quantity = 1,
    idempotencyKey: string | null = null,
    market: string | null = null,
  ): StoreClaimRequest {
    return {
      shopperId,
      quantity,
      idempotencyKey,
      offerCode: null,
      trafficSource: 'live',
      market,
      now: clock.now().getTime(),
    };
  }

  async function holdRows(offerId: string) {
    return database.db.selectFrom('holds').selectAll().where('offerId', '=', offerId).execute();
  }

  function expectInvariant(counts: StoreCounts | undefined) {
    if (!counts) throw new Error('the offer has no state');
    expect(counts.reserved).toBe(counts.available + counts.held + counts.sold);
    for (const count of [counts.available, counts.held, counts.sold]) {
      expect(count).toBeGreaterThanOrEqual(0);
    }
  }

  describe('against the offer book', () => {
    const step = fc.oneof(
      {
        weight: 10,
        arbitrary: fc.record({
          type: fc.constant('claim' as const),
          shopper: fc.integer({ min: 0, max: 3 }),
          quantity: fc.integer({ min: 1, max: 3 }),
          key: fc.option(fc.integer({ min: 0, max: 5 })),
          market: fc.integer({ min: 0, max: markets.length - 1 }),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          type: fc.constant('advance' as const),
          ms: fc.integer({ min: 0, max: 15_000 }),
        }),
      },
      // Half a day to a day and a half: remembered refusals move a window on (answerWindowMs).
      fc.record({
        type: fc.constant('advance' as const),
        ms: fc.integer({ min: 12 * 3_600_000, max: 36 * 3_600_000 }),
      }),
      fc.record({ type: fc.constant('sweep' as const) }),
      {
        weight: 2,
        arbitrary: fc.record({ type: fc.constant('release' as const), pick: fc.nat() }),
      },
      {
        weight: 4,
        arbitrary: fc.record({
          type: fc.constant('checkout' as const),
          pick: fc.nat(),
          ending: fc.constantFrom('pay', 'fail', 'hang'),
        }),
      },
      fc.record({ type: fc.constant('settle' as const), pick: fc.nat(), pays: fc.boolean() }),
      fc.record({ type: fc.constant('unsell' as const), pick: fc.nat(), restock: fc.boolean() }),
      {
        weight: 3,
        arbitrary: fc.record({
          type: fc.constant('waitlist' as const),
          shopper: fc.integer({ min: 0, max: 5 }),
          quantity: fc.integer({ min: 1, max: 2 }),
          market: fc.integer({ min: 0, max: markets.length - 1 }),
        }),
      },
      fc.record({
        type: fc.constant('releaseMarket' as const),
        market: fc.integer({ min: 0, max: 3 }),
      }),
      fc.record({ type: fc.constant('pause' as const), on: fc.boolean() }),
      fc.record({ type: fc.constant('close' as const) }),
      fc.record({
        type: fc.constant('standing' as const),
        shopper: fc.integer({ min: 0, max: 5 }),
      }),
      fc.record({ type: fc.constant('peek' as const), pick: fc.nat() }),
    );
    type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;
    /** A time-limited offer's window, from the run's start. */
    type Window = { opensIn: number; lasts: number };

    const claim = (shopper: number, quantity = 1, market = 0): Step => ({
      type: 'claim',
      shopper,
      quantity,
      key: null,
      market,
    });
    // Rare in random runs, so always run: the waitlist skips a shopper at the limit, nobody is
    // promoted while paused, a payment failing after closing takes its units out of the offer.
    // Split by market: a market with units serves its own line while another's head waits; a
    // released market's units leave, and its line with them.
    const day = 24 * 3_600_000;
    const keyed = (shopper: number, key: number): Step => ({ ...claim(shopper), key }) as Step;
    const examples: Array<[number, number | null, Window | null, number[] | null, Step[]]> = [
      // Refusals are remembered a day or two: then a retry is decided afresh. Holds' answers stay.
      [
        1,
        null,
        null,
        null,
        [
          keyed(0, 0),
          keyed(1, 1),
          { type: 'advance', ms: day + 3_600_000 },
          claim(2),
          keyed(1, 1),
          { type: 'advance', ms: day + 3_600_000 },
          keyed(0, 0),
          keyed(1, 1),
        ],
      ],
      [
        2,
        1,
        null,
        null,
        [
          claim(0),
          claim(1),
          { type: 'waitlist', shopper: 0, quantity: 1, market: 0 },
          { type: 'waitlist', shopper: 2, quantity: 1, market: 0 },
          { type: 'release', pick: 1 },
        ],
      ],
      [
        1,
        null,
        null,
        null,
        [
          claim(0),
          { type: 'waitlist', shopper: 1, quantity: 1, market: 0 },
          { type: 'pause', on: true },
          { type: 'release', pick: 0 },
          { type: 'pause', on: false },
          { type: 'standing', shopper: 1 },
        ],
      ],
      [
        3,
        null,
        null,
        null,
        [
          claim(0, 2),
          { type: 'checkout', pick: 0, ending: 'hang' },
          { type: 'close' },
          { type: 'settle', pick: 0, pays: false },
        ],
      ],
      [
        0,
        null,
        null,
        [1, 1],
        [
          claim(0, 1, 0),
          claim(1, 1, 1),
          claim(2, 1, 3),
          claim(3, 1, 4),
          { type: 'waitlist', shopper: 4, quantity: 1, market: 0 },
          { type: 'waitlist', shopper: 5, quantity: 1, market: 1 },
          { type: 'release', pick: 1 },
          { type: 'releaseMarket', market: 0 },
          { type: 'release', pick: 0 },
          { type: 'releaseMarket', market: 0 },
          { type: 'close' },
        ],
      ],
      // A shopper over the limit and outside the offer's markets: the market is answered first.
      [
        1,
        1,
        null,
        [0],
        [
          { type: 'waitlist', shopper: 0, quantity: 2, market: 1 },
          { type: 'checkout', pick: 0, ending: 'pay' },
        ],
      ],
    ];

    it('gives the same answers and counts as the offer book for any sequence', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 8 }),
          fc.option(fc.integer({ min: 1, max: 4 }), { freq: 2 }),
          fc.option(
            fc.record({
              opensIn: fc.integer({ min: 0, max: 10_000 }),
              lasts: fc.integer({ min: 1_000, max: 40_000 }),
            }),
            { freq: 3 },
          ),
          // Units reserved for US, GB, DE (as many as listed), when the reserve is split.
          fc.option(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }), {
            freq: 2,
          }),
          // size 'max': by default fast-check keeps arrays near ten items whatever maxLength says.
          fc.array(step, { minLength: 1, maxLength: 40, size: 'max' }),
          async (units, limit, window, split, steps) => {
            const { prefix, drop } = createRedisPrefix();
            const journal = new TestJournal({ holds: repositories.holds, clock });
            const store = new RedisOfferStore({ redis, prefix, ...repositories, journal, clock });
            try {
              const start = clock.now().getTime();
              const span = window && {
                opensAt: start + window.opensIn,
                closesAt: start + window.opensIn + window.lasts,
              };
              const shares =
                split?.map((count, index) => ({
                  market: markets[index] as string,
                  units: count,
                })) ?? null;
              const reserved = shares ? shares.reduce((sum, share) => sum + share.units, 0) : units;
              const offer = await createOffer({ reserved, limit, window: span, shares });
              await store.open(offer);
              const book = new OfferBook({
                offerId: offer.id,
                organizationId,
                status: 'live',
                reserved,
                sold: 0,
                perBuyerLimit: limit,
                holdTtlMs: ttlMs,
                opensAt: span?.opensAt ?? null,
                closesAt: span?.closesAt ?? null,
                markets:
                  shares?.map((share) => ({
                    market: share.market,
                    reserved: share.units,
                    sold: 0,
                    released: false,
                  })) ?? null,
              });
              await compareRun(store, journal, book, offer, steps);
            } finally {
              await store.stop();
              await drop();
            }
          },
        ),
        { numRuns: 50, examples },
      );
    });

    /** Applies every step to both and compares answers, then counts and the invariant. */
    async function compareRun(
      store: RedisOfferStore,
      journal: TestJournal,
      book: OfferBook,
      offer: OfferRow,
      steps: Step[],
    ): Promise<void> {
      // Hold ids differ between the two: a hold of the book is paired with the store's.
      const pairs: Array<{ book: string; store: string }> = [];
      const orders: Array<{ shopper: string; quantity: number; market: string | null }> = [];
      const pick = (index: number) => pairs[index % Math.max(1, pairs.length)];
      const writeOff = async (pair: { book: string; store: string }, pays: boolean) => {
        const hold = book.getHold(pair.book);
        if (!hold) throw new Error('a paying hold vanished from the book');
        if (pays) {
          book.completeSale(pair.book);
          await store.completeSale(pair.store);
          orders.push({ shopper: hold.shopperId, quantity: hold.quantity, market: hold.market });
        } else {
          expect(await store.abortCheckout(pair.store)).toBe(book.abortCheckout(pair.book));
        }
      };
      for (const step of steps) {
        const now = clock.now().getTime();
        switch (step.type) {
          case 'claim': {
            const request = claimOf(
              `s${step.shopper}`,
              step.quantity,
              step.key === null ? null : `k${step.key}`,
              markets[step.market] ?? null,
            );
            const expected = book.claim(request, () => Promise.resolve());
            const answer = await store.claim(offer.id, request);
            if (!expected.ok) {
              expect(answer).toEqual(expected);
              break;
            }
            expect(answer).toMatchObject({
              ok: true,
              replay: expected.replay,
              expiresAt: expected.hold.expiresAt,
            });
            const holdId = answer?.ok ? answer.holdId : '';
            if (expected.replay) {
              expect(pairs.find((pair) => pair.book === expected.hold.id)?.store).toBe(holdId);
            } else pairs.push({ book: expected.hold.id, store: holdId });
            break;
          }
          case 'advance':
            clock.advance(step.ms);
            break;
          case 'sweep': {
            book.sweep(now);
            // The store also settles payments pinned long past their deadline (no order here).
            for (const pair of pairs) {
              const hold = book.getHold(pair.book);
              if (hold?.state === 'checking_out' && hold.expiresAt <= now - 5 * 60_000) {
                book.abortCheckout(pair.book);
              }
            }
            await store.sweep();
            break;
          }
          case 'release': {
            const pair = pick(step.pick);
            if (!pair) break;
            const released = book.releaseHold(pair.book, now) !== undefined;
            expect(await store.releaseHold(pair.store, now)).toBe(released);
            break;
          }
          case 'checkout': {
            const pair = pick(step.pick);
            if (!pair) break;
            const hold = book.getHold(pair.book);
            const expected = !hold
              ? 'missing'
              : hold.state === 'checking_out'
                ? 'busy'
                : book.beginCheckout(pair.book, now)
                  ? 'ok'
                  : 'expired';
            const started = await store.beginCheckout(pair.store, now);
            expect(started.ok ? 'ok' : started.reason).toBe(expected);
            if (started.ok && step.ending !== 'hang') await writeOff(pair, step.ending === 'pay');
            break;
          }
          case 'settle': {
            const paying = pairs.filter((p) => book.getHold(p.book)?.state === 'checking_out');
            const pair = paying[step.pick % Math.max(1, paying.length)];
            if (pair) await writeOff(pair, step.pays);
            break;
          }
          case 'unsell': {
            const index = step.pick % Math.max(1, orders.length);
            const order = orders[index];
            if (!order) break;
            orders.splice(index, 1);
            const restock = step.restock && book.status !== 'closed';
            book.unsell(order.shopper, order.quantity, restock, now, order.market);
            await store.unsell(offer.id, order.shopper, order.quantity, restock, now, order.market);
            break;
          }
          case 'waitlist': {
            const market = markets[step.market] ?? null;
            const shopper = `s${step.shopper}`;
            const answer = await store.joinWaitlist(offer.id, shopper, step.quantity, market);
            if (book.status !== 'live') {
              const code = book.status === 'paused' ? 'paused' : 'closed';
              expect(answer).toEqual({ ok: false, code });
            } else if (!book.servesMarket(market)) {
              expect(answer).toEqual({ ok: false, code: 'not_in_market' });
            } else if (book.overLimit(shopper, step.quantity)) {
              expect(answer).toEqual({ ok: false, code: 'limit_reached' });
            } else {
              const position = book.joinWaitlist(shopper, step.quantity, market);
              expect(answer).toEqual({ ok: true, position });
            }
            break;
          }
          case 'releaseMarket': {
            const market = markets[step.market] as string;
            expect(await store.releaseMarket(offer.id, market)).toBe(book.releaseMarket(market));
            break;
          }
          case 'pause': {
            if (book.status === 'closed') break;
            const status: OfferStatus = step.on ? 'paused' : 'live';
            book.status = status;
            await store.setStatus(offer, status);
            break;
          }
          case 'close':
            {
              const { unsold, unsoldByMarket } = book.close();
              expect(await store.close(offer.id)).toEqual({ unsold, unsoldByMarket });
            }
            break;
          case 'standing': {
            const expected = book.standingOf(`s${step.shopper}`);
            const standing = await store.standing(offer.id, `s${step.shopper}`);
            if (expected && 'hold' in expected) expect(standing).toHaveProperty('holdId');
            else expect(standing).toEqual(expected);
            break;
          }
          case 'peek': {
            const pair = pick(step.pick);
            if (!pair) break;
            const expected = book.getHold(pair.book);
            const hold = await store.hold(pair.store);
            expect(hold && { state: hold.state, quantity: hold.quantity }).toEqual(
              expected && { state: expected.state, quantity: expected.quantity },
            );
            break;
          }
        }
        // Waitlist holds are paired in the order both gave them out (first come, first served).
        const promoted = book.takePromotedHolds();
        const written = journal.takeWaitlistHolds();
        expect(written.map((hold) => [hold.shopperId, hold.quantity])).toEqual(
          promoted.map((hold) => [hold.shopperId, hold.quantity]),
        );
        promoted.forEach((hold, index) => {
          pairs.push({ book: hold.id, store: (written[index] as JournalHold).id });
        });
        await journal.drain();
        const counts = await store.counts(offer.id);
        expect(counts).toEqual({
          ...book.counts(),
          status: book.status,
          waitlist: book.waitlistLength,
          markets: book.marketCounts(),
        });
        expectInvariant(counts);
        for (const market of counts?.markets ?? [])
          expectInvariant({ ...counts, ...market } as StoreCounts);
      }
    }
  });

  it('sells exactly the reserve when two processes take thousands of claims at once', async () => {
    const { prefix } = usePrefix();
    const offer = await createOffer({ reserved: 200 });
    const stores = [storeOn(prefix), storeOn(prefix, { redis: useConnection() })];
    // Both load at once: one load wins, the other leaves its state alone.
    await Promise.all(stores.map((store) => store.open(offer)));

    // Claims arrive in waves of a hundred, each process batching those of its turn, none
    // waiting for an answer before the next wave.
    const pending: Array<Promise<StoreClaimOutcome | undefined>> = [];
    for (let index = 0; index < 3000; index++) {
      const store = stores[index % 2] as RedisOfferStore;
      pending.push(store.claim(offer.id, claimOf(`shopper-${index}`, 1, `key-${index}`)));
      if (index % 100 === 99) await new Promise(setImmediate);
    }
    const outcomes = await Promise.all(pending);

    const holds = outcomes.filter((outcome) => outcome?.ok);
    expect(holds).toHaveLength(200);
    expect(
      outcomes.filter((outcome) => outcome?.ok === false && outcome.code === 'sold_out'),
    ).toHaveLength(2800);
    const byStore = [0, 1].map((first) => outcomes.filter((o, i) => i % 2 === first && o?.ok));
    for (const sold of byStore) expect(sold.length).toBeGreaterThan(0);
    expect(await stores[0]?.counts(offer.id)).toMatchObject({ held: 200, available: 0, sold: 0 });
    const rows = await holdRows(offer.id);
    expect(rows).toHaveLength(200);
    expect(new Set(rows.map((row) => row.id))).toEqual(
      new Set(holds.map((outcome) => (outcome?.ok ? outcome.holdId : ''))),
    );
  });

  it('keeps the live state when a process restarts, and rebuilds it from the database after a flush', async () => {
    const namespace = usePrefix();
    const offer = await createOffer({ reserved: 5 });
    const first = storeOn(namespace.prefix);
    await first.open(offer);
    const kept = await first.claim(offer.id, claimOf('ada', 2, 'key-ada'));
    const released = await first.claim(offer.id, claimOf('bob', 1, 'key-bob'));
    if (!kept?.ok || !released?.ok) throw new Error('claims refused');
    expect(await first.releaseHold(released.holdId, clock.now().getTime())).toBe(true);
    await first.stop();

    const restarted = storeOn(namespace.prefix, { redis: useConnection() });
    // A stale row must not overwrite what other processes decided.
    await restarted.open({ ...offer, reservedUnits: 99 });
    expect(await restarted.counts(offer.id)).toMatchObject({ reserved: 5, held: 2, available: 3 });

    await namespace.drop();
    expect(await restarted.counts(offer.id)).toBeUndefined();
    await restarted.recover();
    expect(await restarted.counts(offer.id)).toMatchObject({ reserved: 5, held: 2, available: 3 });
    expect(await restarted.hold(kept.holdId)).toMatchObject({ shopperId: 'ada', state: 'held' });
    expect(await restarted.claim(offer.id, claimOf('ada', 2, 'key-ada'))).toEqual({
      ...kept,
      replay: true,
    });
    // The ended hold's answer came back from its row too.
    expect(await restarted.claim(offer.id, claimOf('bob', 1, 'key-bob'))).toEqual({
      ...released,
      replay: true,
    });
  });

  it('rebuilds an offer on sale from the database at the first claim after Redis lost it', async () => {
    const namespace = usePrefix();
    const offer = await createOffer({ reserved: 3 });
    const store = storeOn(namespace.prefix);
    await store.open(offer);
    const first = await store.claim(offer.id, claimOf('ada', 1, 'key-ada'));
    if (!first?.ok) throw new Error('claim refused');
    await namespace.drop();
    // No restart: the next claim finds no keys, reloads the offer and decides.
    expect(await store.claim(offer.id, claimOf('ada', 1, 'key-ada'))).toEqual({
      ...first,
      replay: true,
    });
    expect(await store.claim(offer.id, claimOf('bob', 2, null))).toMatchObject({ ok: true });
    expect(await store.counts(offer.id)).toMatchObject({ held: 3, available: 0 });
    await store.stop();
  });

  it('counts what a shopper bought toward the limit per buyer after a flush', async () => {
    const namespace = usePrefix();
    const offer = await createOffer({ reserved: 5, limit: 2 });
    const store = storeOn(namespace.prefix);
    await store.open(offer);
    const bought = await store.claim(offer.id, claimOf('ada', 2, null));
    if (!bought?.ok) throw new Error('claim refused');
    const started = await store.beginCheckout(bought.holdId, clock.now().getTime());
    if (!started.ok) throw new Error('checkout refused');
    const now = clock.now();
    const order = await repositories.orders.insertOrderForHold(
      {
        id: randomUUID(),
        organizationId,
        offerId: offer.id,
        holdId: bought.holdId,
        shopperId: 'ada',
        email: 'ada@example.com',
        name: 'Ada',
        address: '{}',
        quantity: 2,
        amountMinor: 3800,
        taxMinor: 0,
        taxRateBasisPoints: 0,
        totalMinor: 3800,
        fulfilmentRegionId: null,
        currency: 'EUR',
        status: 'paid',
        fulfilmentStatus: 'unfulfilled',
        paymentProvider: 'sandbox',
        paymentReference: 'test',
        offerCode: null,
        trafficSource: null,
        createdAt: now,
        updatedAt: now,
      },
      now,
    );
    expect(order).toBeDefined();
    await store.completeSale(bought.holdId);
    await store.stop();

    await namespace.drop();
    const restarted = storeOn(namespace.prefix, { redis: useConnection() });
    await restarted.recover();
    expect(await restarted.counts(offer.id)).toMatchObject({ sold: 2, available: 3 });
    expect(await restarted.claim(offer.id, claimOf('ada', 1, null))).toEqual({
      ok: false,
      code: 'limit_reached',
    });
  });

  it('answers a retry for a hold whose process died before writing it, writing it itself', async () => {
    const namespace = usePrefix();
    const offer = await createOffer({ reserved: 2 });
    // The first process decides in Redis, then never writes (it is killed mid-commit).
    const dying = new TestJournal({ holds: repositories.holds, clock });
    dying.created = () => new Promise<void>(() => {});
    const first = storeOn(namespace.prefix, { journal: dying });
    await first.open(offer);
    void first.claim(offer.id, claimOf('ada', 1, 'key-ada'));
    await vi.waitFor(async () => expect(await first.counts(offer.id)).toMatchObject({ held: 1 }));
    const second = storeOn(namespace.prefix, { redis: useConnection() });
    const retried = await second.claim(offer.id, claimOf('ada', 1, 'key-ada'));
    expect(retried).toMatchObject({ ok: true, replay: true });
    if (!retried?.ok) throw new Error('retry refused');
    expect(await repositories.holds.findHold(retried.holdId)).toMatchObject({
      status: 'held',
      shopperId: 'ada',
      idempotencyKey: 'key-ada',
    });
    expect(await second.beginCheckout(retried.holdId, clock.now().getTime())).toMatchObject({
      ok: true,
    });
  });

  it('takes a hold back when its write fails, so its units are on sale again', async () => {
    const { prefix } = usePrefix();
    const offer = await createOffer({ reserved: 1 });
    const journal = new TestJournal({ holds: repositories.holds, clock });
    const store = storeOn(prefix, { journal });
    await store.open(offer);

    journal.failures = 1;
    await expect(store.claim(offer.id, claimOf('ada', 1, 'key-ada'))).rejects.toThrow('disk full');
    expect(await store.counts(offer.id)).toMatchObject({ held: 0, available: 1 });
    expect(await holdRows(offer.id)).toHaveLength(0);

    // The key's answer was forgotten: the retry is decided afresh.
    expect(await store.claim(offer.id, claimOf('ada', 1, 'key-ada'))).toMatchObject({
      ok: true,
      replay: false,
    });
    expect(await holdRows(offer.id)).toHaveLength(1);
  });

  it('gives released units to the waitlist in order and writes their holds', async () => {
    const { prefix } = usePrefix();
    const offer = await createOffer({ reserved: 10 });
    const journal = new TestJournal({ holds: repositories.holds, clock });
    const store = storeOn(prefix, { journal });
    await store.open(offer);
    const whole = await store.claim(offer.id, claimOf('whale', 10));
    if (!whole?.ok) throw new Error('claim refused');
    for (let index = 0; index < 10; index += 1) {
      expect(await store.joinWaitlist(offer.id, `w${index}`, 1, null)).toEqual({
        ok: true,
        position: index + 1,
      });
    }

    expect(await store.releaseHold(whole.holdId, clock.now().getTime())).toBe(true);
    // One script has ids for eight holds; the next one (here the sweep) gives out the rest.
    expect(await store.counts(offer.id)).toMatchObject({ held: 8, waitlist: 2 });
    await store.sweep();
    expect(await store.counts(offer.id)).toMatchObject({ held: 10, available: 0, waitlist: 0 });
    const standing = await store.standing(offer.id, 'w9');
    expect(standing).toHaveProperty('holdId');

    await journal.drain();
    const rows = await holdRows(offer.id);
    expect(rows.filter((row) => row.trafficSource === 'waitlist')).toHaveLength(10);
    expect(rows.find((row) => row.id === whole.holdId)?.status).toBe('released');
    expect(rows.find((row) => row.id === (standing as { holdId: string }).holdId)?.shopperId).toBe(
      'w9',
    );
  });

  it('decides a batch of claims in order, giving expired units to the waitlist first', async () => {
    const { prefix } = usePrefix();
    const offer = await createOffer({ reserved: 12 });
    const journal = new TestJournal({ holds: repositories.holds, clock });
    const store = storeOn(prefix, { journal });
    await store.open(offer);
    const whole = await store.claim(offer.id, claimOf('whale', 12));
    if (!whole?.ok) throw new Error('claim refused');
    for (let index = 0; index < 11; index += 1) {
      await store.joinWaitlist(offer.id, `w${index}`, 1, null);
    }
    clock.advance(ttlMs + 1);
    // Three claims in one turn: one script call. The first returns the whale's twelve units,
    // eleven go to the line (more ids than one claim had before), the last unit to Ann.
    const batch = await Promise.all(
      ['ann', 'ben', 'cy'].map((shopper) =>
        store.claim(offer.id, claimOf(shopper, 1, `${shopper}-key`)),
      ),
    );
    expect(batch.map((outcome) => (outcome?.ok ? 'hold' : outcome?.code))).toEqual([
      'hold',
      'sold_out',
      'sold_out',
    ]);
    expect(await store.counts(offer.id)).toMatchObject({ held: 12, available: 0, waitlist: 0 });
    await journal.drain();
    const waitlisted = (await holdRows(offer.id)).filter((row) => row.trafficSource === 'waitlist');
    expect(new Set(waitlisted.map((row) => row.id)).size).toBe(11);
    expect(new Set(waitlisted.map((row) => row.shopperId)).size).toBe(11);
  });

  it('expires holds at their deadline and settles payments whose process died', async () => {
    const { prefix } = usePrefix();
    const offer = await createOffer({ reserved: 3 });
    const store = storeOn(prefix);
    await store.open(offer);
    const [lapsed, abandoned, paid] = await Promise.all(
      ['ada', 'bob', 'cy'].map((shopper) => store.claim(offer.id, claimOf(shopper))),
    );
    if (!lapsed?.ok || !abandoned?.ok || !paid?.ok) throw new Error('claims refused');
    const now = clock.now();
    for (const hold of [abandoned, paid]) {
      expect(await store.beginCheckout(hold.holdId, now.getTime())).toMatchObject({ ok: true });
    }
    expect(await store.beginCheckout(paid.holdId, now.getTime())).toEqual({
      ok: false,
      reason: 'busy',
    });
    await repositories.orders.insertOrderForHold(
      {
        id: randomUUID(),
        organizationId,
        offerId: offer.id,
        holdId: paid.holdId,
        showId: null,
        shopperId: 'cy',
        email: 'cy@example.com',
        name: 'Cy',
        address: '{}',
        quantity: 1,
        amountMinor: 1900,
        totalMinor: 1900,
        currency: 'EUR',
        status: 'paid',
        fulfilmentStatus: 'unfulfilled',
        fulfilmentRegionId: null,
        paymentProvider: 'sandbox',
        paymentReference: 'ref',
        offerCode: null,
        trafficSource: null,
        packedAt: null,
        shippedAt: null,
        deliveredAt: null,
        createdAt: now,
        updatedAt: now,
      },
      now,
    );

    clock.advance(ttlMs);
    await store.sweep();
    expect(await store.counts(offer.id)).toMatchObject({ held: 2, available: 1 });
    await store.stop();
    expect((await repositories.holds.findHold(lapsed.holdId))?.status).toBe('expired');

    // Five minutes past their deadline, pinned holds are settled from the database.
    clock.advance(5 * 60_000);
    await store.sweep();
    expect(await store.counts(offer.id)).toMatchObject({ held: 1, sold: 1 });
    expect(await store.hold(abandoned.holdId)).toMatchObject({ state: 'held' });
    await store.sweep();
    expect(await store.counts(offer.id)).toMatchObject({ held: 0, sold: 1, available: 2 });
  });

  it('returns the units of a payment stuck when its offer closed to the catalog', async () => {
    const { prefix } = usePrefix();
    const offer = await createOffer({ reserved: 2 });
    const returned: Array<[string, string, number]> = [];
    const store = storeOn(prefix, {
      returnUnsold: async (organization, offerId, units) => {
        returned.push([organization, offerId, units]);
      },
    });
    await store.open(offer);
    const stuck = await store.claim(offer.id, claimOf('ada', 1, null));
    if (!stuck?.ok) throw new Error('claim refused');
    expect(await store.beginCheckout(stuck.holdId, clock.now().getTime())).toMatchObject({
      ok: true,
    });
    // The paying process dies; the offer closes meanwhile (the pinned hold stays).
    expect(await store.close(offer.id)).toEqual({ unsold: 1, unsoldByMarket: {} });
    clock.advance(ttlMs + 5 * 60_000);
    await store.sweep();
    expect(returned).toEqual([[organizationId, offer.id, 1]]);
    expect(await store.counts(offer.id)).toMatchObject({ reserved: 0, held: 0, sold: 0 });
  });

  it('sweeps expired holds on its own once started, and writes them before stopping', async () => {
    const { prefix } = usePrefix();
    const offer = await createOffer({ reserved: 1 });
    const store = storeOn(prefix, { sweepIntervalMs: 10 });
    await store.open(offer);
    const held = await store.claim(offer.id, claimOf('ada'));
    if (!held?.ok) throw new Error('claim refused');

    clock.advance(ttlMs);
    store.start();
    await vi.waitFor(async () => {
      expect(await store.counts(offer.id)).toMatchObject({ held: 0, available: 1 });
    });
    await store.stop();
    expect((await repositories.holds.findHold(held.holdId))?.status).toBe('expired');
  });

  it('closes: open holds end, unsold units leave, and the keys expire later', async () => {
    const { prefix } = usePrefix();
    const offer = await createOffer({ reserved: 4 });
    const store = storeOn(prefix);
    await store.open(offer);
    const open = await store.claim(offer.id, claimOf('ada'));
    const paying = await store.claim(offer.id, claimOf('bob', 2));
    if (!open?.ok || !paying?.ok) throw new Error('claims refused');
    await store.beginCheckout(paying.holdId, clock.now().getTime());

    expect(await store.close(offer.id)).toEqual({ unsold: 2, unsoldByMarket: {} });
    expect(await store.claim(offer.id, claimOf('cy'))).toEqual({ ok: false, code: 'closed' });
    expect(await store.joinWaitlist(offer.id, 'cy', 1, null)).toEqual({
      ok: false,
      code: 'closed',
    });
    // The payment failed after closing: its units leave the offer too.
    expect(await store.abortCheckout(paying.holdId)).toBe(2);
    expect(await store.counts(offer.id)).toMatchObject({ reserved: 0, held: 0, status: 'closed' });
    const ttl = await redis.ttl(offerKeys(prefix, offer.id).state);
    expect(ttl).toBeGreaterThan(6 * 24 * 3600);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
    await store.stop();
    expect((await repositories.holds.findHold(open.holdId))?.status).toBe('released');
    expect(await store.close(randomUUID())).toBeNull();
  });

  it('answers missing for unknown and malformed hold ids', async () => {
    const store = storeOn(usePrefix().prefix);
    const now = clock.now().getTime();
    expect(await store.beginCheckout('not-a-uuid', now)).toEqual({ ok: false, reason: 'missing' });
    expect(await store.beginCheckout(randomUUID(), now)).toEqual({ ok: false, reason: 'missing' });
    expect(await store.releaseHold(randomUUID(), now)).toBe(false);
    expect(await store.hold(randomUUID())).toBeUndefined();
    expect(await store.claim(randomUUID(), claimOf('ada'))).toBeUndefined();
  });
});
