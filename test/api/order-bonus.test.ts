/**
 * The urgency rule "first N orders get the bonus item" (issue #3): exactly the first N orders
 * placed on the offer carry the bonus, counted in orders, not units, even when many checkouts
 * are recorded at once by two engines, each with its own connections to the same database.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { createServices, type Services } from '../../src/services.js';
import { backends } from '../support/backends.js';
import { payWith } from '../support/drops.js';
import { createTemporaryDatabase } from '../support/postgres.js';
import {
  createTestContext,
  type SeededOrganization,
  seedOrganization,
  type TestContext,
  testPasswordCost,
  testSecret,
} from '../support/test-app.js';

const bonus = 'a Silk Sleep Mask';

describe.each(backends)('the urgency rule bonus on $name', (backend) => {
  const { skip } = backend;
  let temporary: Awaited<ReturnType<typeof createTemporaryDatabase>> | undefined;
  let context: TestContext;
  /** The second engine's own connections: a pool of its own on a server, as a process has. */
  let secondDatabase: DatabaseHandle | undefined;
  let acme: SeededOrganization;
  const headers = () => ({ cookie: acme.ownerCookie });

  beforeAll(async () => {
    if (skip) return;
    temporary = backend.server ? await createTemporaryDatabase() : undefined;
    context = await createTestContext(temporary ? { databaseUrl: temporary.url } : {});
    if (temporary) secondDatabase = await openDatabase({ databaseUrl: temporary.url });
    acme = await seedOrganization(context, 'Acme');
  }, 60_000);
  afterAll(async () => {
    if (skip) return;
    await secondDatabase?.close();
    await context.close();
    await temporary?.drop();
  });

  /** A live single-SKU offer of `units` whose first `firstOrders` orders get the bonus. */
  async function liveOfferWithBonus(units: number, firstOrders: number | null): Promise<string> {
    const product = await context.app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: headers(),
      payload: {
        brandId: acme.brandId,
        title: `Bonus drop ${Math.random()}`,
        skus: [
          {
            code: `BONUS-${Math.random().toString(36).slice(2)}`,
            priceMinor: 2900,
            currency: 'EUR',
            stockOnHand: units,
          },
        ],
      },
    });
    const created = await context.app.inject({
      method: 'POST',
      url: '/api/v1/offers',
      headers: headers(),
      payload: {
        brandId: acme.brandId,
        title: 'Bonus drop',
        kind: 'single_sku',
        components: [{ skuId: product.json().skus[0].id, quantity: 1 }],
        priceMinor: 1900,
        currency: 'EUR',
        urgencyRule: firstOrders === null ? null : { firstOrders, bonus },
        codes: [`BONUS${Math.random().toString(36).slice(2, 8)}`],
      },
    });
    expect(created.statusCode).toBe(201);
    const offerId = created.json().id as string;
    for (const [action, payload] of [
      ['approve', undefined],
      ['arm', { units }],
      ['go-live', undefined],
    ] as const) {
      const response = await context.app.inject({
        method: 'POST',
        url: `/api/v1/offers/${offerId}/${action}`,
        headers: headers(),
        ...(payload ? { payload } : {}),
      });
      expect(response.statusCode).toBe(200);
    }
    return offerId;
  }

  async function buy(offerId: string, shopper: string, quantity = 1): Promise<string> {
    const hold = await context.services.shopper.claim(offerId, { shopper, quantity }, null);
    return (await context.services.shopper.checkout(hold.holdId, payWith('pm_card_visa'))).orderId;
  }

  async function orderOf(orderId: string) {
    const response = await context.app.inject({
      url: `/api/v1/orders/${orderId}`,
      headers: headers(),
    });
    expect(response.statusCode).toBe(200);
    return response.json() as { status: string; saleNumber: number; bonus: string | null };
  }

  it.skipIf(skip)(
    'gives the bonus to exactly the first N of 40 simultaneous checkouts on two engines',
    async () => {
      // 40 orders of 1 or 2 units (60 units): the rule counts orders, so 5 orders, not 5 units.
      const offerId = await liveOfferWithBonus(60, 5);
      // A second engine on the same database, as a second process would be. Each decides its
      // own claims (a misconfiguration the database tolerates: the reserve is not oversold);
      // both record sales at once, racing for the offer's order count.
      const second: Services = createServices({
        db: (secondDatabase ?? context.database).db,
        clock: context.services.clock,
        secret: testSecret,
        passwordCost: testPasswordCost,
      });
      await second.offerStore.recover();
      try {
        const holds: Array<{ engine: Services; holdId: string; quantity: number }> = [];
        for (const [e, engine] of [context.services, second].entries()) {
          for (let i = 0; i < 20; i += 1) {
            const quantity = i % 2 === 0 ? 2 : 1;
            const hold = await engine.shopper.claim(
              offerId,
              { shopper: `racer-${e}-${i}`, quantity },
              null,
            );
            holds.push({ engine, holdId: hold.holdId, quantity });
          }
        }
        // Interleave the two engines' checkouts so both write at the same moment.
        holds.sort((a, b) => a.holdId.localeCompare(b.holdId));
        const paid = await Promise.all(
          holds.map(({ engine, holdId }) =>
            engine.shopper.checkout(holdId, payWith('pm_card_visa')).then(() => 'paid'),
          ),
        );
        expect(paid.filter((answer) => answer === 'paid')).toHaveLength(40);
      } finally {
        await second.offerStore.stop();
      }

      const orders = await sql<{ saleNumber: number; bonus: string | null; quantity: number }>`
        select sale_number, bonus, quantity from orders where offer_id = ${offerId}
        order by sale_number`.execute(context.database.db);
      // Every order has its own place, 1 to 40, and the bonus is on places 1 to 5 only.
      expect(orders.rows.map((order) => order.saleNumber)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      expect(orders.rows.filter((order) => order.bonus !== null)).toEqual(
        [1, 2, 3, 4, 5].map((saleNumber) => expect.objectContaining({ saleNumber, bonus })),
      );
      const offer = await sql<{ soldOrders: number; soldUnits: number }>`
        select sold_orders, sold_units from offers where id = ${offerId}`.execute(
        context.database.db,
      );
      expect(offer.rows[0]).toEqual({ soldOrders: 40, soldUnits: 60 });
    },
    120_000,
  );

  it.skipIf(skip)(
    'keeps the bonus with the order placed first: a cancellation does not pass it on',
    async () => {
      const offerId = await liveOfferWithBonus(10, 2);
      const first = await buy(offerId, 'first', 2);
      const cancelled = await context.app.inject({
        method: 'POST',
        url: `/api/v1/orders/${first}/cancel`,
        headers: headers(),
        payload: { restock: true },
      });
      expect(cancelled.json()).toMatchObject({ status: 'cancelled', saleNumber: 1, bonus });
      const second = await buy(offerId, 'second');
      const third = await buy(offerId, 'third');
      expect(await orderOf(second)).toMatchObject({ saleNumber: 2, bonus });
      expect(await orderOf(third)).toMatchObject({ status: 'paid', saleNumber: 3, bonus: null });

      const csv = await context.app.inject({
        url: `/api/v1/orders.csv?offerId=${offerId}`,
        headers: headers(),
      });
      const [header, ...lines] = csv.body.trim().split('\r\n');
      const columns = header?.split(',') ?? [];
      const cell = (line: string, column: string) => line.split(',')[columns.indexOf(column)];
      expect(columns).toEqual(expect.arrayContaining(['saleNumber', 'bonus']));
      expect(lines.map((line) => [cell(line, 'saleNumber'), cell(line, 'bonus')]).sort()).toEqual([
        ['1', bonus],
        ['2', bonus],
        ['3', ''],
      ]);
    },
    60_000,
  );

  it.skipIf(skip)('gives no bonus on an offer without an urgency rule', async () => {
    const offerId = await liveOfferWithBonus(3, null);
    const orderId = await buy(offerId, 'plain');
    expect(await orderOf(orderId)).toMatchObject({ saleNumber: 1, bonus: null });
  });
});
