import { api } from '../api/client';
import type { Offer, OfferInput, OfferKind, OfferStatus } from '../api/types';

export const kindLabels: Record<OfferKind, string> = {
  single_sku: 'Single SKU',
  tiered_bundle: 'Tiered bundle',
  time_limited_bundle: 'Time-limited bundle',
};

export const statusLabels: Record<OfferStatus, string> = {
  draft: 'Draft',
  approved: 'Approved',
  armed: 'Armed',
  live: 'Live',
  paused: 'Paused',
  closed: 'Closed',
};

/** Live and paused offers change by the second (claims, holds, checkouts): poll them. */
export const isMoving = (offer: Offer) => offer.status === 'live' || offer.status === 'paused';

export const offerPollMs = 2_000;

/** The next time a market's own TTL returns its unused units, whatever the offer's status. */
export function nextMarketRelease(offer: Offer): string | null {
  if (offer.status === 'closed') return null;
  const due = offer.markets.flatMap((share) =>
    share.releasedAt === null && share.expiresAt !== null ? [share.expiresAt] : [],
  );
  return due.sort()[0] ?? null;
}

/**
 * A market whose TTL has passed but whose units the server has not returned yet: the server
 * sweeps every few seconds, so the page polls until it shows "released".
 */
export const awaitsMarketRelease = (offer: Offer, now = Date.now()) => {
  const next = nextMarketRelease(offer);
  return next !== null && new Date(next).getTime() <= now;
};

export function offersPath(brandId: string | null): string {
  return brandId ? `/api/v1/offers?brandId=${encodeURIComponent(brandId)}` : '/api/v1/offers';
}

export const offerPath = (id: string) => `/api/v1/offers/${encodeURIComponent(id)}`;

/** The server-rendered page shoppers see. */
export const shopperPagePath = (id: string) => `/o/${encodeURIComponent(id)}`;

export function createOffer(input: OfferInput): Promise<Offer> {
  return api<Offer>('/api/v1/offers', { method: 'POST', body: input });
}

export function updateOffer(id: string, input: OfferInput): Promise<Offer> {
  return api<Offer>(offerPath(id), { method: 'PUT', body: input });
}

export type LifecycleAction = 'approve' | 'go-live' | 'pause' | 'resume' | 'close';

/** A reason given with the kill switch (pause, close) is kept in the audit log. */
export function moveOffer(id: string, action: LifecycleAction, reason?: string): Promise<Offer> {
  const body = reason?.trim() ? { reason: reason.trim() } : undefined;
  return api<Offer>(`${offerPath(id)}/${action}`, { method: 'POST', body });
}

/**
 * One market's share when arming: `ownerId` defaults to the person arming, `lowStockThreshold`
 * to the offer's scaled to the market's share (`defaultMarketLowStock`).
 */
export interface MarketReserveInput {
  market: string;
  units: number;
  ownerId?: string;
  reserveTtlSeconds: number | null;
  lowStockThreshold?: number;
}

/**
 * What arming takes: units out of stock for one pool, or split by market (then `units` is left
 * out: the API sums the markets). `reserveTtlSeconds` releases the whole reserve if the offer
 * is not live by then.
 */
export type ArmRequest =
  | { units: number; reserveTtlSeconds: number | null }
  | { markets: MarketReserveInput[]; reserveTtlSeconds: number | null };

export function armOffer(id: string, request: ArmRequest): Promise<Offer> {
  return api<Offer>(`${offerPath(id)}/arm`, { method: 'POST', body: request });
}

/** Where the Offers area shows what: one route, the view picked by the query string. */
export const offersHref = {
  list: '/offers',
  create: '/offers?view=new',
  detail: (id: string) => `/offers?offer=${encodeURIComponent(id)}`,
  edit: (id: string) => `/offers?offer=${encodeURIComponent(id)}&view=edit`,
};
