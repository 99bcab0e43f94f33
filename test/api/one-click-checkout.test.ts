/**
 * One-click checkout for returning shoppers (saved profiles), the checkout's Idempotency-Key,
 * and the show an order is sold in (issue #3: "Returning customers check out in one click",
 * "a retry returns the first answer", "Orders carry the show").
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { buildApp } from '../../src/http/app.js';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import { SandboxPaymentProvider } from '../../src/modules/drops/index.js';
import type { ChargeRequest, ChargeResult } from '../../src/modules/drops/payment-provider.js';
import { createServices } from '../../src/services.js';
import { backends, useBackendContext } from '../support/backends.js';
import { claim, liveOffer, payWith, shopperDetails } from '../support/drops.js';
import {
  type SeededOrganization,
  seedOrganization,
  type TestContext,
  testPasswordCost,
  testSecret,
} from '../support/test-app.js';

/** The sandbox, counting charge calls; `pause()` keeps every charge waiting until `resume()`. */
class GatedSandbox extends SandboxPaymentProvider {
  chargeCalls = 0;
  private gate: Promise<void> | null = null;
  private open: () => void = () => {};

  pause(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  resume(): void {
    this.gate = null;
    this.open();
  }

  override async charge(request: ChargeRequest): Promise<ChargeResult> {
    this.chargeCalls += 1;
    if (this.gate) await this.gate;
    return super.charge(request);
  }
}

async function createContext(clock: ManualClock, sandbox: GatedSandbox, logs: string[]) {
  const database = await openDatabase({});
  await migrateToLatest(database.db);
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const services = createServices({
    db: database.db,
    clock,
    secret: testSecret,
    passwordCost: testPasswordCost,
    paymentProviders: { sandbox },
    logger,
  });
  await services.offerStore.recover();
  const app = await buildApp({
    services,
    logger,
    baseUrl: 'http://localhost:3000',
    trustProxy: false,
    pingDatabase: database.ping,
    version: 'test',
  });
  await app.ready();
  const context: TestContext = {
    app,
    services,
    database,
    async close() {
      await app.close();
      await services.offerStore.stop();
      await services.scheduler.stop();
      await database.close();
    },
  };
  return context;
}

const waitFor = async (condition: () => boolean) => {
  for (let tries = 0; !condition(); tries += 1) {
    if (tries > 500) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('one-click checkout, checkout idempotency and the show on orders', () => {
  const clock = new ManualClock('2026-11-22T18:00:00Z');
  const sandbox = new GatedSandbox();
  const logs: string[] = [];
  let context: TestContext;
  let acme: SeededOrganization;
  let globex: SeededOrganization;

  beforeAll(async () => {
    context = await createContext(clock, sandbox, logs);
    acme = await seedOrganization(context, 'Acme');
    globex = await seedOrganization(context, 'Globex');
  });
  afterAll(() => context.close());

  const checkout = (holdId: string, payload: object, key?: string) =>
    context.app.inject({
      method: 'POST',
      url: `/api/v1/public/holds/${holdId}/checkout`,
      headers: key ? { 'idempotency-key': key } : {},
      payload,
    });

  const profileRequest = (method: 'GET' | 'DELETE', token: string) =>
    context.app.inject({
      method,
      url: '/api/v1/public/profiles/me',
      headers: { 'x-shopper-profile': token },
    });

  async function holdOn(org: SeededOrganization, shopper: string): Promise<string> {
    const { offerId } = await liveOffer(context.app, org, { units: 5 });
    const claimed = await claim(context.app, offerId, shopper);
    expect(claimed.statusCode, claimed.body).toBe(201);
    return claimed.json().holdId as string;
  }

  async function orderOf(org: SeededOrganization, orderId: string) {
    const response = await context.app.inject({
      url: `/api/v1/orders/${orderId}`,
      headers: { cookie: org.ownerCookie },
    });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  /** A first checkout that saves the shopper's details; answers the profile token. */
  async function saveProfile(org: SeededOrganization, shopper: string): Promise<string> {
    const saved = await checkout(await holdOn(org, shopper), {
      ...payWith('pm_card_visa'),
      saveProfile: true,
    });
    expect(saved.statusCode, saved.body).toBe(201);
    return saved.json().profile as string;
  }

  it('saves the details on opt-in and checks the next hold out in one click with them', async () => {
    const first = await checkout(await holdOn(acme, 'returning'), {
      ...payWith('pm_card_visa'),
      saveProfile: true,
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ orderId: expect.any(String), profile: expect.any(String) });
    const token = first.json().profile as string;

    const summary = await profileRequest('GET', token);
    expect(summary.statusCode).toBe(200);
    expect(summary.json()).toEqual({
      name: 'Sam Shopper',
      email: 's***@example.com',
      city: 'Paris',
      country: 'FR',
      paymentLabel: 'Visa ending 4242',
    });

    const chargesBefore = sandbox.chargeCalls;
    const oneClick = await checkout(await holdOn(acme, 'returning'), { profile: token });
    expect(oneClick.statusCode, oneClick.body).toBe(201);
    expect(oneClick.json()).toEqual({ orderId: expect.any(String) });
    expect(sandbox.chargeCalls).toBe(chargesBefore + 1);
    expect(await orderOf(acme, oneClick.json().orderId)).toMatchObject({
      status: 'paid',
      email: shopperDetails.email,
      name: shopperDetails.name,
      address: shopperDetails.address,
      paymentProvider: 'sandbox',
    });
  });

  it('keeps only a hash of the token and never logs it', async () => {
    const token = await saveProfile(acme, 'private');
    expect((await checkout(await holdOn(acme, 'private'), { profile: token })).statusCode).toBe(
      201,
    );
    const rows = await context.database.db.selectFrom('shopperProfiles').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('')).not.toContain(token);
  });

  it('refuses an unknown token naming profile, charges nothing and keeps the hold', async () => {
    const holdId = await holdOn(acme, 'stranger');
    const chargesBefore = sandbox.chargeCalls;
    const refused = await checkout(holdId, { profile: 'msp_not-a-real-token' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.field).toBe('profile');
    expect(sandbox.chargeCalls).toBe(chargesBefore);
    expect((await context.app.inject({ url: `/api/v1/public/holds/${holdId}` })).json().state).toBe(
      'held',
    );
    const paid = await checkout(holdId, payWith('pm_card_visa'));
    expect(paid.statusCode).toBe(201);
  });

  it("does not let one organisation's profile pay in another's shop", async () => {
    const token = await saveProfile(acme, 'acme-regular');
    const refused = await checkout(await holdOn(globex, 'acme-regular'), { profile: token });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.field).toBe('profile');
  });

  it('forgets a profile: its summary and its one-click checkout are gone', async () => {
    const token = await saveProfile(acme, 'forgetful');
    expect((await profileRequest('DELETE', token)).statusCode).toBe(204);
    expect((await profileRequest('GET', token)).statusCode).toBe(404);
    expect((await profileRequest('DELETE', token)).statusCode).toBe(404);
    const refused = await checkout(await holdOn(acme, 'forgetful'), { profile: token });
    expect([refused.statusCode, refused.json().error.details.field]).toEqual([400, 'profile']);
  });

  it('names the field when a profile is mixed with details or the header is missing', async () => {
    const holdId = await holdOn(acme, 'confused');
    const mixed = await checkout(holdId, { ...payWith('pm_card_visa'), profile: 'msp_x' });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().error.details.issues.map((i: { field: string }) => i.field)).toEqual([
      'body.profile',
    ]);
    const missing = await context.app.inject({ url: '/api/v1/public/profiles/me' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toContain('x-shopper-profile');
  });

  it('saves nothing when the card is declined: 402 as before, without a profile', async () => {
    const declined = await checkout(await holdOn(acme, 'declined-saver'), {
      ...payWith('pm_card_chargeDeclined'),
      saveProfile: true,
    });
    expect([declined.statusCode, declined.json().error.code]).toEqual([402, 'payment_declined']);
    expect(declined.json().profile).toBeUndefined();
  });

  it('answers a retry with the same key, sent while the payment runs, with the same order', async () => {
    const holdId = await holdOn(acme, 'impatient');
    const chargesBefore = sandbox.chargeCalls;
    sandbox.pause();
    const first = checkout(holdId, payWith('pm_card_visa'), 'pay-once');
    await waitFor(() => sandbox.chargeCalls === chargesBefore + 1);
    const retry = checkout(holdId, payWith('pm_card_visa'), 'pay-once');
    const otherKey = await checkout(holdId, payWith('pm_card_visa'), 'another-attempt');
    expect([otherKey.statusCode, otherKey.json().error.code]).toEqual([409, 'conflict']);
    sandbox.resume();
    const [firstAnswer, retryAnswer] = await Promise.all([first, retry]);
    expect(firstAnswer.statusCode).toBe(201);
    expect(retryAnswer.statusCode).toBe(201);
    expect(retryAnswer.json()).toEqual(firstAnswer.json());
    expect(sandbox.chargeCalls).toBe(chargesBefore + 1);
    const after = await checkout(holdId, payWith('pm_card_visa'), 'pay-once');
    expect(after.json()).toEqual(firstAnswer.json());
  });

  it('replays a saved checkout with its profile token to a retry with the same key', async () => {
    const holdId = await holdOn(acme, 'saver-retry');
    const body = { ...payWith('pm_card_visa'), saveProfile: true };
    const first = await checkout(holdId, body, 'save-key');
    const retry = await checkout(holdId, body, 'save-key');
    expect(first.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(first.json().profile).toEqual(expect.any(String));
  });

  it('answers a declined retry with the same 402, and lets a new attempt pay', async () => {
    const holdId = await holdOn(acme, 'second-card');
    const declined = await checkout(holdId, payWith('pm_card_chargeDeclined'), 'card-1');
    expect(declined.statusCode).toBe(402);
    const again = await checkout(holdId, payWith('pm_card_chargeDeclined'), 'card-1');
    expect(again.statusCode).toBe(402);
    expect(again.json()).toEqual(declined.json());
    const reused = await checkout(holdId, payWith('pm_card_visa'), 'card-1');
    expect([reused.statusCode, reused.json().error.details.field]).toEqual([
      400,
      'idempotency-key',
    ]);
    const paid = await checkout(holdId, payWith('pm_card_visa'), 'card-2');
    expect(paid.statusCode).toBe(201);
  });

  it('stamps the order with the show its offer sells in, and with none when it has no show', async () => {
    const { offerId } = await liveOffer(context.app, acme, { units: 5 });
    const headers = { cookie: acme.ownerCookie };
    const showAt = async (startsAt: string, endsAt: string) => {
      const created = await context.app.inject({
        method: 'POST',
        url: '/api/v1/shows',
        headers,
        payload: { brandId: acme.brandId, title: `Show at ${startsAt}`, startsAt, endsAt },
      });
      expect(created.statusCode, created.body).toBe(201);
      const showId = created.json().id as string;
      const linked = await context.app.inject({
        method: 'PUT',
        url: `/api/v1/shows/${showId}/offers`,
        headers,
        payload: { offerIds: [offerId] },
      });
      expect(linked.statusCode, linked.body).toBe(200);
      return showId;
    };
    const paidOrder = async (forOffer: string, shopper: string) => {
      const { holdId } = (await claim(context.app, forOffer, shopper)).json();
      const paid = await checkout(holdId, payWith('pm_card_visa'));
      expect(paid.statusCode).toBe(201);
      return orderOf(acme, paid.json().orderId);
    };

    expect((await paidOrder(offerId, 'before-any-show')).showId).toBeNull();
    // Last week's show and tonight's (on air now) both list the offer: tonight's sells it.
    const lastWeek = await showAt('2026-11-15T18:00:00Z', '2026-11-15T19:00:00Z');
    const tonight = await showAt('2026-11-22T17:30:00Z', '2026-11-22T19:00:00Z');
    const order = await paidOrder(offerId, 'viewer');
    expect(order.showId).toBe(tonight);
    const events = await context.app.inject({
      url: `/api/v1/orders?offerId=${offerId}`,
      headers,
    });
    expect(events.json().items.map((item: { showId: string | null }) => item.showId)).toContain(
      tonight,
    );
    // The producer takes the offer off tonight's rundown: the very next order is not tonight's.
    const unlinked = await context.app.inject({
      method: 'PUT',
      url: `/api/v1/shows/${tonight}/offers`,
      headers,
      payload: { offerIds: [] },
    });
    expect(unlinked.statusCode, unlinked.body).toBe(200);
    expect((await paidOrder(offerId, 'late-viewer')).showId).toBe(lastWeek);
  });
});

describe.each(backends)('one-click checkout on $longName', (backend) => {
  const context = useBackendContext(backend);

  it.skipIf(backend.skip)(
    'saves a profile, buys in one click and stamps the order with its show',
    async () => {
      const acme = await seedOrganization(context, 'Acme');
      const { offerId } = await liveOffer(context.app, acme, { units: 5 });
      const headers = { cookie: acme.ownerCookie };
      const now = Date.now();
      const show = await context.app.inject({
        method: 'POST',
        url: '/api/v1/shows',
        headers,
        payload: {
          brandId: acme.brandId,
          title: 'On air',
          startsAt: new Date(now - 30 * 60_000).toISOString(),
          endsAt: new Date(now + 60 * 60_000).toISOString(),
        },
      });
      const showId = show.json().id as string;
      await context.app.inject({
        method: 'PUT',
        url: `/api/v1/shows/${showId}/offers`,
        headers,
        payload: { offerIds: [offerId] },
      });
      const pay = async (payload: object) => {
        const { holdId } = (await claim(context.app, offerId, 'regular')).json();
        const paid = await context.app.inject({
          method: 'POST',
          url: `/api/v1/public/holds/${holdId}/checkout`,
          payload,
        });
        expect(paid.statusCode, paid.body).toBe(201);
        return paid.json() as { orderId: string; profile?: string };
      };
      const first = await pay({ ...payWith('pm_card_visa'), saveProfile: true });
      const second = await pay({ profile: first.profile });
      const order = await context.app.inject({ url: `/api/v1/orders/${second.orderId}`, headers });
      expect(order.json()).toMatchObject({ showId, email: shopperDetails.email, status: 'paid' });
    },
  );
});
