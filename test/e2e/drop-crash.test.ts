import { afterAll, describe, expect, it } from 'vitest';
import { payWith } from '../support/drops.js';
import {
  readDemo,
  type ServerProcess,
  startServerProcess,
  temporaryDataDir,
} from '../support/server-process.js';

/**
 * kill -9 in the middle of a drop, then restart on the same data folder: every acknowledged
 * hold and order is still there, nothing is sold twice, and the counts add up.
 */
describe('a crash in the middle of a drop', () => {
  const dataDir = temporaryDataDir();
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
  });

  it('loses no acknowledged hold or order and oversells nothing', async () => {
    const first = await startServerProcess({ MYDROP_DATA_DIR: dataDir });
    servers.push(first);
    const demo = readDemo(dataDir);
    const offerUrl = `${first.url}/api/v1/public/offers/${demo.liveOfferId}`;
    const holds: string[] = [];
    const orders: string[] = [];
    let stop = false;
    let shopper = 0;

    async function shop(): Promise<void> {
      while (!stop) {
        shopper += 1;
        const id = `crash-shopper-${shopper}`;
        try {
          const claim = await fetch(`${offerUrl}/claims`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': id },
            body: JSON.stringify({ shopper: id, quantity: 1 }),
          });
          if (claim.status !== 201) continue;
          const { holdId } = (await claim.json()) as { holdId: string };
          holds.push(holdId);
          if (shopper % 2 === 0) {
            const paid = await fetch(`${first.url}/api/v1/public/holds/${holdId}/checkout`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(payWith('pm_card_visa')),
            });
            if (paid.status === 201)
              orders.push(((await paid.json()) as { orderId: string }).orderId);
          }
        } catch {
          return; // the server is gone
        }
      }
    }

    const shoppers = Array.from({ length: 24 }, () => shop());
    while (holds.length < 60) await new Promise((resolve) => setTimeout(resolve, 5));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(shoppers);
    expect(await first.exited).toBe(null);
    const acknowledgedHolds = [...holds];
    const acknowledgedOrders = [...orders];
    expect(acknowledgedOrders.length).toBeGreaterThan(0);

    const second = await startServerProcess({ MYDROP_DATA_DIR: dataDir });
    servers.push(second);
    const auth = { authorization: `Bearer ${demo.apiToken}` };
    for (const orderId of acknowledgedOrders) {
      const order = await fetch(`${second.url}/api/v1/orders/${orderId}`, { headers: auth });
      expect(order.status).toBe(200);
    }
    // Every acknowledged hold is either paid already or can still be paid.
    for (const holdId of acknowledgedHolds) {
      const paid = await fetch(`${second.url}/api/v1/public/holds/${holdId}/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payWith('pm_card_visa')),
      });
      expect(paid.status, `hold ${holdId}`).toBe(201);
    }
    const offer = (await (
      await fetch(`${second.url}/api/v1/offers/${demo.liveOfferId}`, { headers: auth })
    ).json()) as {
      inventory: { reserved: number; available: number; held: number; sold: number };
    };
    const { reserved, available, held, sold } = offer.inventory;
    expect(reserved).toBe(200);
    expect(available + held + sold).toBe(200);
    expect(sold).toBeGreaterThanOrEqual(acknowledgedHolds.length);
    const allOrders = (await (
      await fetch(`${second.url}/api/v1/orders?offerId=${demo.liveOfferId}`, { headers: auth })
    ).json()) as {
      items: Array<{ holdId: string }>;
    };
    expect(allOrders.items).toHaveLength(sold);
    expect(new Set(allOrders.items.map((order) => order.holdId)).size).toBe(sold);
  }, 180_000);
});
