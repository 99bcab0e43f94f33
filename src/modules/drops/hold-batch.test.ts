import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveOffer } from '../../../test/support/drops.js';
import { createTemporaryDatabase, skipWithoutPostgres } from '../../../test/support/postgres.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../../../test/support/test-app.js';
import type { NewRow } from '../../db/schema.js';
import { HoldsRepository } from './holds.repository.js';

/** The hold group commit is one statement; these are the cases that statement must get right. */
describe('a batch of hold writes', () => {
  let context: TestContext;
  let acme: SeededOrganization;
  let repository: HoldsRepository;
  let offerId: string;
  const endedAt = new Date('2026-11-22T18:05:00Z');

  beforeAll(async () => {
    context = await createTestContext();
    acme = await seedOrganization(context, 'Acme');
    repository = new HoldsRepository(context.database.db);
    ({ offerId } = await liveOffer(context.app, acme, { units: 5 }));
  });
  afterAll(() => context.close());

  const newHold = (shopperId: string): NewRow<'holds'> => ({
    id: randomUUID(),
    organizationId: acme.organizationId,
    offerId,
    shopperId,
    quantity: 1,
    status: 'held',
    idempotencyKey: `key-${shopperId}-${randomUUID()}`,
    offerCode: null,
    trafficSource: 'stream',
    market: null,
    createdAt: new Date('2026-11-22T18:00:00Z'),
    expiresAt: new Date('2026-11-22T18:10:00Z'),
  });
  const read = (id: string) =>
    context.database.db.selectFrom('holds').selectAll().where('id', '=', id).executeTakeFirst();

  it('inserts new holds, ends earlier ones, and ends a hold created in the same batch', async () => {
    const earlier = newHold('ann');
    await repository.writeHoldBatch([earlier], [], endedAt);
    expect(await read(earlier.id)).toMatchObject({ status: 'held', endedAt: null });

    const fresh = newHold('ben');
    const bornAndGone = newHold('cy');
    await repository.writeHoldBatch(
      [fresh, bornAndGone],
      [
        { id: earlier.id, status: 'expired' },
        { id: bornAndGone.id, status: 'released' },
      ],
      endedAt,
    );
    expect(await read(earlier.id)).toMatchObject({ status: 'expired', endedAt });
    expect(await read(fresh.id)).toMatchObject({
      status: 'held',
      endedAt: null,
      shopperId: 'ben',
      trafficSource: 'stream',
      idempotencyKey: fresh.idempotencyKey,
    });
    expect(await read(bornAndGone.id)).toMatchObject({ status: 'released', endedAt });
  });

  it('keeps the first write of a hold written twice, and never reopens or re-ends a hold', async () => {
    const hold = newHold('dee');
    await repository.writeHoldBatch([hold], [], endedAt);
    // Another process wrote the same hold and this batch ends it: the row ends once.
    await repository.writeHoldBatch([hold], [{ id: hold.id, status: 'expired' }], endedAt);
    expect(await read(hold.id)).toMatchObject({ status: 'expired', endedAt });
    const later = new Date('2026-11-22T18:20:00Z');
    await repository.writeHoldBatch([hold], [{ id: hold.id, status: 'released' }], later);
    expect(await read(hold.id)).toMatchObject({ status: 'expired', endedAt });
  });

  it('writes nothing at all when one hold of the batch cannot be written', async () => {
    const good = newHold('eve');
    const clash: NewRow<'holds'> = { ...newHold('fay'), idempotencyKey: `${good.idempotencyKey}` };
    await expect(repository.writeHoldBatch([good, clash], [], endedAt)).rejects.toThrow();
    expect(await read(good.id)).toBeUndefined();
  });

  it("refuses a hold that names one organisation's offer under another", async () => {
    const globex = await seedOrganization(context, 'Globex');
    const crossed = { ...newHold('gus'), organizationId: globex.organizationId };
    await expect(repository.writeHoldBatch([crossed], [], endedAt)).rejects.toMatchObject({
      code: '23503',
      constraint: 'holds_offer_fkey',
    });
    expect(await read(crossed.id)).toBeUndefined();
    // Deleting an organisation still takes its offers' holds with them.
    const globexOffer = await liveOffer(context.app, globex, { units: 2 });
    const kept = { ...crossed, id: randomUUID(), offerId: globexOffer.offerId };
    await repository.writeHoldBatch([kept], [], endedAt);
    expect(await read(kept.id)).toMatchObject({ organizationId: globex.organizationId });
    await context.database.db
      .deleteFrom('organizations')
      .where('id', '=', globex.organizationId)
      .execute();
    expect(await read(kept.id)).toBeUndefined();
  });
});

/** Two server processes sharing an offer through Redis both write a retried claim's hold. */
describe.skipIf(await skipWithoutPostgres())('a hold written by two processes at once', () => {
  let database: Awaited<ReturnType<typeof createTemporaryDatabase>>;
  let context: TestContext;
  let acme: SeededOrganization;

  beforeAll(async () => {
    database = await createTemporaryDatabase();
    context = await createTestContext({ databaseUrl: database.url });
    acme = await seedOrganization(context, 'Acme');
  });
  afterAll(async () => {
    await context.close();
    await database.drop();
  });

  it('lands each hold once when both write the same batch at the same moment', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const repository = new HoldsRepository(context.database.db);
    const holdOf = (index: number): NewRow<'holds'> => ({
      id: randomUUID(),
      organizationId: acme.organizationId,
      offerId,
      shopperId: `shopper-${index}`,
      quantity: 1,
      status: 'held',
      idempotencyKey: `key-${index}-${randomUUID()}`,
      offerCode: null,
      trafficSource: null,
      market: null,
      createdAt: new Date('2026-11-22T18:00:00Z'),
      expiresAt: new Date('2026-11-22T18:10:00Z'),
    });
    let written = 0;
    // Each round the two writes race on two connections of the pool; which one's check of a
    // row comes first varies, and so does whether the later one meets the row by its id.
    for (let round = 0; round < 100; round++) {
      const holds = Array.from({ length: 200 }, (_, index) => holdOf(round * 1000 + index));
      await Promise.all([
        repository.writeHoldBatch(holds, [], new Date()),
        repository.writeHoldBatch(holds, [], new Date()),
      ]);
      written += holds.length;
    }
    const stored = await context.database.db
      .selectFrom('holds')
      .select((eb) => eb.fn.countAll<string>().as('holds'))
      .where('offerId', '=', offerId)
      .executeTakeFirstOrThrow();
    expect(Number(stored.holds)).toBe(written);
  });
});
