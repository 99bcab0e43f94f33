import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/lib/errors.js';
import { createServices } from '../../src/services.js';
import { backends, useBackendContext } from '../support/backends.js';
import { claim, liveOffer, payWith } from '../support/drops.js';
import {
  type SeededOrganization,
  seedOrganization,
  testPasswordCost,
  testSecret,
} from '../support/test-app.js';

describe.each(backends)('a drop under contention on $name', (backend) => {
  const { skip } = backend;
  const context = useBackendContext(backend);
  let acme: SeededOrganization;

  beforeAll(async () => {
    if (skip) return;
    acme = await seedOrganization(context, 'Acme');
  });

  it.skipIf(skip)(
    'sells exactly the reserved units to 3,000 simultaneous claims with retries',
    async () => {
      const { offerId } = await liveOffer(context.app, acme, { units: 200 });
      const shoppers = Array.from({ length: 3000 }, (_, i) => `shopper-${i}`);
      // Every tenth shopper retries at once with the same key, as a flaky network would.
      const requests = shoppers.flatMap((shopper, i) => {
        const first = claim(context.app, offerId, shopper, { key: `key-${shopper}` });
        return i % 10 === 0
          ? [first, claim(context.app, offerId, shopper, { key: `key-${shopper}` })]
          : [first];
      });
      const responses = await Promise.all(requests);
      const won = responses.filter((response) => response.statusCode === 201);
      const holdIds = new Set(won.map((response) => response.json().holdId as string));
      expect(holdIds.size).toBe(200);
      const refused = responses.filter((response) => response.statusCode === 409);
      expect(new Set(refused.map((response) => response.json().error.code))).toEqual(
        new Set(['sold_out']),
      );
      expect(won.length + refused.length).toBe(requests.length);

      const stored = await sql<{
        holds: number;
      }>`select count(*)::int as holds from holds where offer_id = ${offerId}`.execute(
        context.database.db,
      );
      expect(stored.rows[0]?.holds).toBe(200);

      const paid = await Promise.all(
        [...holdIds].map((holdId) =>
          context.app.inject({
            method: 'POST',
            url: `/api/v1/public/holds/${holdId}/checkout`,
            payload: payWith('pm_card_visa'),
          }),
        ),
      );
      expect(paid.every((response) => response.statusCode === 201)).toBe(true);
      const orders = await sql<{
        orders: number;
        units: number;
      }>`select count(*)::int as orders, sum(quantity)::int as units from orders where offer_id = ${offerId}`.execute(
        context.database.db,
      );
      expect(orders.rows[0]).toEqual({ orders: 200, units: 200 });
      const offer = await context.app.inject({ url: `/api/v1/public/offers/${offerId}` });
      expect(offer.json()).toMatchObject({ state: 'sold_out', stockLeft: 0 });
    },
    120_000,
  );

  it.skipIf(skip)(
    'has the database refuse a sale beyond the reserve, even with two engines on one database',
    async () => {
      // A misconfiguration: a second process runs its own embedded store on the same database,
      // so each believes all 10 units are its own and 20 holds are given. PostgreSQL has the
      // last word on a sale: only 10 orders are recorded, the other payments are refunded.
      const { offerId } = await liveOffer(context.app, acme, { units: 10 });
      const second = createServices({
        db: context.database.db,
        clock: context.services.clock,
        secret: testSecret,
        passwordCost: testPasswordCost,
      });
      await second.offerStore.recover();
      try {
        const holds: string[] = [];
        for (const services of [context.services, second]) {
          for (let i = 0; i < 10; i += 1) {
            const hold = await services.shopper.claim(
              offerId,
              { shopper: `twin-${i}`, quantity: 1 },
              null,
            );
            holds.push(hold.holdId);
          }
        }
        expect(holds).toHaveLength(20);
        const answers = await Promise.all(
          holds.map((holdId, i) =>
            (i < 10 ? context.services : second).shopper
              .checkout(holdId, payWith('pm_card_visa'))
              .then(
                () => 'paid',
                (error: unknown) => (isAppError(error) ? error.code : String(error)),
              ),
          ),
        );
        expect(answers.filter((answer) => answer === 'paid')).toHaveLength(10);
        expect(answers.filter((answer) => answer === 'hold_expired')).toHaveLength(10);
        const sold = await sql<{ units: number; counted: number }>`
          select (select coalesce(sum(quantity), 0)::int from orders
                  where offer_id = ${offerId} and status = 'paid') as units,
                 sold_units as counted
          from offers where id = ${offerId}`.execute(context.database.db);
        expect(sold.rows[0]).toEqual({ units: 10, counted: 10 });
      } finally {
        await second.offerStore.stop();
      }
    },
    60_000,
  );
});
