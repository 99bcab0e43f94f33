/*
 * Which offers have live state (a book, or Redis keys), and the rows that state is rebuilt
 * from after a restart or when Redis lost it. Both stores rebuild from these same reads, so
 * they cannot drift apart in what survives a restart.
 */

import type { DropsRepository, OfferRow } from './drops.repository.js';
import type { OfferStatus } from './offer-book.types.js';

/** Statuses whose offers have reserved units and therefore a book. */
export const bookedStatuses: readonly OfferStatus[] = ['armed', 'live', 'paused'];

/**
 * Units sold, holds (open and ended: ended ones still answer their keys), units each shopper
 * bought (the per-buyer limit counts them), market reserves, shoppers waiting, in the order
 * they joined, and keyed joins' first answers.
 */
export async function readBookRows(repository: DropsRepository, offer: OfferRow) {
  const [sold, holds, bought, markets, waiting, waitAnswers] = await Promise.all([
    repository.soldUnits(offer.id),
    repository.listHolds(offer.id),
    repository.unitsBoughtByShopper(offer.id),
    repository.listMarketReserves(offer.id),
    repository.listWaiting(offer.organizationId, offer.id),
    repository.listWaitlistAnswers(offer.organizationId, offer.id),
  ]);
  return { sold, holds, bought, markets, waiting, waitAnswers };
}
