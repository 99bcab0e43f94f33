/*
 * Rebuilds an offer's book from its rows for the embedded store, after a restart and when an
 * offer is armed. Apart from the store because it runs once per offer, never on a claim, and
 * is the one place that says what of a book survives a restart.
 */

import { type BookRowSources, bookedStatuses, readBookRows } from './book-rows.js';
import type { HoldJournal, JournalWaitEnd } from './hold-journal.js';
import { OfferBook } from './offer-book.js';
import type { BookHold, OfferStatus } from './offer-book.types.js';
import { marketShareOf } from './offer-stock.repository.js';
import type { OfferRow, OffersRepository } from './offers.repository.js';
import type { WaitlistRow } from './waitlist.repository.js';

export interface LoadedBook {
  book: OfferBook;
  /** Holds still open in the book, for the store to find by id. */
  openHoldIds: string[];
}

/**
 * Reserved units, units sold, holds still open, shoppers waiting (in line as they joined).
 * Holds that expired meanwhile are still in the book: the caller's first sweep returns them
 * to the line.
 */
export async function loadOfferBook(
  sources: BookRowSources & { offers: OffersRepository },
  journal: HoldJournal,
  offer: OfferRow,
): Promise<LoadedBook> {
  const { sold, holds, bought, markets, waiting, waitAnswers } = await readBookRows(sources, offer);
  const book = new OfferBook({
    offerId: offer.id,
    organizationId: offer.organizationId,
    status: offer.status as OfferStatus,
    reserved: offer.reservedUnits,
    sold,
    perBuyerLimit: offer.perBuyerLimit,
    holdTtlMs: offer.holdTtlSeconds * 1000,
    opensAt: offer.startsAt?.getTime() ?? null,
    closesAt: offer.endsAt?.getTime() ?? null,
    markets: markets.length > 0 ? markets.map(marketShareOf) : null,
    offerCodes: (await sources.offers.listCodes(offer.organizationId, [offer.id])).map(
      (row) => row.code,
    ),
  });
  // The per-buyer limit counts what each shopper already bought, not only open holds.
  for (const { shopperId, units } of bought) book.restoreBought(shopperId, units);
  const openHoldIds: string[] = [];
  for (const hold of holds) {
    const restored: BookHold = {
      id: hold.id,
      shopperId: hold.shopperId,
      quantity: hold.quantity,
      createdAt: hold.createdAt.getTime(),
      expiresAt: hold.expiresAt.getTime(),
      state: 'held',
      idempotencyKey: hold.idempotencyKey,
      offerCode: hold.offerCode,
      trafficSource: hold.trafficSource,
      market: hold.market,
      durable: Promise.resolve(),
    };
    if (hold.status !== 'held') {
      book.rememberAnswer(restored);
      continue;
    }
    book.addHold(restored);
    openHoldIds.push(hold.id);
  }
  restoreWaitlist(book, waiting, journal);
  for (const answer of waitAnswers) {
    book.rememberWaitAnswer(answer.idempotencyKey, {
      entryId: answer.id,
      position: answer.position,
    });
  }
  return { book, openHoldIds };
}

/** Puts waiting shoppers back in line; those who can no longer get units there expire. */
function restoreWaitlist(
  book: OfferBook,
  waiting: readonly WaitlistRow[],
  journal: HoldJournal,
): void {
  const onSale = bookedStatuses.includes(book.status);
  const expired: JournalWaitEnd[] = [];
  for (const row of waiting) {
    if (!onSale || !book.acceptsWaiting(row.market)) {
      expired.push({ id: row.id, organizationId: row.organizationId, status: 'expired' });
      continue;
    }
    book.addWaiting({
      id: row.id,
      shopperId: row.shopperId,
      quantity: row.quantity,
      market: row.market,
      order: row.queueOrder,
      joinedAt: row.joinedAt.getTime(),
    });
  }
  if (expired.length > 0) journal.waitsEnded(expired);
}
