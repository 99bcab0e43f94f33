import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/errors.js';
import { RefreshingCache } from '../../lib/refreshing-cache.js';
import type { OfferStore, StoreCounts } from './offer-store.js';
import type { OfferRow, OffersRepository } from './offers.repository.js';
import { urgencyMessageFor } from './urgency-stages.js';

/** What a shopper (or a stream overlay) sees of an offer. */
export interface PublicOffer {
  id: string;
  title: string;
  kind: string;
  state: 'upcoming' | 'live' | 'paused' | 'sold_out' | 'closed';
  price: number;
  currency: string;
  priceTiers: Array<{ minQuantity: number; unitPriceMinor: number }>;
  stockLeft: number;
  lowStock: boolean;
  startsAt: Date | null;
  endsAt: Date | null;
  endsWithStream: boolean;
  perBuyerLimit: number | null;
  holdTtlSeconds: number;
  messages: string[];
  items: Array<{ title: string; skuCode: string; quantity: number }>;
  /** The offer's fallback bundle, named while this one cannot be bought and it can. */
  fallback: FallbackOffer | null;
  /**
   * Markets still served when the reserve is split by market (a shopper must claim with one
   * of them); empty when every shopper draws from one pool.
   */
  markets: string[];
  /** The market `stockLeft` and `state` are for: the one asked for, if the offer serves it. */
  market: string | null;
}

export interface FallbackOffer {
  offerId: string;
  title: string;
  stockLeft: number;
}

interface CachedOffer {
  row: OfferRow;
  items: PublicOffer['items'];
}

/** The answer for an offer without a fallback bundle: one settled promise, shared. */
export const noFallback: Promise<FallbackOffer | null> = Promise.resolve(null);

/** The stock message of a live offer: its tightest stage reached, else "Only N left" when low. */
function stockMessageOf(row: OfferRow, stockLeft: number, lowStock: boolean): string | null {
  if (row.urgencyStages.length > 0) return urgencyMessageFor(row.urgencyStages, stockLeft);
  return lowStock ? `Only ${stockLeft} left` : null;
}

/** How long an offer's static fields are served from memory; counts are always live. */
const offerCacheMs = 1000;

/**
 * The public view of offers, polled by overlays and offer pages every few seconds: static
 * fields come from a short cache, counts always from the offer store.
 */
export class PublicOffers {
  private readonly offers = new RefreshingCache((offerId) => this.load(offerId), offerCacheMs);

  constructor(
    private readonly deps: { offers: OffersRepository; store: OfferStore; clock: Clock },
  ) {}

  async describe(offerId: string, market: string | null = null): Promise<PublicOffer> {
    const { row, items } = await this.cached(offerId);
    const view = this.viewOf(row, items, await this.deps.store.counts(offerId), market);
    if (view.state === 'sold_out' || view.state === 'closed') {
      view.fallback = await this.fallbackOf(row);
    }
    return view;
  }

  /**
   * The fallback bundle a sold-out or closed offer points shoppers to (seed 000: a fallback
   * keeps the buyer when the hero unit is gone), only while it is live with stock left.
   * An offer in memory without one answers `noFallback` itself, which the claim route tells
   * apart without waiting: in a drop every refusal asks.
   */
  fallbackFor(offerId: string): Promise<FallbackOffer | null> {
    const known = this.offers.peek(offerId);
    if (known && !known.row.fallbackOfferId) return noFallback;
    return this.cached(offerId).then(({ row }) => this.fallbackOf(row));
  }

  private async fallbackOf(row: OfferRow): Promise<FallbackOffer | null> {
    if (!row.fallbackOfferId) return null;
    const fallback = await this.cached(row.fallbackOfferId).catch(() => undefined);
    if (!fallback || fallback.row.organizationId !== row.organizationId) return null;
    const counts = await this.deps.store.counts(fallback.row.id);
    const view = this.viewOf(fallback.row, fallback.items, counts);
    if (view.state !== 'live') return null;
    return { offerId: view.id, title: view.title, stockLeft: view.stockLeft };
  }

  private viewOf(
    row: OfferRow,
    items: PublicOffer['items'],
    counts: StoreCounts | undefined,
    market: string | null = null,
  ): PublicOffer {
    // Split by market: the stock is the asked market's (none once its reserve was released).
    const pools = counts?.markets ?? [];
    const pool = market === null ? undefined : pools.find((entry) => entry.market === market);
    const open = pool && !pool.released ? pool.available : 0;
    const stockLeft = counts ? Math.max(0, pool ? open : counts.available) : 0;
    const sold = counts?.sold ?? 0;
    const status = counts?.status ?? row.status;
    const now = this.deps.clock.now();
    let state: PublicOffer['state'];
    if (status === 'closed' || (row.endsAt && row.endsAt <= now)) state = 'closed';
    else if (status === 'paused') state = 'paused';
    else if (status !== 'live' || (row.startsAt && row.startsAt > now)) state = 'upcoming';
    else state = stockLeft === 0 ? 'sold_out' : 'live';
    const lowStock = state === 'live' && stockLeft <= row.lowStockThreshold;
    const messages: string[] = [];
    const urgency = state === 'live' ? stockMessageOf(row, stockLeft, lowStock) : null;
    if (urgency !== null) messages.push(urgency);
    // Orders earn the bonus (orders.bonus, by sale number); units sold are at least the orders
    // placed, so counting units can hide the promise early but never shows it once it is gone.
    if (row.urgencyRule && sold < row.urgencyRule.firstOrders && state === 'live') {
      messages.push(`First ${row.urgencyRule.firstOrders} orders get ${row.urgencyRule.bonus}`);
    }
    if (row.endsWithStream && state === 'live') messages.push('Ends when the stream closes');
    return {
      id: row.id,
      title: row.title,
      kind: row.kind,
      state,
      price: row.priceMinor,
      currency: row.currency,
      priceTiers: row.priceTiers,
      stockLeft,
      lowStock,
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      endsWithStream: row.endsWithStream,
      perBuyerLimit: row.perBuyerLimit,
      holdTtlSeconds: row.holdTtlSeconds,
      messages,
      items,
      fallback: null,
      markets: pools.filter((entry) => !entry.released).map((entry) => entry.market),
      market: pool ? pool.market : null,
    };
  }

  forget(offerId: string): void {
    this.offers.forget(offerId);
  }

  /**
   * The offer's row and items, from memory: in a drop thousands of requests a second ask for
   * the same offer (every sold-out answer names the fallback). Terms are frozen once approved;
   * status and stock come from the offer store, never from here.
   */
  cached(offerId: string): Promise<CachedOffer> {
    return this.offers.get(offerId);
  }

  private async load(offerId: string): Promise<CachedOffer> {
    const row = await this.deps.offers.findOfferById(offerId);
    if (!row) throw notFound('offer', offerId);
    const components = await this.deps.offers.listComponents(row.organizationId, [row.id]);
    const skus = await this.deps.offers.findSkus(
      row.organizationId,
      components.map((component) => component.skuId),
    );
    const items = components.map((component) => {
      const sku = skus.find((candidate) => candidate.id === component.skuId);
      return { title: sku?.title ?? '', skuCode: sku?.code ?? '', quantity: component.quantity };
    });
    return { row, items };
  }
}
