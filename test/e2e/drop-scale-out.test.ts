import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoFile } from '../../src/modules/demo/index.js';
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
  const secret = 'scale-out-test-secret-0123456789abcdef';

  beforeAll(async () => {
    database = await createTemporaryDatabase();
    redisPrefix = await createRedisPrefix();
    const shared = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      MYDROP_REDIS_PREFIX: redisPrefix.prefix,
      MYDROP_SECRET: secret,
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

  it('loses no acknowledged hold when a process is killed mid-drop; the others sell on', async () => {
    const demo = readDemo(dataDir);
    const offerId = await liveOfferThrough(servers[0] as ServerProcess, demo, 100);
    const offerPath = `/api/v1/public/offers/${offerId}`;
    const acknowledged = new Map<string, string>();
    let killed = false;
    let next = 0;

    // Each shopper claims on a process; a dropped connection is retried with the same key on
    // the next one, as a load balancer does.
    async function shop(index: number): Promise<void> {
      const shopper = `crash-shopper-${index}`;
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const server = servers[(index + attempt) % 3] as ServerProcess;
        try {
          const response = await fetch(`${server.url}${offerPath}/claims`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': `k-${shopper}` },
            body: JSON.stringify({ shopper, quantity: 1 }),
          });
          if (response.status === 201) {
            acknowledged.set(shopper, ((await response.json()) as { holdId: string }).holdId);
          }
          return;
        } catch {
          // the process is gone: next one
        }
      }
    }
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < 1500) {
          const index = next++;
          await shop(index);
          if (!killed && acknowledged.size >= 30) {
            killed = true;
            (servers[1] as ServerProcess).child.kill('SIGKILL');
          }
        }
      }),
    );
    expect(killed).toBe(true);
    expect(await (servers[1] as ServerProcess).exited).toBe(null);
    expect(new Set(acknowledged.values()).size).toBe(100);

    // A new process takes the dead one's place; every acknowledged hold can be paid.
    servers[1] = await startServerProcess({
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      MYDROP_REDIS_PREFIX: redisPrefix.prefix,
      MYDROP_SECRET: secret,
      MYDROP_DATA_DIR: temporaryDataDir(),
      MYDROP_DEMO: '0',
    });
    const paid = await inParallel([...acknowledged.values()], 16, async (holdId, i) => {
      const server = servers[i % 3] as ServerProcess;
      const response = await fetch(`${server.url}/api/v1/public/holds/${holdId}/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payWith('pm_card_visa')),
      });
      return response.status;
    });
    expect(paid.filter((status) => status === 201)).toHaveLength(100);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const counts = await client.query(
        `select (select count(*)::int from orders where offer_id = $1 and status = 'paid') as orders,
                sold_units, reserved_units
         from offers where id = $1`,
        [offerId],
      );
      expect(counts.rows[0]).toEqual({ orders: 100, sold_units: 100, reserved_units: 100 });
    } finally {
      await client.end();
    }
  }, 240_000);
});

/** Creates, approves, arms and opens a single-SKU offer through the API with the demo token. */
async function liveOfferThrough(server: ServerProcess, demo: DemoFile, units: number) {
  const api = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demo.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  };
  const brandId = demo.organizations[0]?.brands[0]?.id;
  const product = await api('/api/v1/products', {
    brandId,
    title: 'Crash drop serum',
    skus: [{ code: 'CRASH-1', priceMinor: 2900, currency: 'EUR', stockOnHand: units }],
  });
  const offer = await api('/api/v1/offers', {
    brandId,
    title: 'Crash drop',
    kind: 'single_sku',
    components: [{ skuId: product.skus[0].id, quantity: 1 }],
    priceMinor: 1900,
    currency: 'EUR',
    codes: ['CRASHDROP'],
  });
  await api(`/api/v1/offers/${offer.id}/approve`, {});
  await api(`/api/v1/offers/${offer.id}/arm`, { units });
  await api(`/api/v1/offers/${offer.id}/go-live`, {});
  return offer.id as string;
}
