import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { liveOffer } from '../../../test/support/drops.js';
import {
  type DropsRepositories,
  dropsRepositoriesOn,
} from '../../../test/support/drops-repositories.js';
import { createTemporaryDatabase, skipWithoutPostgres } from '../../../test/support/postgres.js';
import { createRedisPrefix, redisUrl, skipWithoutRedis } from '../../../test/support/redis.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../../../test/support/test-app.js';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../db/database.js';
import { buildApp } from '../../http/app.js';
import { ManualClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { createServices } from '../../services.js';
import { HoldJournal, type JournalWaitingEntry } from './hold-journal.js';
import type { HoldsRepository } from './holds.repository.js';
import type { StoreClaimOutcome } from './offer-store.js';
import { RedisOfferStore } from './redis-offer-store.js';

const skip = (await skipWithoutPostgres()) || (await skipWithoutRedis());

/**
 * Issue 3: "When sold out, shoppers may join a waitlist; released units go to the next in line"
 * and "with REDIS_URL ... PostgreSQL stays the record". Each RedisOfferStore below stands for
 * one server process; they share a PostgreSQL database and a Redis key prefix. Dropping the
 * prefix's keys is Redis losing the offers (a restart without persistence, a flush).
 */
describe.skipIf(skip)('the waitlist on Redis, with PostgreSQL as the record', () => {
  const clock = new ManualClock('2026-11-22T18:00:00Z');
  let database: Awaited<ReturnType<typeof createTemporaryDatabase>>;
  let context: TestContext;
  let acme: SeededOrganization;
  let repositories: DropsRepositories;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    database = await createTemporaryDatabase();
    context = await createTestContext({ clock, databaseUrl: database.url });
    acme = await seedOrganization(context, 'Acme');
    repositories = dropsRepositoriesOn(context.database.db);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await context?.close();
    await database?.drop();
  });

  function usePrefix() {
    const namespace = createRedisPrefix();
    cleanups.push(() => namespace.drop());
    return namespace;
  }

  /** A server process on the shared database and Redis prefix, with its own connection. */
  async function startProcess(
    prefix: string,
    options: { journal?: HoldJournal; holds?: HoldsRepository } = {},
  ) {
    const holds = options.holds ?? repositories.holds;
    const journal = options.journal ?? new HoldJournal({ holds, clock });
    const redis = new Redis(redisUrl);
    const store = new RedisOfferStore({ redis, prefix, ...repositories, holds, journal, clock });
    cleanups.push(async () => {
      await store.stop().catch(() => {});
      await redis.quit();
    });
    await store.recover();
    return { store, journal };
  }

  /** An offer on sale, made through the API (whose embedded store is not used afterwards). */
  async function offerOnSale(units: number) {
    const { offerId } = await liveOffer(context.app, acme, { units });
    cleanups.push(() =>
      context.database.db
        .updateTable('offers')
        .set({ status: 'closed' })
        .where('id', '=', offerId)
        .execute(),
    );
    return offerId;
  }

  async function claimHold(store: RedisOfferStore, offerId: string, shopperId: string) {
    const outcome = (await store.claim(offerId, {
      shopperId,
      quantity: 1,
      idempotencyKey: null,
      offerCode: null,
      trafficSource: null,
      market: null,
      now: clock.now().getTime(),
    })) as StoreClaimOutcome;
    if (!outcome.ok) throw new Error(`claim refused: ${outcome.code}`);
    return outcome.holdId;
  }

  const waitlistRows = (offerId: string) =>
    context.database.db
      .selectFrom('waitlist')
      .selectAll()
      .where('offerId', '=', offerId)
      .orderBy('queueOrder')
      .execute();

  it('brings every acknowledged join back in order after Redis lost the keys, and serves the first', async () => {
    const namespace = usePrefix();
    const offerId = await offerOnSale(1);
    const first = await startProcess(namespace.prefix);
    const annHold = await claimHold(first.store, offerId, 'ann');
    for (const [index, shopper] of ['ben', 'cy', 'dee'].entries()) {
      expect(await first.store.joinWaitlist(offerId, shopper, 1, null)).toEqual({
        ok: true,
        position: index + 1,
      });
    }

    await namespace.drop();
    const second = await startProcess(namespace.prefix);
    expect(await second.store.counts(offerId)).toMatchObject({ held: 1, waitlist: 3 });
    expect(await second.store.standing(offerId, 'cy')).toEqual({ position: 2 });
    expect(await second.store.releaseHold(annHold, clock.now().getTime())).toBe(true);
    const served = await second.store.standing(offerId, 'ben');
    expect(served).toHaveProperty('holdId');
    const benHold = (served as { holdId: string }).holdId;
    expect(await second.store.standing(offerId, 'cy')).toEqual({ position: 1 });
    await second.journal.drain();
    expect((await waitlistRows(offerId)).map((row) => [row.shopperId, row.status])).toEqual([
      ['ben', 'served'],
      ['cy', 'waiting'],
      ['dee', 'waiting'],
    ]);
    expect((await waitlistRows(offerId))[0]?.holdId).toBe(benHold);

    // Lost again: Ben keeps his hold and is not served twice; a newcomer goes after Dee.
    await namespace.drop();
    const third = await startProcess(namespace.prefix);
    expect(await third.store.counts(offerId)).toMatchObject({ held: 1, waitlist: 2 });
    expect(await third.store.standing(offerId, 'ben')).toMatchObject({ holdId: benHold });
    expect(await third.store.joinWaitlist(offerId, 'eve', 1, null)).toEqual({
      ok: true,
      position: 3,
    });
    const rows = await waitlistRows(offerId);
    expect(rows.filter((row) => row.status === 'waiting').map((row) => row.shopperId)).toEqual([
      'cy',
      'dee',
      'eve',
    ]);
  });

  it('rebuilds the line at the first join after Redis lost the keys, without a restart', async () => {
    const namespace = usePrefix();
    const offerId = await offerOnSale(1);
    const process = await startProcess(namespace.prefix);
    await claimHold(process.store, offerId, 'ann');
    await process.store.joinWaitlist(offerId, 'ben', 1, null);
    await namespace.drop();
    expect(await process.store.joinWaitlist(offerId, 'cy', 1, null)).toEqual({
      ok: true,
      position: 2,
    });
    expect(await process.store.standing(offerId, 'ben')).toEqual({ position: 1 });
  });

  it('does not acknowledge a join whose write fails, and keeps no place for it', async () => {
    const namespace = usePrefix();
    const offerId = await offerOnSale(1);
    let failWrites = false;
    const flaky = Object.create(repositories.holds) as HoldsRepository;
    flaky.writeHoldBatch = (...args) =>
      failWrites
        ? Promise.reject(new Error('disk full'))
        : repositories.holds.writeHoldBatch(...args);
    const process = await startProcess(namespace.prefix, { holds: flaky });
    const annHold = await claimHold(process.store, offerId, 'ann');

    failWrites = true;
    await expect(process.store.joinWaitlist(offerId, 'ben', 1, null, 'ben-1')).rejects.toThrow(
      'disk full',
    );
    expect(await process.store.counts(offerId)).toMatchObject({ waitlist: 0 });
    expect(await process.store.standing(offerId, 'ben')).toBeUndefined();
    failWrites = false;
    // The key's answer was forgotten with the entry: the retry joins afresh.
    expect(await process.store.joinWaitlist(offerId, 'ben', 1, null, 'ben-1')).toEqual({
      ok: true,
      position: 1,
    });
    expect(await waitlistRows(offerId)).toMatchObject([
      { shopperId: 'ben', idempotencyKey: 'ben-1', joinedPosition: 1, status: 'waiting' },
    ]);
    expect(await process.store.releaseHold(annHold, clock.now().getTime())).toBe(true);
    expect(await process.store.standing(offerId, 'ben')).toHaveProperty('holdId');
  });

  it('answers a retried join with its first answer and adds no entry, also after Redis lost the keys', async () => {
    const namespace = usePrefix();
    const offerId = await offerOnSale(1);
    const first = await startProcess(namespace.prefix);
    const annHold = await claimHold(first.store, offerId, 'ann');
    const join = (store: RedisOfferStore, shopper: string, key: string) =>
      store.joinWaitlist(offerId, shopper, 1, null, key);
    expect(await join(first.store, 'ben', 'ben-1')).toEqual({ ok: true, position: 1 });
    expect(await join(first.store, 'cy', 'cy-1')).toEqual({ ok: true, position: 2 });
    expect(await join(first.store, 'ben', 'ben-1')).toEqual({ ok: true, position: 1 });
    expect(await first.store.counts(offerId)).toMatchObject({ waitlist: 2 });

    await namespace.drop();
    const second = await startProcess(namespace.prefix);
    expect(await join(second.store, 'cy', 'cy-1')).toEqual({ ok: true, position: 2 });
    expect(await second.store.counts(offerId)).toMatchObject({ waitlist: 2 });
    // Served, then retried: the first answer again, and no second wait.
    await second.store.releaseHold(annHold, clock.now().getTime());
    expect(await join(second.store, 'ben', 'ben-1')).toEqual({ ok: true, position: 1 });
    expect(await second.store.counts(offerId)).toMatchObject({ held: 1, waitlist: 1 });
    await second.journal.drain();
    expect((await waitlistRows(offerId)).map((row) => [row.shopperId, row.status])).toEqual([
      ['ben', 'served'],
      ['cy', 'waiting'],
    ]);
  });

  it('records a wait another process served before the join was written', async () => {
    const namespace = usePrefix();
    const offerId = await offerOnSale(1);
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    class SlowJournal extends HoldJournal {
      override async joined(entry: JournalWaitingEntry): Promise<void> {
        await gate;
        return super.joined(entry);
      }
    }
    const joining = await startProcess(namespace.prefix, {
      journal: new SlowJournal({ holds: repositories.holds, clock }),
    });
    const serving = await startProcess(namespace.prefix);
    const annHold = await claimHold(serving.store, offerId, 'ann');
    const answer = joining.store.joinWaitlist(offerId, 'ben', 1, null);
    await vi.waitFor(async () =>
      expect(await serving.store.counts(offerId)).toMatchObject({ waitlist: 1 }),
    );
    // Ann's unit goes to Ben on the other process while Ben's row is still being written.
    await serving.store.releaseHold(annHold, clock.now().getTime());
    const benHold = ((await serving.store.standing(offerId, 'ben')) as { holdId: string }).holdId;
    open();
    expect(await answer).toEqual({ ok: true, position: 1 });
    await joining.journal.drain();
    expect(await waitlistRows(offerId)).toMatchObject([
      { shopperId: 'ben', status: 'served', holdId: benHold },
    ]);
    // Lost and rebuilt: Ben holds his unit and is not in line again.
    await namespace.drop();
    const restarted = await startProcess(namespace.prefix);
    expect(await restarted.store.counts(offerId)).toMatchObject({ held: 1, waitlist: 0 });
  });

  it('writes the join of a process that died before writing it when the shopper retries', async () => {
    const namespace = usePrefix();
    const offerId = await offerOnSale(1);
    class DyingJournal extends HoldJournal {
      override joined(): Promise<void> {
        return new Promise<void>(() => {});
      }
    }
    const dying = await startProcess(namespace.prefix, {
      journal: new DyingJournal({ holds: repositories.holds, clock }),
    });
    const other = await startProcess(namespace.prefix);
    await claimHold(other.store, offerId, 'ann');
    void dying.store.joinWaitlist(offerId, 'ben', 1, null, 'ben-1');
    await vi.waitFor(async () =>
      expect(await other.store.counts(offerId)).toMatchObject({ waitlist: 1 }),
    );
    expect(await other.store.joinWaitlist(offerId, 'ben', 1, null, 'ben-1')).toEqual({
      ok: true,
      position: 1,
    });
    expect(await waitlistRows(offerId)).toMatchObject([
      { shopperId: 'ben', status: 'waiting', idempotencyKey: 'ben-1', queueOrder: 1 },
    ]);
  });
});

/**
 * The public join route with an Idempotency-Key, the same on both offer stores: a retry (a
 * shopper's flaky connection, an overlay re-sending) gets the first answer and never a second
 * place in line, also after a restart.
 */
describe.skipIf(skip).each([
  { name: 'embedded', redis: false },
  { name: 'Redis', redis: true },
])('the public waitlist join with an Idempotency-Key, on the $name store', ({ redis }) => {
  const clock = new ManualClock('2026-11-22T18:00:00Z');
  let database: Awaited<ReturnType<typeof createTemporaryDatabase>>;
  let handle: DatabaseHandle;
  let acme: SeededOrganization;
  const namespace = createRedisPrefix();
  const stops: Array<() => Promise<unknown>> = [];

  /** One server process: the app and its offer store on the shared database. */
  async function startServer(): Promise<TestContext> {
    const connection = redis ? new Redis(redisUrl) : undefined;
    const services = createServices({
      db: handle.db,
      clock,
      secret: 'waitlist-test-secret-0123456789abcdef',
      passwordCost: { N: 1024, r: 8, p: 1 },
      ...(connection
        ? {
            offerStore: (deps) =>
              new RedisOfferStore({ ...deps, redis: connection, prefix: namespace.prefix }),
          }
        : {}),
    });
    await services.offerStore.recover();
    const app = await buildApp({
      services,
      logger: createLogger('silent'),
      baseUrl: 'http://localhost:3000',
      trustProxy: false,
      pingDatabase: handle.ping,
      version: 'test',
    });
    await app.ready();
    const close = async () => {
      await app.close();
      await services.offerStore.stop();
      await services.scheduler.stop();
      await connection?.quit();
    };
    stops.push(close);
    return { app, services, database: handle, close };
  }

  beforeAll(async () => {
    database = await createTemporaryDatabase();
    handle = await openDatabase({ databaseUrl: database.url });
    await migrateToLatest(handle.db);
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await handle?.close();
    await database?.drop();
    await namespace.drop();
  });

  const join = (server: TestContext, offerId: string, shopper: string, key?: string) =>
    server.app.inject({
      method: 'POST',
      url: `/api/v1/public/offers/${offerId}/waitlist`,
      headers: key === undefined ? {} : { 'idempotency-key': key },
      payload: { shopper },
    });

  it('answers a retry with the first answer and keeps one entry, through a restart', async () => {
    const first = await startServer();
    acme = await seedOrganization(first, 'Acme');
    const { offerId } = await liveOffer(first.app, acme, { units: 1 });
    const claimed = await first.app.inject({
      method: 'POST',
      url: `/api/v1/public/offers/${offerId}/claims`,
      payload: { shopper: 'ann' },
    });
    expect(claimed.statusCode).toBe(201);

    const joined = await join(first, offerId, 'ben', 'ben-join-1');
    expect(joined.statusCode).toBe(201);
    expect(joined.json()).toEqual({ position: 1 });
    expect((await join(first, offerId, 'cy', 'cy-join-1')).json()).toEqual({ position: 2 });
    const retried = await join(first, offerId, 'ben', 'ben-join-1');
    expect(retried.statusCode).toBe(201);
    expect(retried.json()).toEqual({ position: 1 });
    // Without a key, every join is a new one (the shopper is in line twice).
    expect((await join(first, offerId, 'dee')).json()).toEqual({ position: 3 });

    if (redis) await namespace.drop();
    const second = await startServer();
    const afterRestart = await join(second, offerId, 'ben', 'ben-join-1');
    expect(afterRestart.statusCode).toBe(201);
    expect(afterRestart.json()).toEqual({ position: 1 });
    const rows = await handle.db
      .selectFrom('waitlist')
      .select(['shopperId', 'idempotencyKey', 'joinedPosition'])
      .where('offerId', '=', offerId)
      .orderBy('queueOrder')
      .execute();
    expect(rows).toEqual([
      { shopperId: 'ben', idempotencyKey: 'ben-join-1', joinedPosition: 1 },
      { shopperId: 'cy', idempotencyKey: 'cy-join-1', joinedPosition: 2 },
      { shopperId: 'dee', idempotencyKey: null, joinedPosition: 3 },
    ]);
    const standing = await second.app.inject({
      url: `/api/v1/public/offers/${offerId}/waitlist/dee`,
    });
    expect(standing.json()).toEqual({ position: 3 });
  });

  it('refuses an empty key, naming the header, and adds no entry', async () => {
    const server = await startServer();
    const org = await seedOrganization(server, `Brand ${redis ? 'R' : 'E'}`);
    const { offerId } = await liveOffer(server.app, org, { units: 1 });
    const refused = await join(server, offerId, 'ben', '');
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('idempotency-key');
    expect((await server.services.offerStore.counts(offerId))?.waitlist).toBe(0);
  });
});
