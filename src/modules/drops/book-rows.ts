/*
 * Which offers have live state (a book, or Redis keys), and the rows that state is rebuilt
 * from after a restart or when Redis lost it. Both stores rebuild from these same reads, so
 * they cannot drift apart in what survives a restart.
 */

import type { HoldsRepository } from './holds.repository.js';
import type { OfferStatus } from './offer-book.types.js';
import type { OfferStockRepository } from './offer-stock.repository.js';
import type { OfferRow } from './offers.repository.js';
import type { WaitlistRepository } from './waitlist.repository.js';

/** Statuses whose offers have reserved units and therefore a book. */
export const bookedStatuses: readonly OfferStatus[] = ['armed', 'live', 'paused'];

/** The repositories a book's rows are read from. */
export interface BookRowSources {
  holds: HoldsRepository;
  stock: OfferStockRepository;
  waitlist: WaitlistRepository;
}

/**
 * Units sold, holds (open and ended: ended ones still answer their keys), units each shopper
 * bought (the per-buyer limit counts them), market reserves, shoppers waiting, in the order
 * they joined, and keyed joins' first answers.
 */
export async function readBookRows(sources: BookRowSources, offer: OfferRow) {
  const [sold, holds, bought, markets, waiting, waitAnswers] = await Promise.all([
    sources.holds.soldUnits(offer.id),
    sources.holds.listHolds(offer.id),
    sources.holds.unitsBoughtByShopper(offer.id),
    sources.stock.listMarketReserves(offer.id),
    sources.waitlist.listWaiting(offer.organizationId, offer.id),
    sources.waitlist.listWaitlistAnswers(offer.organizationId, offer.id),
  ]);
  return { sold, holds, bought, markets, waiting, waitAnswers };
}
