import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { runDrop } from '../drop-runner.js';
import {
  type ClaimAnswer,
  type DropSpec,
  type DropTarget,
  type InventoryAudit,
  type Occupancy,
  peakOccupancy,
  type WorkloadPlan,
} from '../drop-workload.js';
import type { Measurement } from './in-process.js';
import { medusaDir, medusaVersion } from './medusa-install.js';

/**
 * The optional baseline of issue #3: the real `@medusajs/inventory` module of Medusa 2.21.2 on
 * the same PostgreSQL server, driven by the same shoppers as the other baselines. Medusa lives
 * in bench/medusa with its own package.json and node_modules, installed on first use and never
 * by the root `npm install`; bench/medusa/inventory-app.ts boots it and makes the calls Medusa's
 * cart and order flows make (read its header). This file only knows that side through the small
 * interfaces below, so it typechecks without Medusa installed.
 *
 * What Medusa does not have, the scenario adds on the client side, as little as the workload
 * needs:
 * - idempotency: a map from Idempotency-Key to the first answer, so a retry gets its hold back;
 * - the limit per buyer: units held or sold per shopper, given back when a hold expires;
 * - hold expiry: a sweeper every 250 ms (as the other baselines') removes reservations older
 *   than the TTL;
 * - orders: a paid hold is recorded in a table of the benchmark's own (`medusa_bench_orders`),
 *   the audit's way to tell a sold reservation from an expired one.
 */
/**
 * Without its lock every claim makes a whole reservation (lost updates keep the level looking
 * available), each queued on the level's row lock: several times slower than with the lock, so
 * that variant, there to show the oversell, gets a quarter of the shoppers and no bundle.
 */
export const medusaVariants = [
  {
    key: 'locked',
    name: `Baseline: @medusajs/inventory (Medusa ${medusaVersion})`,
    locked: true,
    shopperShare: 1,
    runsBundles: true,
  },
  {
    key: 'unlocked',
    name: `Baseline: @medusajs/inventory (Medusa ${medusaVersion}) without its lock`,
    locked: false,
    shopperShare: 0.25,
    runsBundles: false,
  },
] as const;

export type MedusaVariant = (typeof medusaVariants)[number];

/** Why a variant does not run a drop, or null. */
export function medusaSkipsDrop(variant: MedusaVariant, spec: DropSpec): string | null {
  if (spec.components === 1 || variant.runsBundles) return null;
  // Medusa's writes lock a bundle's three level rows in no fixed order (one UPDATE of all three
  // for a reservation, one per item for a sale): without the lock PostgreSQL finds deadlocks, a
  // second each. Measured once: a 500-shopper drop took 6 minutes, 545 claims deadlocked.
  return 'not run: deadlocks without the lock';
}

/** The variant's shoppers per drop, and the note saying so when not the run's `shoppers`. */
export function medusaShoppers(
  variant: MedusaVariant,
  medusaShoppers: number,
  shoppers: number,
): { count: number; note: string | null } {
  const count = Math.ceil(medusaShoppers * variant.shopperShare);
  const why =
    variant.shopperShare < 1
      ? `a quarter of --medusa-shoppers=${medusaShoppers.toLocaleString('en-US')}: without the lock every claim is a whole reservation`
      : '--medusa-shoppers: Medusa decides a few hundred claims per second at most';
  return {
    count,
    note:
      count === shoppers
        ? null
        : `${count.toLocaleString('en-US')} shoppers per drop, not ${shoppers.toLocaleString('en-US')} (${why})`,
  };
}

/** bench/medusa/inventory-app.ts as this side uses it. */
interface InventoryCalls {
  reserve(lineItemId: string, itemIds: readonly string[]): Promise<'reserved' | 'sold_out'>;
  sell(lineItemId: string, itemIds: readonly string[], ttlSeconds: number): Promise<boolean>;
  expire(itemIds: readonly string[], ttlSeconds: number): Promise<string[]>;
}

interface MedusaInventory {
  stockItems(skus: readonly string[], units: number): Promise<string[]>;
  calls(locked: boolean): InventoryCalls;
  shutdown(): Promise<void>;
}

interface MedusaSide {
  bootMedusaInventory(databaseUrl: string, poolSize: number): Promise<MedusaInventory>;
}

const schema = `create table if not exists medusa_bench_orders (
  line_item_id text primary key, created_at timestamptz not null)`;

/** Medusa's database errors quote the whole statement: its start and its end say enough. */
function shortened(error: unknown): unknown {
  const text = String(error);
  return text.length <= 200 ? error : new Error(`${text.slice(0, 100)} ... ${text.slice(-80)}`);
}

const soldOut: ClaimAnswer = { refused: 'sold_out' };
const limitReached: ClaimAnswer = { refused: 'limit_reached' };

/** Medusa booted once on a scratch database; each drop gets inventory items of its own. */
export class MedusaBaseline {
  private constructor(
    private readonly medusa: MedusaInventory,
    private readonly pool: pg.Pool,
  ) {}

  /** Boots the module (migrations included) on `databaseUrl`, with a pool of `poolSize`. */
  static async open(databaseUrl: string, poolSize: number): Promise<MedusaBaseline> {
    const entry = pathToFileURL(join(medusaDir, 'inventory-app.ts')).href;
    const side = (await import(entry)) as MedusaSide;
    const medusa = await side.bootMedusaInventory(databaseUrl, poolSize);
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    // An idle client closed under us (the database dropped at the end) must not crash the run.
    pool.on('error', () => {});
    try {
      await pool.query(schema);
    } catch (error) {
      await Promise.allSettled([pool.end(), medusa.shutdown()]);
      throw error;
    }
    return new MedusaBaseline(medusa, pool);
  }

  async measure(
    locked: boolean,
    spec: DropSpec,
    plan: WorkloadPlan,
    ttlSeconds: number,
  ): Promise<Measurement & { detail: string | null }> {
    const skus = Array.from(
      { length: spec.components },
      (_, index) => `${plan.prefix}-sku-${index}`,
    );
    const itemIds = await this.medusa.stockItems(skus, spec.units);
    const calls = this.medusa.calls(locked);
    const answers = new Map<string, Promise<ClaimAnswer>>();
    const unitsOfShopper = new Map<string, number>();
    const shopperOfHold = new Map<string, string>();
    // When each reservation was made: the first `spec.units` of them give the rate the issue
    // quotes ("about 80 reservations/s under its lock"), refusals left out.
    const reservedAt: number[] = [];
    let startedAt: number | null = null;

    const decide = async (shopper: string, key: string): Promise<ClaimAnswer> => {
      startedAt ??= performance.now();
      const owned = unitsOfShopper.get(shopper) ?? 0;
      if (owned + 1 > spec.perBuyerLimit) return limitReached;
      // The reservation's line item is the hold: the key is unique to one claim.
      if ((await calls.reserve(key, itemIds)) === 'sold_out') return soldOut;
      reservedAt.push(performance.now());
      unitsOfShopper.set(shopper, (unitsOfShopper.get(shopper) ?? 0) + 1);
      shopperOfHold.set(key, shopper);
      return { hold: key };
    };

    const target: DropTarget = {
      claim(_lane, shopper, key) {
        let answer = answers.get(key);
        if (!answer) {
          // A failed claim (a lock time-out) is not remembered: its retry tries again.
          answer = decide(shopper, key).catch((error: unknown) => {
            answers.delete(key);
            throw shortened(error);
          });
          answers.set(key, answer);
        }
        return answer;
      },
      checkout: async (holdId) => {
        const sold = await calls.sell(holdId, itemIds, ttlSeconds).catch((error: unknown) => {
          throw shortened(error);
        });
        if (!sold) {
          throw new Error(`hold ${holdId} expired before payment`);
        }
        await this.pool.query(
          'insert into medusa_bench_orders (line_item_id, created_at) values ($1, clock_timestamp())',
          [holdId],
        );
        return true;
      },
    };

    const sweep = async () => {
      for (const hold of await calls.expire(itemIds, ttlSeconds)) {
        const shopper = shopperOfHold.get(hold);
        if (shopper) unitsOfShopper.set(shopper, (unitsOfShopper.get(shopper) ?? 1) - 1);
      }
    };
    let sweeping = Promise.resolve();
    const sweeper = setInterval(() => {
      sweeping = sweeping.then(sweep).catch(() => {});
    }, 250);
    let result: Awaited<ReturnType<typeof runDrop>>;
    try {
      result = await runDrop(target, plan);
    } finally {
      clearInterval(sweeper);
      await sweeping;
    }
    await sweep();
    const audit = await auditMedusa(this.pool, itemIds, spec);
    return { result, audit, detail: reservationRate(spec, startedAt, reservedAt) };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pool.end(), this.medusa.shutdown()]);
  }
}

/** "first 200 reservations in 2.4 s (83/s)", for drops of more than a few units. */
function reservationRate(
  spec: DropSpec,
  startedAt: number | null,
  reservedAt: readonly number[],
): string | null {
  const last = reservedAt[spec.units - 1];
  if (spec.units < 10 || startedAt === null || last === undefined) return null;
  const seconds = (last - startedAt) / 1000;
  return `first ${spec.units} reservations in ${seconds.toFixed(1)} s (${Math.round(spec.units / seconds)}/s)`;
}

/**
 * The books from Medusa's own tables: every reservation (removed ones keep `deleted_at`), each
 * level's stocked and reserved quantities, and the benchmark's orders. A hold is a line item
 * with one reservation per SKU; it occupies a unit from its reservation's creation until the
 * sweeper removed it, or for good once paid.
 */
async function auditMedusa(
  pool: pg.Pool,
  itemIds: readonly string[],
  spec: DropSpec,
): Promise<InventoryAudit> {
  const reservations = await pool.query<{
    inventory_item_id: string;
    line_item_id: string;
    quantity: number;
    created_at: Date;
    deleted_at: Date | null;
  }>(
    `select inventory_item_id, line_item_id, quantity::int as quantity, created_at, deleted_at
     from reservation_item where inventory_item_id = any($1)`,
    [itemIds],
  );
  const levels = await pool.query<{
    inventory_item_id: string;
    stocked: number;
    reserved: number;
  }>(
    `select inventory_item_id, stocked_quantity::int as stocked, reserved_quantity::int as reserved
     from inventory_level where inventory_item_id = any($1) and deleted_at is null`,
    [itemIds],
  );
  // Sold reservations are only soft-deleted: the drop's line items find every order of it.
  const holds = [...new Set(reservations.rows.map((row) => row.line_item_id))];
  const orders = await pool.query<{ line_item_id: string }>(
    'select line_item_id from medusa_bench_orders where line_item_id = any($1)',
    [holds],
  );
  const sold = new Set(orders.rows.map((row) => row.line_item_id));
  const problems: string[] = [];
  const heldLineItems = new Set<string>();
  const intervals = new Map<string, Occupancy[]>();
  const openUnits = new Map<string, number>();
  const soldUnits = new Map<string, number>();
  for (const row of reservations.rows) {
    const isSold = sold.has(row.line_item_id);
    const end =
      isSold || row.deleted_at === null ? Number.POSITIVE_INFINITY : row.deleted_at.getTime();
    const item = row.inventory_item_id;
    const occupancy = intervals.get(item) ?? [];
    occupancy.push({ start: row.created_at.getTime(), end, units: row.quantity });
    intervals.set(item, occupancy);
    if (isSold) soldUnits.set(item, (soldUnits.get(item) ?? 0) + row.quantity);
    else if (row.deleted_at === null) {
      heldLineItems.add(row.line_item_id);
      openUnits.set(item, (openUnits.get(item) ?? 0) + row.quantity);
    }
  }
  itemIds.forEach((item, index) => {
    const level = levels.rows.find((row) => row.inventory_item_id === item);
    const sku = `sku-${index}`;
    if (!level) {
      problems.push(`${sku}: no inventory level`);
      return;
    }
    const soldHere = soldUnits.get(item) ?? 0;
    const openHere = openUnits.get(item) ?? 0;
    if (level.stocked + soldHere !== spec.units)
      problems.push(`${sku}: stocked ${level.stocked} + sold ${soldHere} is not ${spec.units}`);
    if (level.reserved !== openHere)
      problems.push(`${sku}: reserved_quantity ${level.reserved}, open reservations ${openHere}`);
    if (level.stocked - level.reserved < 0)
      problems.push(`${sku}: available is ${level.stocked - level.reserved}`);
  });
  const peak = Math.max(0, ...[...intervals.values()].map((item) => peakOccupancy(item)));
  return {
    reserved: spec.units,
    sold: sold.size,
    held: heldLineItems.size,
    peakCommitted: peak,
    problems,
  };
}
