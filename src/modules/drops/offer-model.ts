import type { BookCounts, OfferStatus } from './offer-book.types.js';
import type { OfferStockRepository } from './offer-stock.repository.js';
import type { OfferStore } from './offer-store.js';
import { hashOfferTerms, type OfferKind, type OfferTerms, type PriceTier } from './offer-terms.js';
import type { OfferRow, OffersRepository } from './offers.repository.js';
import { sortUrgencyStages, type UrgencyStage } from './urgency-stages.js';

export interface OfferInput {
  brandId: string;
  title: string;
  kind: OfferKind;
  components: Array<{ skuId: string; quantity: number }>;
  priceMinor: number;
  currency: string;
  priceTiers: PriceTier[];
  perBuyerLimit: number | null;
  holdTtlSeconds: number;
  lowStockThreshold: number;
  urgencyRule: { firstOrders: number; bonus: string } | null;
  startsAt: Date | null;
  endsAt: Date | null;
  endsWithStream: boolean;
  codes: string[];
  fallbackOfferId: string | null;
  substitutions: Array<{ skuId: string; substituteSkuId: string }>;
  /** Urgency messages by stock left (urgency-stages.ts); none when absent. */
  urgencyStages?: UrgencyStage[] | undefined;
}

export interface ComponentInventory extends BookCounts {
  skuId: string;
  quantity: number;
}

/** One market's share of a split reserve: who owns it, until when, and its live counts. */
export interface MarketReserve extends BookCounts {
  market: string;
  ownerId: string;
  expiresAt: Date | null;
  /** When its TTL passed and its unused units went back to the catalog. */
  releasedAt: Date | null;
  /** Available units at or below which its owner and operations are told it runs low. */
  lowStockThreshold: number;
  /** When they were told, until units come back above the threshold. */
  lowStockFlaggedAt: Date | null;
}

export interface Offer extends Omit<OfferInput, 'codes' | 'urgencyStages'> {
  id: string;
  /** Tightest first. */
  urgencyStages: UrgencyStage[];
  status: OfferStatus;
  codes: string[];
  termsHash: string;
  approvedTermsHash: string | null;
  reservedUnits: number;
  reserveOwnerId: string | null;
  reserveExpiresAt: Date | null;
  /** The reserve split by market (empty when every shopper draws from one pool). */
  markets: MarketReserve[];
  /** Live counts in offer units, and per component in SKU units; null before arming. */
  inventory: (BookCounts & { waitlist: number; components: ComponentInventory[] }) | null;
  approvedAt: Date | null;
  armedAt: Date | null;
  liveAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function termsOf(
  input: Omit<
    OfferInput,
    'codes' | 'brandId' | 'holdTtlSeconds' | 'lowStockThreshold' | 'urgencyStages'
  >,
): OfferTerms {
  return {
    title: input.title,
    kind: input.kind,
    components: input.components,
    priceMinor: input.priceMinor,
    currency: input.currency.toUpperCase(),
    priceTiers: input.priceTiers,
    perBuyerLimit: input.perBuyerLimit,
    urgencyRule: input.urgencyRule,
    startsAt: input.startsAt?.toISOString() ?? null,
    endsAt: input.endsAt?.toISOString() ?? null,
    endsWithStream: input.endsWithStream,
    substitutions: input.substitutions,
    fallbackOfferId: input.fallbackOfferId,
  };
}

/** The offer row's columns that come from the input, as stored (JSON encoded where needed). */
export function offerColumns(input: OfferInput) {
  const terms = termsOf(input);
  return {
    title: input.title,
    kind: input.kind,
    priceMinor: input.priceMinor,
    currency: terms.currency,
    priceTiers: JSON.stringify(input.priceTiers),
    perBuyerLimit: input.perBuyerLimit,
    holdTtlSeconds: input.holdTtlSeconds,
    lowStockThreshold: input.lowStockThreshold,
    urgencyRule: JSON.stringify(input.urgencyRule),
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    endsWithStream: input.endsWithStream,
    fallbackOfferId: input.fallbackOfferId,
    substitutions: JSON.stringify(input.substitutions),
    urgencyStages: JSON.stringify(sortUrgencyStages(input.urgencyStages ?? [])),
    termsHash: hashOfferTerms(terms),
  };
}

/** Offers as the API shows them: terms, codes, and the book's live counts when armed. */
export async function presentOffers(
  deps: { offers: OffersRepository; stock: OfferStockRepository; store: OfferStore },
  organizationId: string,
  rows: OfferRow[],
): Promise<Offer[]> {
  const ids = rows.map((row) => row.id);
  const [components, codes, live, shares] = await Promise.all([
    deps.offers.listComponents(organizationId, ids),
    deps.offers.listCodes(organizationId, ids),
    deps.store.countsMany(ids),
    deps.stock.listMarketReservesOf(organizationId, ids),
  ]);
  return rows.map((row) => {
    const own = components.filter((component) => component.offerId === row.id);
    const counts = live.get(row.id);
    return {
      id: row.id,
      brandId: row.brandId,
      title: row.title,
      kind: row.kind as OfferKind,
      status: row.status as OfferStatus,
      components: own.map((component) => ({
        skuId: component.skuId,
        quantity: component.quantity,
      })),
      priceMinor: row.priceMinor,
      currency: row.currency,
      priceTiers: row.priceTiers,
      perBuyerLimit: row.perBuyerLimit,
      holdTtlSeconds: row.holdTtlSeconds,
      lowStockThreshold: row.lowStockThreshold,
      urgencyRule: row.urgencyRule,
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      endsWithStream: row.endsWithStream,
      codes: codes.filter((code) => code.offerId === row.id).map((code) => code.code),
      fallbackOfferId: row.fallbackOfferId,
      substitutions: row.substitutions,
      urgencyStages: row.urgencyStages,
      termsHash: row.termsHash,
      approvedTermsHash: row.approvedTermsHash,
      reservedUnits: counts?.reserved ?? row.reservedUnits,
      reserveOwnerId: row.reserveOwnerId,
      reserveExpiresAt: row.reserveExpiresAt,
      markets: shares
        .filter((share) => share.offerId === row.id)
        .map((share) => {
          const pool = counts?.markets.find((entry) => entry.market === share.market);
          return {
            market: share.market,
            ownerId: share.ownerId,
            expiresAt: share.expiresAt,
            releasedAt: share.releasedAt,
            lowStockThreshold: share.lowStockThreshold,
            lowStockFlaggedAt: share.lowStockFlaggedAt,
            // Without a book (closed, or not armed), the rows: nothing is held then.
            reserved: pool?.reserved ?? share.reservedUnits,
            available: pool?.available ?? share.reservedUnits - share.soldUnits,
            held: pool?.held ?? 0,
            sold: pool?.sold ?? share.soldUnits,
          };
        }),
      inventory: counts
        ? {
            reserved: counts.reserved,
            available: counts.available,
            held: counts.held,
            sold: counts.sold,
            waitlist: counts.waitlist,
            components: own.map((component) => ({
              skuId: component.skuId,
              quantity: component.quantity,
              reserved: counts.reserved * component.quantity,
              available: counts.available * component.quantity,
              held: counts.held * component.quantity,
              sold: counts.sold * component.quantity,
            })),
          }
        : null,
      approvedAt: row.approvedAt,
      armedAt: row.armedAt,
      liveAt: row.liveAt,
      closedAt: row.closedAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  });
}
