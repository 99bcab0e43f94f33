import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payWith } from '../support/drops.js';
import { createTemporaryDatabase, skipWithoutPostgres } from '../support/postgres.js';
import { createRedisPrefix, redisUrl, skipWithoutRedis } from '../support/redis.js';
import {
  readDemo,
  type ServerProcess,
  startServerProcess,
  temporaryDataDir,
} from '../support/server-process.js';

const skip = (await skipWithoutPostgres()) || (await skipWithoutRedis());

/** Runs `work` over `items` with at most `limit` in flight, like browsers on a shared link. */
async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  }
  await Promise.all(Array.from({ length: limit }, () => lane()));
  return results;
}

/**
 * Three server processes share one PostgreSQL database and one Redis (REDIS_URL): the demo's
 * live offer of 200 units is claimed through all three at once, each retry landing on another
 * process than its first attempt. Exactly the reserved units are sold.
 */
describe.skipIf(skip)('a drop shared by three server processes through Redis', () => {
  const servers: ServerProcess[] = [];
  let database: Awaited<ReturnType<typeof createTemporaryDatabase>>;
  let redisPrefix: Awaited<ReturnType<typeof createRedisPrefix>>;
  const dataDir = temporaryDataDir();

  beforeAll(async () => {
    database = await createTemporaryDatabase();
    redisPrefix = await createRedisPrefix();
    const shared = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      MYDROP_REDIS_PREFIX: redisPrefix.prefix,
      MYDROP_SECRET: 'scale-out-test-secret-0123456789abcdef',
    };
    // The first creates the demo workspace; the others find it in the database.
    servers.push(await startServerProcess({ ...shared, MYDROP_DATA_DIR: dataDir }));
    for (let i = 0; i < 2; i += 1) {
      servers.push(
        await startServerProcess({
          ...shared,
          MYDROP_DATA_DIR: temporaryDataDir(),
          MYDROP_DEMO: '0',
        }),
      );
    }
  }, 240_000);

  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
    await redisPrefix?.drop();
    await database?.drop();
  });

  it('sells exactly the reserved units to 4,000 shoppers claiming through all three', async () => {
    const demo = readDemo(dataDir);
    const offerPath = `/api/v1/public/offers/${demo.liveOfferId}`;
    const shoppers = Array.from({ length: 4000 }, (_, i) => `scale-shopper-${i}`);
    // Every tenth shopper retries with the same key on the next process, as a load balancer
    // would send a retry after a dropped connection.
    const attempts = shoppers.flatMap((shopper, i) => {
      const first = { shopper, server: servers[i % 3] as ServerProcess };
      return i % 10 === 0
        ? [first, { shopper, server: servers[(i + 1) % 3] as ServerProcess }]
        : [first];
    });
    const answers = await inParallel(attempts, 256, async ({ shopper, server }) => {
      const response = await fetch(`${server.url}${offerPath}/claims`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `key-${shopper}` },
        body: JSON.stringify({ shopper, quantity: 1 }),
      });
      const body = (await response.json()) as { holdId?: string; error?: { code: string } };
      return { shopper, status: response.status, holdId: body.holdId, code: body.error?.code };
    });

    const won = answers.filter((answer) => answer.status === 201);
    const holdIds = new Set(won.map((answer) => answer.holdId));
    expect(holdIds.size).toBe(200);
    // A retry answers the first attempt's hold, whichever process decided it.
    const holdOf = new Map<string, string>();
    for (const answer of won) {
      const known = holdOf.get(answer.shopper);
      if (known) expect(answer.holdId).toBe(known);
      holdOf.set(answer.shopper, answer.holdId as string);
    }
    const refused = answers.filter((answer) => answer.status === 409);
    expect(new Set(refused.map((answer) => answer.code))).toEqual(new Set(['sold_out']));
    expect(won.length + refused.length).toBe(attempts.length);

    // Each hold is paid through another process than the one that gave it.
    const paid = await inParallel([...holdIds], 32, async (holdId, i) => {
      const server = servers[(i + 2) % 3] as ServerProcess;
      const response = await fetch(`${server.url}/api/v1/public/holds/${holdId}/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payWith('pm_card_visa')),
      });
      return response.status;
    });
    expect(paid.every((status) => status === 201)).toBe(true);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const counts = await client.query(
        `select (select count(*)::int from holds where offer_id = $1) as holds,
                (select count(*)::int from orders where offer_id = $1 and status = 'paid') as orders,
                sold_units, reserved_units
         from offers where id = $1`,
        [demo.liveOfferId],
      );
      expect(counts.rows[0]).toEqual({
        holds: 200,
        orders: 200,
        sold_units: 200,
        reserved_units: 200,
      });
    } finally {
      await client.end();
    }
    for (const server of servers) {
      const offer = await fetch(`${server.url}${offerPath}`);
      expect(await offer.json()).toMatchObject({ state: 'sold_out', stockLeft: 0 });
    }
  }, 240_000);
});
