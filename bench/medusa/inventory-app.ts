/**
 * The real `@medusajs/inventory` module of Medusa 2.21.2, booted standalone on a PostgreSQL
 * database, and the calls Medusa's own flows make around a reservation. Used only by the drop
 * benchmark's Medusa baseline (bench/scenarios/medusa-inventory.ts), which imports this file
 * dynamically once `npm install --prefix bench/medusa` has run: the root typecheck excludes
 * this folder, `npx tsc -p bench/medusa` checks it against Medusa's own types.
 *
 * What mirrors Medusa (packages/core/core-flows, 2.21):
 * - reserve: `confirmInventoryStep` (`confirmInventory` per item, outside any lock), then
 *   `reserveInventoryStep` (`locking.execute(inventoryItemIds, () =>
 *   createReservationItems(items))`, with the in-memory locking provider and its default
 *   5-second acquisition time-out). A bundle is one line item whose variant has three
 *   inventory items: one reservation per item, created in one call, all or nothing.
 * - sell: what order fulfilment does to a reservation, `adjustInventory` by minus the quantity
 *   and the reservation removed, under the same lock (`adjustInventoryLevelsStep` locks too).
 * - expire: Medusa reservations never expire; the benchmark's sweeper removes those older
 *   than the hold TTL, under the same lock.
 * Reservations are removed with `softDeleteReservationItems`: it gives the units back to the
 * level exactly as `deleteReservationItems` does, and keeps the row (with `deleted_at`) that
 * the audit reads to know when each reservation ended.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type {
  FilterableReservationItemProps,
  IInventoryService,
  ILockingModule,
  Logger,
  ReservationItemDTO,
} from '@medusajs/framework/types';

const require = createRequire(import.meta.url);
const { MedusaApp, MedusaModule } =
  require('@medusajs/framework/modules-sdk') as typeof import('@medusajs/framework/modules-sdk');
const { ContainerRegistrationKeys, MedusaError, Modules, ModulesSdkUtils, createMedusaContainer } =
  require('@medusajs/framework/utils') as typeof import('@medusajs/framework/utils');
const { asValue } =
  require('@medusajs/framework/awilix') as typeof import('@medusajs/framework/awilix');

/** Levels need a location id; the stock location module itself is not loaded. */
const locationId = 'sloc_mydrop_bench';

export type ReserveOutcome = 'reserved' | 'sold_out';

/** One way of calling the module: with Medusa's lock around every write, or without. */
export interface InventoryCalls {
  /** Reserves one unit of every item for the line item, or none. */
  reserve(lineItemId: string, itemIds: readonly string[]): Promise<ReserveOutcome>;
  /** Turns a line item's reservations into a sale, only if they exist and are younger than the TTL. */
  sell(lineItemId: string, itemIds: readonly string[], ttlSeconds: number): Promise<boolean>;
  /** Removes reservations older than the TTL; answers their line item ids. */
  expire(itemIds: readonly string[], ttlSeconds: number): Promise<string[]>;
}

export interface MedusaInventory {
  /** One inventory item per SKU, each with `units` stocked at the benchmark's location. */
  stockItems(skus: readonly string[], units: number): Promise<string[]>;
  calls(locked: boolean): InventoryCalls;
  shutdown(): Promise<void>;
}

/** Medusa's modules log through the container's logger: only problems get through. */
function quietLogger(): Logger {
  const silent = () => {};
  const say = (level: string) => (message: unknown) =>
    process.stderr.write(`medusa ${level}: ${String(message)}\n`);
  return new Proxy({} as Logger, {
    get: (_target, name) => (name === 'error' || name === 'warn' ? say(String(name)) : silent),
  });
}

/** Boots the inventory and locking modules on `databaseUrl` and runs their migrations. */
export async function bootMedusaInventory(
  databaseUrl: string,
  poolSize: number,
): Promise<MedusaInventory> {
  const container = createMedusaContainer();
  container.register(ContainerRegistrationKeys.LOGGER, asValue(quietLogger()));
  const connection = ModulesSdkUtils.createPgConnection({
    clientUrl: databaseUrl,
    pool: { min: 1, max: poolSize },
  });
  const app = await MedusaApp({
    sharedContainer: container,
    sharedResourcesConfig: { database: { clientUrl: databaseUrl } },
    injectedDependencies: { [ContainerRegistrationKeys.PG_CONNECTION]: connection },
    // Medusa resolves modules from process.cwd(), the repository's root here: where they
    // really are, next to this file, is given as a path.
    modulesConfig: {
      [Modules.INVENTORY]: { resolve: require.resolve('@medusajs/inventory') },
      [Modules.LOCKING]: { resolve: require.resolve('@medusajs/locking') },
      // Two modules have no links between them: a link loader that loads none stands in for
      // @medusajs/link-modules, which is not installed (MedusaApp would warn, then go on).
      [Modules.LINK]: { initialize: async () => undefined } as never,
    },
    cwd: fileURLToPath(new URL('.', import.meta.url)),
  });
  await app.runMigrations();
  const inventory = app.modules[Modules.INVENTORY] as unknown as IInventoryService;
  const locking = app.modules[Modules.LOCKING] as unknown as ILockingModule;

  const isShortOfStock = (error: unknown) =>
    error instanceof MedusaError && error.type === MedusaError.Types.NOT_ALLOWED;

  return {
    async stockItems(skus, units) {
      const items = await inventory.createInventoryItems(skus.map((sku) => ({ sku })));
      await inventory.createInventoryLevels(
        items.map((item) => ({
          inventory_item_id: item.id,
          location_id: locationId,
          stocked_quantity: units,
        })),
      );
      return items.map((item) => item.id);
    },

    calls(locked) {
      const underLock = <T>(itemIds: readonly string[], job: () => Promise<T>): Promise<T> =>
        locked ? locking.execute([...itemIds].sort(), job) : job();

      const liveReservations = (lineItemId: string) =>
        inventory.listReservationItems({ line_item_id: lineItemId });

      return {
        async reserve(lineItemId, itemIds) {
          const covered = await Promise.all(
            itemIds.map((id) => inventory.confirmInventory(id, [locationId], 1)),
          );
          if (covered.some((isCovered) => !isCovered)) return 'sold_out';
          try {
            await underLock(itemIds, () =>
              inventory.createReservationItems(
                itemIds.map((id) => ({
                  inventory_item_id: id,
                  location_id: locationId,
                  quantity: 1,
                  line_item_id: lineItemId,
                  allow_backorder: false,
                })),
              ),
            );
            return 'reserved';
          } catch (error) {
            if (isShortOfStock(error)) return 'sold_out';
            throw error;
          }
        },

        sell(lineItemId, itemIds, ttlSeconds) {
          return underLock(itemIds, async () => {
            const reservations: ReservationItemDTO[] = await liveReservations(lineItemId);
            const bornAfter = Date.now() - ttlSeconds * 1000;
            const valid = reservations.filter(
              (reservation) => new Date(reservation.created_at).getTime() > bornAfter,
            );
            if (valid.length !== itemIds.length) return false;
            await inventory.adjustInventory(
              valid.map((reservation) => ({
                inventoryItemId: reservation.inventory_item_id,
                locationId: reservation.location_id,
                adjustment: -Number(reservation.quantity),
              })),
            );
            await inventory.softDeleteReservationItems(valid.map((reservation) => reservation.id));
            return true;
          });
        },

        expire(itemIds, ttlSeconds) {
          return underLock(itemIds, async () => {
            // The module filters on any column; its filter type names only some of them.
            const filter: FilterableReservationItemProps & { created_at: { $lte: Date } } = {
              inventory_item_id: [...itemIds],
              created_at: { $lte: new Date(Date.now() - ttlSeconds * 1000) },
            };
            const due = await inventory.listReservationItems(filter, {
              select: ['id', 'line_item_id'],
            });
            if (due.length === 0) return [];
            await inventory.softDeleteReservationItems(due.map((reservation) => reservation.id));
            return [...new Set(due.map((reservation) => String(reservation.line_item_id)))];
          });
        },
      };
    },

    async shutdown() {
      try {
        await app.onApplicationShutdown();
      } finally {
        MedusaModule.clearInstances();
        await connection.destroy();
      }
    },
  };
}
