/**
 * Durable checkout payments: every charge has a row written before the provider is called, so
 * a process that dies between the charge and the order leaves a payment the sweep settles: the
 * charge is asked again with the same provider key (charging nothing new), and refunded when
 * no order came of it once its hold has ended. Each server process here is a set of services
 * of its own on the same database; the bank is shared, as Stripe is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { ManualClock } from '../../src/lib/clock.js';
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

const minute = 60_000;

const waitFor = async (condition: () => boolean | Promise<boolean>) => {
  for (let tries = 0; !(await condition()); tries += 1) {
    if (tries > 500) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe.each(backends)('durable checkout payments on $name', (backend) => {
  const clock = new ManualClock('2026-11-22T18:00:00Z');
  const bank = new TestBank();
  /** The first process reaches the bank through this: it can die after a charge. */
  const firstProcess = new DyingProcess(bank);
  let temporary: Awaited<ReturnType<typeof createTemporaryDatabase>> | undefined;
  let secondDatabase: DatabaseHandle | undefined;
  let context: TestContext;
  let acme: SeededOrganization;
  const restarted: Services[] = [];
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
    const subscribed = await context.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: { cookie: acme.ownerCookie },
      payload: { url: 'https://finance.example.test/hooks', eventTypes: ['payment.*'] },
    });
    expect(subscribed.statusCode).toBe(201);
  }, 60_000);
  afterAll(async () => {
    if (backend.skip) return;
    for (const services of restarted) {
      await services.offerStore.stop();
      await services.scheduler.stop();
    }
    await secondDatabase?.close();
    await context.close();
    await temporary?.drop();
  });

  const db = () => context.database.db;

  /** The server started again on the same database, its books rebuilt from the rows. */
  async function restart(): Promise<Services> {
    const services = createServices({
      db: (secondDatabase ?? context.database).db,
      clock,
      secret: testSecret,
      passwordCost: testPasswordCost,
      paymentProviders: { sandbox: bank },
    });
    await services.offerStore.recover();
    restarted.push(services);
    return services;
  }

  async function holdOn(shopper: string): Promise<string> {
    const { offerId } = await liveOffer(context.app, acme, { units: 2, holdTtlSeconds: 600 });
    return (await claim(context.app, offerId, shopper)).json().holdId;
  }

  /** The first process charges the card, then dies before it hears back. */
  async function dieAfterCharging(holdId: string): Promise<string> {
    firstProcess.dying = true;
    void context.services.shopper.checkout(holdId, payWith('pm_card_visa'));
    await waitFor(() => bank.charges.has(`${holdId}:pm_card_visa`));
    firstProcess.dying = false;
    return bank.charges.get(`${holdId}:pm_card_visa`)?.reference ?? '';
  }

  const attemptsOf = (holdId: string) =>
    db().selectFrom('checkoutPayments').selectAll().where('holdId', '=', holdId).execute();

  const checkout = (holdId: string, token: string) =>
    context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      payload: payWith(token),
    });

  it_('records the attempt before the charge: declined with its answer, then ordered', async () => {
    const holdId = await holdOn('two-cards');
    const declined = await checkout(holdId, 'pm_card_chargeDeclined');
    expect(declined.statusCode).toBe(402);
    const paid = await checkout(holdId, 'pm_card_visa');
    expect(paid.statusCode).toBe(201);
    const order = await db()
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', paid.json().orderId)
      .executeTakeFirstOrThrow();
    const attempts = await attemptsOf(holdId);
    expect(attempts).toHaveLength(2);
    expect(
      attempts.find((attempt) => attempt.paymentMethod === 'pm_card_chargeDeclined'),
    ).toMatchObject({
      status: 'declined',
      orderId: null,
      answer: { code: 'payment_declined', message: declined.json().error.message },
    });
    expect(attempts.find((attempt) => attempt.paymentMethod === 'pm_card_visa')).toMatchObject({
      status: 'ordered',
      orderId: order.id,
      providerReference: order.paymentReference,
      providerKey: `${holdId}:pm_card_visa`,
      amountMinor: order.totalMinor,
      currency: 'EUR',
      chargeRequest: expect.objectContaining({
        token: 'pm_card_visa',
        amountMinor: order.totalMinor,
        metadata: expect.objectContaining({ mydropHoldId: holdId }),
      }),
    });
  });

  it_(
    'refunds, once its hold has ended, a payment whose process died after the charge',
    async () => {
      const holdId = await holdOn('cut-off');
      const reference = await dieAfterCharging(holdId);
      const [attempt] = await attemptsOf(holdId);
      expect(attempt).toMatchObject({ status: 'charging', amountMinor: 1900, orderId: null });

      const server = await restart();
      // Past the grace, but the shopper may still pay for the hold with the same card: not yet.
      clock.advance(3 * minute);
      expect(await server.paymentReconciler.sweep()).toEqual({});
      expect(bank.refunds).toEqual([]);

      clock.advance(10 * minute);
      await server.offerStore.sweep();
      await waitFor(
        async () =>
          (
            await db()
              .selectFrom('holds')
              .select('status')
              .where('id', '=', holdId)
              .executeTakeFirst()
          )?.status === 'expired',
      );
      const chargeCalls = bank.chargeCalls;
      expect(await server.paymentReconciler.sweep()).toEqual({ refunded: 1 });
      // Asked again with the same key and parameters: the bank answered the first charge and
      // charged nothing new.
      expect(bank.chargeCalls).toBe(chargeCalls + 1);
      expect(bank.requests.at(-1)).toEqual(bank.charges.get(`${holdId}:pm_card_visa`)?.request);
      expect([...bank.charges.keys()].filter((key) => key.startsWith(holdId))).toHaveLength(1);
      expect(bank.refunds).toEqual([{ reference, amountMinor: 1900 }]);
      expect(await attemptsOf(holdId)).toEqual([
        expect.objectContaining({ status: 'refunded', providerReference: reference }),
      ]);

      // Finance sees it: an audit entry and a payment.refunded event.
      const audit = await db()
        .selectFrom('auditEntries')
        .selectAll()
        .where('action', '=', 'payment.refunded')
        .where('subjectId', '=', attempt?.id ?? '')
        .execute();
      expect(audit).toEqual([
        expect.objectContaining({
          actorKind: 'system',
          subjectType: 'checkout_payment',
          data: expect.objectContaining({
            holdId,
            amountMinor: 1900,
            providerReference: reference,
          }),
        }),
      ]);
      const events = await db()
        .selectFrom('webhookDeliveries')
        .select('payload')
        .where('type', '=', 'payment.refunded')
        .execute();
      expect(events.map((event) => event.payload.data)).toContainEqual(
        expect.objectContaining({ holdId, amountMinor: 1900, currency: 'EUR', reason: 'no_order' }),
      );

      // Settled once: the next sweeps leave it be.
      expect(await server.paymentReconciler.sweep()).toEqual({});
      expect(bank.refunds).toHaveLength(1);
    },
  );

  it_('leaves alone a payment whose order a retry with the same card wrote', async () => {
    const holdId = await holdOn('retried');
    const reference = await dieAfterCharging(holdId);
    const server = await restart();
    const paid = await server.shopper.checkout(holdId, payWith('pm_card_visa'));
    const order = await db()
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', paid.orderId)
      .executeTakeFirstOrThrow();
    // The same payment: the card was charged once for the two attempts.
    expect(order.paymentReference).toBe(reference);
    expect((await attemptsOf(holdId)).map((attempt) => attempt.status).sort()).toEqual([
      'charging',
      'ordered',
    ]);

    clock.advance(3 * minute);
    expect(await server.paymentReconciler.sweep()).toEqual({ ordered: 1 });
    expect(bank.refunds.filter((refund) => refund.reference === reference)).toEqual([]);
    expect(await attemptsOf(holdId)).toEqual([
      expect.objectContaining({ status: 'ordered', orderId: order.id }),
      expect.objectContaining({ status: 'ordered', orderId: order.id }),
    ]);
  });

  it_('never asks the provider again past its key lifetime: it would charge anew', async () => {
    const holdId = await holdOn('forgotten');
    await dieAfterCharging(holdId);
    const server = await restart();
    clock.advance(24 * 60 * minute);
    await server.offerStore.sweep();
    await waitFor(
      async () =>
        (
          await db()
            .selectFrom('holds')
            .select('status')
            .where('id', '=', holdId)
            .executeTakeFirst()
        )?.status === 'expired',
    );
    const calls = bank.chargeCalls;
    expect(await server.paymentReconciler.sweep()).toEqual({});
    expect(bank.chargeCalls).toBe(calls);
    expect(await attemptsOf(holdId)).toEqual([expect.objectContaining({ status: 'charging' })]);
  });

  it_('refunds at once a charge whose hold ended before its order, answering 410', async () => {
    const holdId = await holdOn('too-late');
    const calls = bank.chargeCalls;
    bank.pause();
    const pending = checkout(holdId, 'pm_card_visa');
    await waitFor(() => bank.chargeCalls > calls);
    // Meanwhile another process ended the hold: the database refuses the order.
    await db()
      .updateTable('holds')
      .set({ status: 'expired', endedAt: clock.now() })
      .where('id', '=', holdId)
      .execute();
    bank.resume();
    const answer = await pending;
    expect([answer.statusCode, answer.json().error.code]).toEqual([410, 'hold_expired']);
    expect(answer.json().error.message).toMatch(/the charge was refunded/);
    const reference = bank.charges.get(`${holdId}:pm_card_visa`)?.reference;
    expect(bank.refunds).toContainEqual({ reference, amountMinor: 1900 });
    expect(await attemptsOf(holdId)).toEqual([
      expect.objectContaining({
        status: 'refunded',
        providerReference: reference,
        answer: expect.objectContaining({ code: 'hold_expired' }),
      }),
    ]);
  });
});
