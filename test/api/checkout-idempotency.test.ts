/**
 * The checkout's Idempotency-Key across server processes (issue #3: "a retry returns the first
 * answer", with REDIS_URL scale-out): the key and the first answer are kept with the payment
 * attempt in the shared database, so a retry that lands on another process waits for a running
 * first attempt and replays a finished one, and the card is charged once. Each process here is
 * a set of services and an HTTP app of its own on the same database; the bank is shared.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { buildApp } from '../../src/http/app.js';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import { createServices, type Services } from '../../src/services.js';
import { backends } from '../support/backends.js';
import { claim, liveOffer, payWith } from '../support/drops.js';
import { createTemporaryDatabase } from '../support/postgres.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
  testPasswordCost,
  testSecret,
} from '../support/test-app.js';
import { DyingProcess, TestBank } from '../support/test-bank.js';

const waitFor = async (condition: () => boolean) => {
  for (let tries = 0; !condition(); tries += 1) {
    if (tries > 500) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe.each(backends)('checkout Idempotency-Key across processes on $name', (backend) => {
  const clock = new ManualClock('2026-11-22T18:00:00Z');
  const bank = new TestBank();
  const firstProcess = new DyingProcess(bank);
  let temporary: Awaited<ReturnType<typeof createTemporaryDatabase>> | undefined;
  let secondDatabase: DatabaseHandle | undefined;
  let context: TestContext;
  let acme: SeededOrganization;
  const others: Array<{ services: Services; app: FastifyInstance }> = [];
  const it_ = it.skipIf(backend.skip);

  beforeAll(async () => {
    if (backend.skip) return;
    temporary = backend.server ? await createTemporaryDatabase() : undefined;
    context = await createTestContext({
      clock,
      paymentProviders: { sandbox: firstProcess },
      ...(temporary ? { databaseUrl: temporary.url } : {}),
    });
    if (temporary) secondDatabase = await openDatabase({ databaseUrl: temporary.url });
    acme = await seedOrganization(context, 'Acme');
  }, 60_000);
  afterAll(async () => {
    if (backend.skip) return;
    for (const other of others) {
      await other.app.close();
      await other.services.offerStore.stop();
      await other.services.scheduler.stop();
    }
    await secondDatabase?.close();
    await context.close();
    await temporary?.drop();
  });

  /** Another server process on the same database, started now (its books rebuilt from rows). */
  async function anotherProcess(answerWaitMs?: number): Promise<FastifyInstance> {
    const services = createServices({
      db: (secondDatabase ?? context.database).db,
      clock,
      secret: testSecret,
      passwordCost: testPasswordCost,
      paymentProviders: { sandbox: bank },
      checkoutPayments: { answerPollMs: 20, ...(answerWaitMs ? { answerWaitMs } : {}) },
    });
    await services.offerStore.recover();
    const app = await buildApp({
      services,
      logger: createLogger('silent'),
      baseUrl: 'http://localhost:3000',
      trustProxy: false,
      pingDatabase: async () => {},
      version: 'test',
    });
    await app.ready();
    others.push({ services, app });
    return app;
  }

  async function holdOn(shopper: string): Promise<string> {
    const { offerId } = await liveOffer(context.app, acme, { units: 2, holdTtlSeconds: 600 });
    return (await claim(context.app, offerId, shopper)).json().holdId;
  }

  const checkout = (app: FastifyInstance, holdId: string, token: string, key: string) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      headers: { 'idempotency-key': key },
      payload: payWith(token),
    });

  it_('gives a retry sent to another process while the payment runs the same order', async () => {
    const holdId = await holdOn('impatient');
    const other = await anotherProcess();
    const calls = bank.chargeCalls;
    bank.pause();
    const first = checkout(context.app, holdId, 'pm_card_visa', 'pay-once');
    await waitFor(() => bank.chargeCalls > calls);
    const retry = checkout(other, holdId, 'pm_card_visa', 'pay-once');
    // The same key with another body is refused there too, naming the header.
    const reused = await checkout(other, holdId, 'pm_card_amex', 'pay-once');
    expect([reused.statusCode, reused.json().error.details.field]).toEqual([
      400,
      'idempotency-key',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the retry is waiting meanwhile
    bank.resume();
    const [firstAnswer, retryAnswer] = await Promise.all([first, retry]);
    expect(firstAnswer.statusCode).toBe(201);
    expect([retryAnswer.statusCode, retryAnswer.json()]).toEqual([201, firstAnswer.json()]);
    expect(bank.chargeCalls).toBe(calls + 1);
  });

  it_('replays in another process what a finished attempt answered: a 402, an order', async () => {
    const holdId = await holdOn('declined-then-paid');
    const declined = await checkout(context.app, holdId, 'pm_card_chargeDeclined', 'card-1');
    expect(declined.statusCode).toBe(402);
    const other = await anotherProcess();
    const calls = bank.chargeCalls;
    const again = await checkout(other, holdId, 'pm_card_chargeDeclined', 'card-1');
    expect([again.statusCode, again.json()]).toEqual([402, declined.json()]);
    const reused = await checkout(other, holdId, 'pm_card_visa', 'card-1');
    expect([reused.statusCode, reused.json().error.details.field]).toEqual([
      400,
      'idempotency-key',
    ]);
    expect(bank.chargeCalls).toBe(calls);

    const paid = await checkout(context.app, holdId, 'pm_card_visa', 'card-2');
    expect(paid.statusCode).toBe(201);
    const third = await anotherProcess();
    const replay = await checkout(third, holdId, 'pm_card_visa', 'card-2');
    expect([replay.statusCode, replay.json()]).toEqual([201, paid.json()]);
    expect(bank.chargeCalls).toBe(calls + 1);
  });

  it_('answers a retryable 409 when the first attempt does not finish while it waits', async () => {
    const holdId = await holdOn('slow-bank');
    const other = await anotherProcess(300);
    const calls = bank.chargeCalls;
    bank.pause();
    const first = checkout(context.app, holdId, 'pm_card_visa', 'slow');
    await waitFor(() => bank.chargeCalls > calls);
    const retry = await checkout(other, holdId, 'pm_card_visa', 'slow');
    expect([retry.statusCode, retry.json().error.code, retry.json().error.details]).toEqual([
      409,
      'conflict',
      { field: 'idempotency-key', retryable: true },
    ]);
    bank.resume();
    expect((await first).statusCode).toBe(201);
    expect(bank.chargeCalls).toBe(calls + 1);
  });

  it_(
    'runs a retry again once the first attempt died with its process, charging once',
    async () => {
      const holdId = await holdOn('orphaned');
      firstProcess.dying = true;
      void context.services.shopper.checkout(holdId, payWith('pm_card_visa'), 'lost');
      await waitFor(() => bank.charges.has(`${holdId}:pm_card_visa`));
      firstProcess.dying = false;
      const other = await anotherProcess(200);
      // It could still be running: the retry waits for it, then answers 409.
      expect((await checkout(other, holdId, 'pm_card_visa', 'lost')).statusCode).toBe(409);
      // Longer than any payment runs: the first attempt is lost, the retry is a new attempt.
      clock.advance(3 * 60_000);
      const retried = await checkout(other, holdId, 'pm_card_visa', 'lost');
      expect(retried.statusCode).toBe(201);
      const order = await context.database.db
        .selectFrom('orders')
        .selectAll()
        .where('id', '=', retried.json().orderId)
        .executeTakeFirstOrThrow();
      // The provider answered the retry with the first charge: the card was charged once.
      expect(order.paymentReference).toBe(bank.charges.get(`${holdId}:pm_card_visa`)?.reference);
      expect([...bank.charges.keys()].filter((key) => key.startsWith(holdId))).toHaveLength(1);
    },
  );
});
