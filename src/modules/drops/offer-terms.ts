import { createHash } from 'node:crypto';

/** What an offer promises. Approval freezes it: a change of any of these voids approval. */
export const offerKinds = ['single_sku', 'tiered_bundle', 'time_limited_bundle'] as const;
export type OfferKind = (typeof offerKinds)[number];

export interface PriceTier {
  minQuantity: number;
  unitPriceMinor: number;
}

export interface OfferTerms {
  title: string;
  kind: OfferKind;
  components: Array<{ skuId: string; quantity: number }>;
  priceMinor: number;
  currency: string;
  priceTiers: PriceTier[];
  perBuyerLimit: number | null;
  urgencyRule: { firstOrders: number; bonus: string } | null;
  startsAt: string | null;
  endsAt: string | null;
  endsWithStream: boolean;
  substitutions: Array<{ skuId: string; substituteSkuId: string }>;
  fallbackOfferId: string | null;
}

/** A stable hash of the terms: key order and component order do not change it. */
export function hashOfferTerms(terms: OfferTerms): string {
  const canonical = {
    ...terms,
    components: [...terms.components].sort((a, b) => a.skuId.localeCompare(b.skuId)),
    priceTiers: [...terms.priceTiers].sort((a, b) => a.minQuantity - b.minQuantity),
    substitutions: [...terms.substitutions].sort((a, b) => a.skuId.localeCompare(b.skuId)),
  };
  return createHash('sha256').update(JSON.stringify(canonical, sortedReplacer)).digest('hex');
}

function sortedReplacer(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/**
 * The unit price for a quantity: the tier with the largest minimum quantity not above it,
 * or the base price.
 */
export function unitPriceFor(
  quantity: number,
  basePriceMinor: number,
  tiers: readonly PriceTier[],
): number {
  let price = basePriceMinor;
  let best = 0;
  for (const tier of tiers) {
    if (tier.minQuantity <= quantity && tier.minQuantity > best) {
      best = tier.minQuantity;
      price = tier.unitPriceMinor;
    }
  }
  return price;
}
