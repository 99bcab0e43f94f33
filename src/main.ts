import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { type DatabaseHandle, migrateToLatest, openDatabase } from './db/database.js';
import { buildApp } from './http/app.js';
import { systemClock } from './lib/clock.js';
import { createLogger } from './lib/logger.js';
import { createDemoWorkspace, readDemoFile, writeDemoFile } from './modules/demo/index.js';
import { RedisOfferStore } from './modules/drops/index.js';
import { createServices, type Services } from './services.js';

/** Composition root: config -> database -> migrations -> services -> HTTP server. */
export interface RunningMydrop {
  app: FastifyInstance;
  url: string;
  services: Services;
  database: DatabaseHandle;
  stop(): Promise<void>;
}

export const version: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;

export async function openMydropDatabase(config: Config): Promise<DatabaseHandle> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pgliteThread: config.pgliteThread,
  });
  await migrateToLatest(database.db);
  return database;
}

export async function startMydrop(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningMydrop> {
  const database = await openMydropDatabase(config);
  // With REDIS_URL, offers are shared with the other server processes through Redis.
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const services = createServices({
    db: database.db,
    databaseOffThread: database.offThread,
    databasePipelined: database.pipelined,
    clock: systemClock,
    secret: config.secret,
    logger,
    stripe: config.stripe,
    sandboxPayments: config.sandboxPayments,
    mail: config.mail,
    baseUrl: config.baseUrl,
    dropBenchResults: config.dropBenchResults,
    expectedCrowd: config.expectedCrowd,
    ...(redis
      ? {
          offerStore: (deps) => new RedisOfferStore({ ...deps, redis, prefix: config.redisPrefix }),
        }
      : {}),
  });
  // Books of armed and live offers come back before the first request: holds, sales, expiries.
  await services.offerStore.recover();
  services.offerStore.start();
  await services.offers.scheduleWindowCloses();
  const reserveSweeper = setInterval(() => {
    services.offers.releaseExpiredReserves().catch((error: unknown) => {
      logger.error({ err: error }, 'returning expired reserves failed');
    });
  }, 10_000);
  reserveSweeper.unref();
  const stockWatcher = setInterval(() => {
    services.stockWatch.check().catch((error: unknown) => {
      logger.error({ err: error }, 'checking stock thresholds failed');
    });
  }, 2_000);
  stockWatcher.unref();
  // Payments left `charging` by a crash or a provider timeout: refunded if no order came of them.
  const sweepPayments = () => {
    services.paymentReconciler.sweep().catch((error: unknown) => {
      logger.error({ err: error }, 'settling checkout payments failed');
    });
  };
  sweepPayments();
  const paymentSweeper = setInterval(sweepPayments, 30_000);
  paymentSweeper.unref();

  if (config.demoOnFirstStart && !(await services.organizations.hasAnyOrganization())) {
    logger.info('empty database: creating the demo workspace');
    await createDemoWorkspace(services, { baseUrl: config.baseUrl, dataDir: config.dataDir });
  }

  const app = await buildApp({
    services,
    logger,
    baseUrl: config.baseUrl,
    trustProxy: config.trustProxy,
    pingDatabase: async () => {
      await database.ping();
      await redis?.ping();
    },
    collectDatabaseAnswers: database.collectAnswers,
    version,
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.baseUrl.replace(/:\d+$/, `:${port}`);
  // Reminders, escalations, webhook deliveries and e-mail, including those that came due
  // while the server was down.
  services.scheduler.start();

  const demo = readDemoFile(config.dataDir);
  if (demo && demo.baseUrl !== url && config.baseUrl.startsWith('http://localhost')) {
    writeDemoFile(config.dataDir, { ...demo, baseUrl: url });
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(reserveSweeper);
      clearInterval(stockWatcher);
      clearInterval(paymentSweeper);
      await app.close();
      await services.offerStore.stop();
      await services.scheduler.stop();
      await redis?.quit();
      await database.close();
    })();
    return stopping;
  };
  return { app, url, services, database, stop };
}

/** Connects before serving, so a wrong REDIS_URL stops the start with a clear message. */
async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  // Auto-pipelining sends the scripts of concurrent claims in one write per turn of the event
  // loop instead of one each: in a drop hundreds are in flight at once.
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
  });
  // The URL may carry a password: log where it points, never the URL itself.
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`REDIS_URL: cannot connect to Redis (${(error as Error).message})`);
  }
  return redis;
}
