import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { skipWithout } from './require-service.js';

export const redisUrl = process.env.MYDROP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A connection that fails at once instead of retrying, for probing and cleaning up. */
function connectOnce(): Redis {
  return new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
}

/** Undefined when Redis answers, else why not. */
export async function checkRedis(): Promise<string | undefined> {
  const redis = connectOnce();
  // Without a listener ioredis reports the refused connection as an unhandled error event.
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return `cannot reach ${redisUrl.replace(/\/\/[^@]*@/, '//')}: ${(error as Error).message}`;
  } finally {
    redis.disconnect();
  }
}

/** For `describe.skipIf`: true when Redis is unreachable; throws instead when it is required. */
export async function skipWithoutRedis(): Promise<boolean> {
  const problem = await checkRedis();
  return skipWithout('Redis', problem === undefined, problem ?? '');
}

/**
 * A key namespace of its own for one test (or one group of processes under test), so tests
 * share a Redis server without seeing each other's keys. `drop()` deletes every key under it
 * and leaves the prefix usable (a test may use it to wipe the store's state).
 */
export function createRedisPrefix(): { prefix: string; drop(): Promise<void> } {
  const prefix = `mydrop-test:${randomBytes(6).toString('hex')}:`;
  return {
    prefix,
    async drop() {
      const redis = connectOnce();
      try {
        await redis.connect();
        const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
          if (keys.length > 0) await redis.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
