import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DropsRepositories,
  dropsRepositoriesOn,
} from '../../../test/support/drops-repositories.js';
import { createRedisPrefix, redisUrl, skipWithoutRedis } from '../../../test/support/redis.js';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../db/database.js';
import { ManualClock } from '../../lib/clock.js';
import { EmbeddedOfferStore } from './embedded-offer-store.js';
import { HoldJournal } from './hold-journal.js';
import type { OfferStore, StoreClaimRequest } from './offer-store.js';
import { RedisOfferStore } from './redis-offer-store.js';
import { unknownCodeWarningEveryMs } from './unknown-code-warnings.js';

const skipRedis = await skipWithoutRedis();

/** Warnings a store logged, as pino hands them to its destination. */
function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'warn' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}

/**
 * A claim's offer code is attribution only when it is one of the offer's own codes; any other
 * code still gets the shopper their hold (a misconfigured overlay must not lose a drop), and
 * operations get a rate-limited warning. Both stores keep the same rule.
 */
describe('offer codes on claims', () => {
  const clock = new ManualClock('2026-03-01T12:00:00Z');
  let database: DatabaseHandle;
  let repositories: DropsRepositories;
  let organizationId: string;
  let brandId: string;
  let redis: Redis | undefined;
  const prefixes: Array<{ drop(): Promise<void> }> = [];

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
    if (!skipRedis) redis = new Redis(redisUrl);
  });

  afterAll(async () => {
    for (const prefix of prefixes) await prefix.drop();
    await redis?.quit();
    await database?.close();
  });

  async function liveOfferWithCodes(codes: string[]) {
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
        perBuyerLimit: null,
        holdTtlSeconds: 600,
        lowStockThreshold: 0,
        urgencyRule: 'null',
        startsAt: null,
        endsAt: null,
        endsWithStream: false,
        fallbackOfferId: null,
        substitutions: '[]',
        termsHash: 'terms',
        approvedTermsHash: 'terms',
        reservedUnits: 20,
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
      codes.map((code) => ({ organizationId, offerId: id, code })),
    );
    const row = await repositories.offers.findOfferById(id);
    if (!row) throw new Error('the offer was not written');
    return row;
  }

  const claimWith = (shopperId: string, offerCode: string | null): StoreClaimRequest => ({
    shopperId,
    quantity: 1,
    idempotencyKey: `${shopperId}-key`,
    offerCode,
    trafficSource: 'tiktok_live',
    market: null,
    now: clock.now().getTime(),
  });

  const stores: Array<{
    name: string;
    skip: boolean;
    create: (logger: pino.Logger) => OfferStore;
  }> = [
    {
      name: 'embedded',
      skip: false,
      create: (logger) =>
        new EmbeddedOfferStore({
          ...repositories,
          journal: new HoldJournal({ holds: repositories.holds, clock }),
          clock,
          logger,
        }),
    },
    {
      name: 'Redis',
      skip: skipRedis,
      create: (logger) => {
        const namespace = createRedisPrefix();
        prefixes.push(namespace);
        return new RedisOfferStore({
          redis: redis as Redis,
          prefix: namespace.prefix,
          ...repositories,
          journal: new HoldJournal({ holds: repositories.holds, clock }),
          clock,
          logger,
        });
      },
    },
  ];

  for (const { name, skip, create } of stores) {
    it.skipIf(skip)(
      `records the offer's own code, holds on an unknown one without it, and warns once a minute (${name})`,
      async () => {
        const { logger, lines } = recordingLogger();
        const store = create(logger);
        const offer = await liveOfferWithCodes([`GLOW${name}`, `ALT${name}`]);
        await store.open(offer);
        const holdOf = async (request: StoreClaimRequest) => {
          const outcome = await store.claim(offer.id, request);
          if (!outcome?.ok) throw new Error(`no hold: ${JSON.stringify(outcome)}`);
          return store.hold(outcome.holdId);
        };

        expect(await holdOf(claimWith('ana', `ALT${name}`))).toMatchObject({
          offerCode: `ALT${name}`,
          trafficSource: 'tiktok_live',
        });
        expect(await holdOf(claimWith('ben', null))).toMatchObject({ offerCode: null });
        for (const shopper of ['cat', 'dan', 'eve']) {
          expect(await holdOf(claimWith(shopper, 'OTHER19'))).toMatchObject({
            offerCode: null,
            trafficSource: 'tiktok_live',
          });
        }
        // A retry is not another unattributed hold.
        await holdOf(claimWith('eve', 'OTHER19'));
        const rows = await database.db
          .selectFrom('holds')
          .select(['shopperId', 'offerCode'])
          .where('offerId', '=', offer.id)
          .orderBy('shopperId')
          .execute();
        expect(rows.map((row) => [row.shopperId, row.offerCode])).toEqual([
          ['ana', `ALT${name}`],
          ['ben', null],
          ['cat', null],
          ['dan', null],
          ['eve', null],
        ]);

        const warnings = () => lines.filter((line) => line.offerId === offer.id);
        expect(warnings()).toEqual([
          expect.objectContaining({ level: 40, offerCode: 'OTHER19', unknownCodeHolds: 1 }),
        ]);
        clock.advance(unknownCodeWarningEveryMs);
        await holdOf(claimWith('fay', 'OTHER20'));
        expect(warnings()[1]).toMatchObject({
          offerCode: 'OTHER20',
          unknownCodeHolds: 4,
          sinceLastWarning: 3,
        });
        await store.stop();
      },
    );
  }
});
