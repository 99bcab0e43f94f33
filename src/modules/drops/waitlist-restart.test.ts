import { randomUUID } from 'node:crypto';
import { afterAll, it as base, beforeAll, describe, expect } from 'vitest';
import { backends } from '../../../test/support/backends.js';
import { liveOffer } from '../../../test/support/drops.js';
import {
  type DropsRepositories,
  dropsRepositoriesOn,
} from '../../../test/support/drops-repositories.js';
import { createTemporaryDatabase } from '../../../test/support/postgres.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
} from '../../../test/support/test-app.js';
import type { NewRow } from '../../db/schema.js';
import { ManualClock } from '../../lib/clock.js';
import { EmbeddedOfferStore } from './embedded-offer-store.js';
import { HoldJournal } from './hold-journal.js';
import type { HoldsRepository } from './holds.repository.js';
import type { StoreClaimOutcome } from './offer-store.js';

/**
 * Issue 3: "After kill -9 and restart: no acknowledged hold or order lost, nothing double-sold,
 * expired holds returned", for the waitlist too. Each store below stands for one server
 * process on the same database; a crash is a store dropped without stopping or draining it
 * (every answer it gave was awaited, so what it acknowledged is all it could have written).
 */
describe.each(backends)('the waitlist and open holds across a restart, on $name', (backend) => {
  const clock = new ManualClock('2026-11-22T18:00:00Z');
  const minute = 60_000;
  let database: Awaited<ReturnType<typeof createTemporaryDatabase>> | undefined;
  let context: TestContext;
  let acme: SeededOrganization;
  let repositories: DropsRepositories;
  const it = base.skipIf(backend.skip);

  beforeAll(async () => {
    if (backend.skip) return;
    if (backend.server) database = await createTemporaryDatabase();
    context = await createTestContext(database ? { clock, databaseUrl: database.url } : { clock });
    acme = await seedOrganization(context, 'Acme');
    repositories = dropsRepositoriesOn(context.database.db);
  });
  afterAll(async () => {
    await context?.close();
    await database?.drop();
  });

  /** A process starting on the database: its books are rebuilt from the rows. */
  async function startProcess(holds: HoldsRepository = repositories.holds) {
    const journal = new HoldJournal({ holds, clock });
    const store = new EmbeddedOfferStore({ ...repositories, holds, journal, clock });
    await store.recover();
    return { store, journal };
  }

  /** An offer on sale, made through the API (whose own store is not used afterwards). */
  async function offerOnSale(units: number, holdTtlSeconds = 600) {
    return (await liveOffer(context.app, acme, { units, holdTtlSeconds })).offerId;
  }

  async function claimHold(store: EmbeddedOfferStore, offerId: string, shopperId: string) {
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

  it('keeps every acknowledged join through a crash and serves the first in line', async () => {
    const offerId = await offerOnSale(1);
    const first = await startProcess();
    const annHold = await claimHold(first.store, offerId, 'ann');
    for (const [index, shopper] of ['ben', 'cy', 'dee'].entries()) {
      expect(await first.store.joinWaitlist(offerId, shopper, 1, null)).toEqual({
        ok: true,
        position: index + 1,
      });
    }

    const second = await startProcess();
    expect(second.store.counts(offerId)).toMatchObject({ held: 1, available: 0, waitlist: 3 });
    expect(await second.store.standing(offerId, 'cy')).toEqual({ position: 2 });
    expect(await second.store.releaseHold(annHold, clock.now().getTime())).toBe(true);
    const served = await second.store.standing(offerId, 'ben');
    expect(served).toHaveProperty('holdId');
    const benHold = (served as { holdId: string }).holdId;
    expect(await second.store.standing(offerId, 'cy')).toEqual({ position: 1 });
    await second.journal.drain();
    const rows = await waitlistRows(offerId);
    expect(rows.map((row) => [row.shopperId, row.status, row.holdId])).toEqual([
      ['ben', 'served', benHold],
      ['cy', 'waiting', null],
      ['dee', 'waiting', null],
    ]);
    expect(await repositories.holds.findHold(benHold)).toMatchObject({
      shopperId: 'ben',
      status: 'held',
      trafficSource: 'waitlist',
    });

    // Once served, never served again: after another crash Ben holds, Cy and Dee still wait.
    const third = await startProcess();
    expect(third.store.counts(offerId)).toMatchObject({ held: 1, available: 0, waitlist: 2 });
    expect(await third.store.standing(offerId, 'ben')).toMatchObject({ holdId: benHold });
    expect(await third.store.standing(offerId, 'dee')).toEqual({ position: 2 });
  });

  it('writes a flood of joins in one batch and restores them in the order they joined', async () => {
    const offerId = await offerOnSale(1);
    let batches = 0;
    const counting = Object.create(repositories.holds) as HoldsRepository;
    counting.writeHoldBatch = (...args) => {
      batches += 1;
      return repositories.holds.writeHoldBatch(...args);
    };
    const first = await startProcess(counting);
    await claimHold(first.store, offerId, 'ann');
    batches = 0;
    const shoppers = Array.from({ length: 60 }, (_, index) => `waiting-${index}`);
    const answers = await Promise.all(
      shoppers.map((shopper) => first.store.joinWaitlist(offerId, shopper, 1, null)),
    );
    expect(answers.map((answer) => answer?.ok && answer.position)).toEqual(
      shoppers.map((_, index) => index + 1),
    );
    expect(batches).toBe(1);

    const second = await startProcess();
    const places = await Promise.all(
      shoppers.map((shopper) => second.store.standing(offerId, shopper)),
    );
    expect(places).toEqual(shoppers.map((_, index) => ({ position: index + 1 })));
    // A shopper joining after the restart goes after everyone restored.
    expect(await second.store.joinWaitlist(offerId, 'late', 1, null)).toEqual({
      ok: true,
      position: 61,
    });
    const rows = await waitlistRows(offerId);
    expect(rows.at(-1)).toMatchObject({ shopperId: 'late', queueOrder: 61 });
  });

  it('does not acknowledge a join whose write fails, and keeps no place for it', async () => {
    const offerId = await offerOnSale(1);
    let failWrites = false;
    const flaky = Object.create(repositories.holds) as HoldsRepository;
    flaky.writeHoldBatch = (...args) =>
      failWrites
        ? Promise.reject(new Error('disk full'))
        : repositories.holds.writeHoldBatch(...args);
    const first = await startProcess(flaky);
    const annHold = await claimHold(first.store, offerId, 'ann');

    failWrites = true;
    await expect(first.store.joinWaitlist(offerId, 'ben', 1, null)).rejects.toThrow('disk full');
    expect(first.store.counts(offerId)).toMatchObject({ waitlist: 0 });
    expect(await first.store.standing(offerId, 'ben')).toBeUndefined();
    failWrites = false;
    expect(await first.store.joinWaitlist(offerId, 'cy', 1, null)).toEqual({
      ok: true,
      position: 1,
    });

    const second = await startProcess();
    expect((await waitlistRows(offerId)).map((row) => row.shopperId)).toEqual(['cy']);
    await second.store.releaseHold(annHold, clock.now().getTime());
    expect(await second.store.standing(offerId, 'cy')).toHaveProperty('holdId');
    expect(await second.store.standing(offerId, 'ben')).toBeUndefined();
  });

  it('takes back a hold the waitlist gave a shopper whose join then failed to write', async () => {
    const offerId = await offerOnSale(1);
    let failWrites = false;
    const flaky = Object.create(repositories.holds) as HoldsRepository;
    flaky.writeHoldBatch = (...args) =>
      failWrites
        ? Promise.reject(new Error('disk full'))
        : repositories.holds.writeHoldBatch(...args);
    const first = await startProcess(flaky);
    const annHold = await claimHold(first.store, offerId, 'ann');

    failWrites = true;
    const joining = first.store.joinWaitlist(offerId, 'ben', 1, null);
    // Ann gives her unit back before Ben's join is written: the line serves him at once.
    await first.store.releaseHold(annHold, clock.now().getTime());
    await expect(joining).rejects.toThrow('disk full');
    failWrites = false;
    // The hold's failure ends it in the next batch.
    await new Promise((resolve) => setImmediate(resolve));
    await first.journal.drain();
    expect(first.store.counts(offerId)).toMatchObject({ held: 0, available: 1, waitlist: 0 });
    expect(await first.store.standing(offerId, 'ben')).toBeUndefined();
    expect(await waitlistRows(offerId)).toEqual([]);
  });

  it('returns holds that expired while the server was down, and reads them as expired', async () => {
    const offerId = await offerOnSale(3, 600);
    const first = await startProcess();
    const holds = [
      await claimHold(first.store, offerId, 'ann'),
      await claimHold(first.store, offerId, 'ben'),
    ];
    clock.advance(5 * minute);
    const younger = await claimHold(first.store, offerId, 'cy');
    expect(first.store.counts(offerId)).toMatchObject({ held: 3, available: 0 });

    // Down for six minutes: Ann's and Ben's ten minutes are over, Cy's are not.
    clock.advance(6 * minute);
    const second = await startProcess();
    expect(second.store.counts(offerId)).toMatchObject({
      reserved: 3,
      available: 2,
      held: 1,
      sold: 0,
    });
    for (const holdId of holds) expect(await second.store.hold(holdId)).toBeUndefined();
    expect(await second.store.hold(younger)).toMatchObject({ shopperId: 'cy', state: 'held' });
    const checkout = await second.store.beginCheckout(holds[0] as string, clock.now().getTime());
    expect(checkout).toEqual({ ok: false, reason: 'missing' });
    await second.journal.drain();
    for (const holdId of holds) {
      expect(await repositories.holds.findHold(holdId)).toMatchObject({ status: 'expired' });
    }
    // The units are on sale again, and only them.
    await claimHold(second.store, offerId, 'dee');
    await claimHold(second.store, offerId, 'eve');
    await expect(claimHold(second.store, offerId, 'fay')).rejects.toThrow('sold_out');
  });

  it('gives units that expired while the server was down to the line before a new claim', async () => {
    const offerId = await offerOnSale(1, 600);
    const first = await startProcess();
    await claimHold(first.store, offerId, 'ann');
    await first.store.joinWaitlist(offerId, 'ben', 1, null);

    clock.advance(11 * minute);
    const second = await startProcess();
    const standing = await second.store.standing(offerId, 'ben');
    expect(standing).toHaveProperty('holdId');
    await expect(claimHold(second.store, offerId, 'cy')).rejects.toThrow('sold_out');
    await second.journal.drain();
    expect(await waitlistRows(offerId)).toMatchObject([
      { shopperId: 'ben', status: 'served', holdId: (standing as { holdId: string }).holdId },
    ]);
  });

  it('ends the waits of an offer that closes, even when the process died before writing it', async () => {
    const closedInBook = await offerOnSale(1);
    const closedInRow = await offerOnSale(1);
    const first = await startProcess();
    for (const offerId of [closedInBook, closedInRow]) {
      await claimHold(first.store, offerId, 'ann');
      await first.store.joinWaitlist(offerId, 'ben', 1, null);
    }
    await first.store.close(closedInBook);
    await first.journal.drain();
    expect(await waitlistRows(closedInBook)).toMatchObject([
      { shopperId: 'ben', status: 'expired', holdId: null },
    ]);

    // The offer's row closed, then the process died before its waitlist was written.
    await context.database.db
      .updateTable('offers')
      .set({ status: 'closed' })
      .where('id', '=', closedInRow)
      .execute();
    expect(await waitlistRows(closedInRow)).toMatchObject([{ status: 'waiting' }]);
    const second = await startProcess();
    expect(second.store.counts(closedInRow)).toBeUndefined();
    expect(await waitlistRows(closedInRow)).toMatchObject([
      { shopperId: 'ben', status: 'expired' },
    ]);
  });

  it("writes a waiting shopper's hold and the end of their wait together, or neither", async () => {
    const offerId = await offerOnSale(2);
    const entry: NewRow<'waitlist'> = {
      id: randomUUID(),
      organizationId: acme.organizationId,
      offerId,
      shopperId: 'ben',
      quantity: 1,
      market: null,
      idempotencyKey: null,
      queueOrder: 1,
      joinedAt: clock.now(),
      endedAt: null,
    };
    const hold = (idempotencyKey: string | null): NewRow<'holds'> => ({
      id: randomUUID(),
      organizationId: acme.organizationId,
      offerId,
      shopperId: 'ben',
      quantity: 1,
      status: 'held',
      idempotencyKey,
      offerCode: null,
      trafficSource: 'waitlist',
      market: null,
      createdAt: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 10 * minute),
    });
    await repositories.holds.writeHoldBatch([], [], clock.now(), { joined: [entry], ended: [] });
    const taken = hold('taken');
    await repositories.holds.writeHoldBatch([taken], [], clock.now());

    // The hold cannot be written (its key is taken): Ben is still waiting.
    const clash = hold('taken');
    const served = {
      id: entry.id,
      organizationId: acme.organizationId,
      status: 'served' as const,
      holdId: clash.id,
    };
    await expect(
      repositories.holds.writeHoldBatch([clash], [], clock.now(), { joined: [], ended: [served] }),
    ).rejects.toThrow();
    expect(await waitlistRows(offerId)).toMatchObject([{ status: 'waiting', holdId: null }]);

    const good = hold(null);
    await repositories.holds.writeHoldBatch([good], [], clock.now(), {
      joined: [],
      ended: [{ ...served, holdId: good.id }],
    });
    expect(await waitlistRows(offerId)).toMatchObject([{ status: 'served', holdId: good.id }]);
    expect(await repositories.holds.findHold(good.id)).toMatchObject({ status: 'held' });
  });
});
