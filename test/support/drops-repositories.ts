import type { Db } from '../../src/db/database.js';
import { HoldsRepository } from '../../src/modules/drops/holds.repository.js';
import { OfferStockRepository } from '../../src/modules/drops/offer-stock.repository.js';
import { OffersRepository } from '../../src/modules/drops/offers.repository.js';
import { OrdersRepository } from '../../src/modules/drops/orders.repository.js';
import { WaitlistRepository } from '../../src/modules/drops/waitlist.repository.js';

/**
 * Every repository of the drops module on one database, keyed as the offer stores' deps name
 * them: a test builds a store with `{ ...repositories, journal, clock }`, and swaps one (such
 * as `holds`, to make its writes fail) by overriding that key.
 */
export function dropsRepositoriesOn(db: Db) {
  return {
    offers: new OffersRepository(db),
    stock: new OfferStockRepository(db),
    holds: new HoldsRepository(db),
    orders: new OrdersRepository(db),
    waitlist: new WaitlistRepository(db),
  };
}

export type DropsRepositories = ReturnType<typeof dropsRepositoriesOn>;
