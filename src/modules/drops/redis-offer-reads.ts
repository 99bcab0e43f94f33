import type { Redis } from 'ioredis';
import type { OfferStatus } from './offer-book.types.js';
import type { Standing, StoreCounts } from './offer-store.js';
import { offerKeys, type StoredHold, type StoredPool } from './redis-offer-keys.js';

/**
 * Reads of the Redis offer store that decide nothing, so they need no script: a pipeline (the
 * counts of many offers in one round trip) or a transaction (one consistent view).
 */

export async function readCounts(
  redis: Redis,
  prefix: string,
  offerIds: readonly string[],
): Promise<Map<string, StoreCounts>> {
  const pipeline = redis.pipeline();
  for (const offerId of offerIds) {
    const keys = offerKeys(prefix, offerId);
    pipeline.hmget(keys.state, 'status', 'reserved', 'held', 'sold', 'markets').llen(keys.wait);
  }
  const results = valuesOf(await pipeline.exec());
  const answer = new Map<string, StoreCounts>();
  offerIds.forEach((offerId, index) => {
    const state = results[index * 2] as Array<string | null>;
    const counts = countsOf(state, results[index * 2 + 1] as number);
    if (counts) answer.set(offerId, counts);
  });
  return answer;
}

/** The shopper's open hold or place in the waitlist, both seen at the same moment. */
export async function readStanding(
  redis: Redis,
  prefix: string,
  offerId: string,
  shopperId: string,
): Promise<Standing | undefined> {
  const keys = offerKeys(prefix, offerId);
  const [holds, waitlist] = valuesOf(
    await redis.multi().hgetall(keys.holds).lrange(keys.wait, 0, -1).exec(),
  );
  return standingOf(
    (holds ?? {}) as Record<string, string>,
    (waitlist ?? []) as string[],
    shopperId,
  );
}

function valuesOf(results: Array<[Error | null, unknown]> | null): unknown[] {
  return (results ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/**
 * Counts from HMGET state status reserved held sold markets and LLEN wait; undefined without
 * state.
 */
function countsOf(state: ReadonlyArray<string | null>, waitlist: number): StoreCounts | undefined {
  const [status, reserved, held, sold, markets] = state.map((value) => value ?? null);
  if (!status) return undefined;
  const counts = { reserved: Number(reserved), held: Number(held), sold: Number(sold) };
  const pools = markets ? (JSON.parse(markets) as Record<string, StoredPool>) : {};
  return {
    status: status as OfferStatus,
    ...counts,
    available: counts.reserved - counts.held - counts.sold,
    waitlist,
    markets: Object.entries(pools)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([market, pool]) => ({
        market,
        released: pool.x,
        reserved: pool.r,
        available: pool.r - pool.h - pool.s,
        held: pool.h,
        sold: pool.s,
      })),
  };
}

/**
 * Where a shopper stands, from HGETALL holds and LRANGE wait. A shopper with several holds gets
 * the oldest (a hash keeps no insertion order, unlike the book's map).
 */
function standingOf(
  holds: Record<string, string>,
  waitlist: readonly string[],
  shopperId: string,
): Standing | undefined {
  let oldest: { holdId: string; createdAt: number; expiresAt: number } | undefined;
  for (const [holdId, encoded] of Object.entries(holds)) {
    const hold = JSON.parse(encoded) as StoredHold;
    if (hold.s !== shopperId || (oldest && oldest.createdAt <= hold.c)) continue;
    oldest = { holdId, createdAt: hold.c, expiresAt: hold.e };
  }
  if (oldest) return { holdId: oldest.holdId, expiresAt: oldest.expiresAt };
  const index = waitlist.findIndex((entry) => waitingShopper(entry) === shopperId);
  return index >= 0 ? { position: index + 1 } : undefined;
}

/** The shopper of a waitlist entry '<id>|<quantity>|<market>|<shopper>' (the scripts' format). */
function waitingShopper(entry: string): string {
  let at = -1;
  for (let bar = 0; bar < 3; bar++) at = entry.indexOf('|', at + 1);
  return entry.slice(at + 1);
}
