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

export function armOffer(
  id: string,
  units: number,
  reserveTtlSeconds: number | null,
): Promise<Offer> {
  return api<Offer>(`${offerPath(id)}/arm`, {
    method: 'POST',
    body: { units, reserveTtlSeconds },
  });
}

/** Where the Offers area shows what: one route, the view picked by the query string. */
export const offersHref = {
  list: '/offers',
  create: '/offers?view=new',
  detail: (id: string) => `/offers?offer=${encodeURIComponent(id)}`,
  edit: (id: string) => `/offers?offer=${encodeURIComponent(id)}&view=edit`,
};
