import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../src/db/database.js';
import { systemClock, turnEpochMs } from '../../src/lib/clock.js';
import { isAppError } from '../../src/lib/errors.js';
import { newId, randomSecret } from '../../src/lib/ids.js';
import { hashKey, KeyTable } from '../../src/lib/key-table.js';
import type { Actor } from '../../src/modules/access/index.js';
import {
  type ClaimDecision,
  EmbeddedOfferStore,
  OfferBook,
  type StoreClaimOutcome,
} from '../../src/modules/drops/index.js';
import { createServices, type Services } from '../../src/services.js';
import { clientSideAudit, type DropResult, flat, runDrop } from '../drop-runner.js';
import {
  type ClaimAnswer,
  type DropSpec,
  type DropTarget,
  type InventoryAudit,
  sandboxCheckout,
  type WorkloadPlan,
} from '../drop-workload.js';
import { auditMydropOffer } from '../mydrop-audit.js';

export interface Measurement {
  result: DropResult;
  audit: InventoryAudit;
}

const soldOut: ClaimAnswer = { refused: 'sold_out' };

/**
 * The in-process ceiling: the same workload driver around a decision that does nothing but
 * count units down and remember each key's answer, in the same kind of table Mydrop keeps its
 * answers in (a `Map` costs several times more a new key). No system can answer faster
 * through it.
 */
export async function measureNoopCeiling(plan: WorkloadPlan): Promise<Measurement> {
  let left = plan.reserved;
  let holds = 0;
  const answers = new KeyTable<ClaimAnswer>();
  const target: DropTarget = {
    claim(_lane, _shopper, key) {
      const hash = hashKey(key);
      const first = answers.get(key, hash);
      if (first) return first;
      let answer = soldOut;
      if (left > 0) {
        left -= 1;
        holds += 1;
        answer = { hold: String(holds) };
      }
      answers.set(key, hash, answer);
      return answer;
    },
    async checkout() {
      return true;
    },
  };
  const result = await runDrop(target, plan);
  // As a closed book does: the table's memory goes to the next run's.
  answers.release();
  return { result, audit: clientSideAudit(result, plan.reserved) };
}

/** One answer object per refusal code, as the no-op ceiling shares its sold-out answer. */
const refusedAnswers = new Map<string, ClaimAnswer>();
function refusedAnswer(code: string): ClaimAnswer {
  let answer = refusedAnswers.get(code);
  if (!answer) {
    answer = { refused: code };
    refusedAnswers.set(code, answer);
  }
  return answer;
}

function answerOf(decision: ClaimDecision): ClaimAnswer {
  return decision.ok ? { hold: decision.holdId } : refusedAnswer(decision.code);
}

function refusalOf(error: unknown): ClaimAnswer {
  return isAppError(error) ? { refused: error.code } : { error: String(error) };
}

function storeAnswerOf(outcome: StoreClaimOutcome | undefined): ClaimAnswer {
  if (!outcome) return { error: 'no book' };
  return outcome.ok ? { hold: outcome.holdId } : refusedAnswer(outcome.code);
}

/**
 * The decision alone: OfferBook.claim called in a synchronous loop with the same shoppers and
 * keys, no driver, no promises, no durability wait. Shows what the layers above it cost.
 */
export function measureDecisionCore(shoppers: number, reserved: number): number {
  const book = new OfferBook({
    offerId: 'core',
    organizationId: 'core',
    status: 'live',
    reserved,
    sold: 0,
    perBuyerLimit: 2,
    holdTtlMs: 60_000,
  });
  const ids = Array.from({ length: shoppers }, (_, index) => flat(`core-shopper-${index}`));
  const keys = Array.from({ length: shoppers }, (_, index) => flat(`core-key-${index}`));
  // As the driver does: the preparation's garbage is not the decisions' to collect.
  (globalThis as { gc?: () => void }).gc?.();
  // One writer for every claim, as the embedded store passes its books: no closure per claim.
  const durable = Promise.resolve();
  const write = () => durable;
  const started = performance.now();
  const now = Date.now();
  for (let index = 0; index < shoppers; index++) {
    book.claim(
      {
        shopperId: ids[index] as string,
        quantity: 1,
        idempotencyKey: keys[index] as string,
        now,
      },
      write,
    );
  }
  return (shoppers / (performance.now() - started)) * 1000;
}

/**
 * Mydrop embedded in the process: the real services on an in-memory PGlite in its worker
 * thread (the default of `mydrop start`), or on a PostgreSQL database (the one the baselines
 * use, so the two compare on the same server), holds written through the engine's group
 * commit, checkouts through the sandbox payment provider.
 */
export class EmbeddedMydrop {
  private constructor(
    private readonly services: Services,
    private readonly database: DatabaseHandle,
    private readonly actor: Actor,
    private readonly brandId: string,
  ) {}

  /**
   * `crowd`: the shoppers of a measured drop, which the store prepares for as a server does.
   * Without `databaseUrl`, as `mydrop start` runs by default: PGlite in its worker thread,
   * statements pipelined; with it, as `mydrop start` runs with DATABASE_URL.
   */
  static async open(crowd: number, databaseUrl?: string): Promise<EmbeddedMydrop> {
    const database = await openDatabase(
      databaseUrl === undefined ? { pgliteThread: 'worker' } : { databaseUrl },
    );
    await migrateToLatest(database.db);
    const services = createServices({
      db: database.db,
      databaseOffThread: database.offThread,
      databasePipelined: database.pipelined,
      clock: systemClock,
      secret: randomSecret(48),
      passwordCost: { N: 1024, r: 8, p: 1 },
      // A measured offer is closed and its book let go at once (see measure), so that each
      // drop starts on the same heap instead of on the previous drops' 200,000 answers each.
      offerStore: (deps) =>
        new EmbeddedOfferStore({ ...deps, closedBookMs: 0, expectedCrowd: crowd }),
    });
    await services.offerStore.recover();
    services.offerStore.start();
    const user = await services.identity.createUser({
      email: 'bench@mydrop.test',
      name: 'Bench Owner',
      password: randomSecret(16),
    });
    const organization = await services.organizations.createOrganization({
      name: 'Bench Retail',
      ownerUserId: user.id,
    });
    const actor: Actor = {
      kind: 'user',
      id: user.id,
      organizationId: organization.id,
      role: 'owner',
      userId: user.id,
    };
    const brand = await services.organizations.createBrand(actor, {
      name: 'Bench Brand',
      currency: 'EUR',
      timezone: 'UTC',
    });
    return new EmbeddedMydrop(services, database, actor, brand.id);
  }

  /**
   * Runs one drop on a fresh live offer. `path` picks the entry point: the ShopperService
   * (what an embedding application calls; refusals arrive as thrown AppErrors) or the
   * embedded offer store below it (refusals are returned values).
   */
  async measure(
    spec: DropSpec,
    plan: WorkloadPlan,
    path: 'service' | 'engine',
    holdTtlMs: number,
  ): Promise<Measurement> {
    const { services } = this;
    const offerId = await this.createLiveOffer(spec);
    const store = services.offerStore as EmbeddedOfferStore;
    const book = store.book(offerId);
    if (!book) throw new Error(`no book for live offer ${offerId}`);
    // The API's minimum TTL is 10 s; in process the book's own TTL is shortened so the run
    // waits less for abandoned holds to come back.
    book.holdTtlMs = holdTtlMs;
    const checkout = async (holdId: string) => {
      await services.shopper.checkout(holdId, sandboxCheckout);
      return true;
    };
    const target: DropTarget =
      path === 'service'
        ? {
            claim(_lane, shopper, key) {
              try {
                const decision = services.shopper.decideClaim(
                  offerId,
                  { shopper, quantity: 1 },
                  key,
                );
                if (!(decision instanceof Promise)) return answerOf(decision);
                return decision.then(answerOf, refusalOf);
              } catch (error) {
                return refusalOf(error);
              }
            },
            checkout,
          }
        : {
            claim(_lane, shopper, key) {
              const outcome = store.claim(offerId, {
                shopperId: shopper,
                quantity: 1,
                idempotencyKey: key,
                offerCode: null,
                trafficSource: null,
                market: null,
                // The clock reading the ShopperService passes (one per synchronous run).
                now: turnEpochMs(systemClock),
              });
              return outcome instanceof Promise
                ? outcome.then(storeAnswerOf)
                : storeAnswerOf(outcome);
            },
            checkout,
          };
    const result = await runDrop(target, plan);
    const audit = await auditMydropOffer(this.database.db, offerId);
    await services.offers.close(this.actor, offerId);
    await store.sweep();
    return { result, audit };
  }

  async close(): Promise<void> {
    await this.services.offerStore.stop();
    await this.database.close();
  }

  private async createLiveOffer(spec: DropSpec): Promise<string> {
    const { services, actor, brandId } = this;
    const tag = newId().slice(0, 8);
    const product = await services.catalog.createProduct(actor, {
      brandId,
      title: `Bench ${spec.label} ${tag}`,
      description: '',
      imageUrls: [],
      skus: Array.from({ length: spec.components }, (_, index) => ({
        code: `BENCH-${tag}-${index}`,
        attributes: {},
        priceMinor: 2900,
        currency: 'EUR',
        stockOnHand: spec.units,
      })),
    });
    const offer = await services.offers.create(actor, {
      brandId,
      title: `Bench drop ${spec.label}`,
      kind: spec.components > 1 ? 'tiered_bundle' : 'single_sku',
      components: product.skus.map((sku) => ({ skuId: sku.id, quantity: 1 })),
      priceMinor: 1900,
      currency: 'EUR',
      priceTiers: [],
      perBuyerLimit: spec.perBuyerLimit,
      holdTtlSeconds: 10,
      lowStockThreshold: 20,
      urgencyRule: null,
      startsAt: null,
      endsAt: null,
      endsWithStream: false,
      codes: [`B${tag}`],
      fallbackOfferId: null,
      substitutions: [],
    });
    await services.offers.approve(actor, offer.id);
    await services.offers.arm(actor, offer.id, { units: spec.units, reserveTtlSeconds: null });
    await services.offers.goLive(actor, offer.id);
    return offer.id;
  }
}
