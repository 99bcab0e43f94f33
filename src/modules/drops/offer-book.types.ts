/*
 * The vocabulary of an offer's book (statuses, claims, holds, waits, counts), shared by the
 * book, both stores and the services: apart from OfferBook so that knowing what a claim, a
 * hold or a wait is does not mean reading the engine that decides them.
 */

import type { OfferBook } from './offer-book.js';

export type OfferStatus = 'draft' | 'approved' | 'armed' | 'live' | 'paused' | 'closed';

export type ClaimRefusal =
  | 'sold_out'
  | 'paused'
  | 'closed'
  | 'limit_reached'
  | 'not_live'
  | 'not_in_market';

export interface BookHold {
  id: string;
  shopperId: string;
  quantity: number;
  createdAt: number;
  expiresAt: number;
  /** `checking_out` pins a hold while its payment is in flight: it cannot expire then. */
  state: 'held' | 'checking_out';
  idempotencyKey: string | null;
  offerCode: string | null;
  trafficSource: string | null;
  /** The market whose reserve the units came from; null when the offer is not split. */
  market: string | null;
  /** Resolves once the hold is durable; an answer waits for it. */
  durable: Promise<void>;
}

/**
 * Makes a new hold durable; its answer waits for the promise. The book is passed along so a
 * store can hand every book the same function instead of a closure per claim.
 */
export type HoldWriter = (hold: BookHold, book: OfferBook) => Promise<void>;

export type ClaimOutcome =
  | { ok: true; hold: BookHold; replay: boolean }
  | { ok: false; code: ClaimRefusal };

export interface ClaimRequest {
  /** The new hold's id; generated only when a hold is actually created. */
  holdId?: string;
  shopperId: string;
  quantity: number;
  idempotencyKey: string | null;
  offerCode?: string | null;
  trafficSource?: string | null;
  /** The shopper's market (ISO country code); required when the offer is split by market. */
  market?: string | null;
  now: number;
}

export interface BookCounts {
  reserved: number;
  available: number;
  held: number;
  sold: number;
}

/** One market's share of the reserve, as armed (and as recovered after a restart). */
export interface MarketShare {
  market: string;
  reserved: number;
  sold: number;
  /** Its TTL passed: unused units went back to the catalog, its shoppers get nothing more. */
  released: boolean;
}

export interface MarketCounts extends BookCounts {
  market: string;
  released: boolean;
}

export interface BookSettings {
  offerId: string;
  organizationId: string;
  status: OfferStatus;
  reserved: number;
  sold: number;
  perBuyerLimit: number | null;
  holdTtlMs: number;
  /** A time-limited offer's window, in epoch milliseconds; null when open-ended. */
  opensAt?: number | null;
  closesAt?: number | null;
  /** The reserve split by market; null or absent when every shopper draws from one pool. */
  markets?: readonly MarketShare[] | null;
  /** The offer's own codes: a claim's code is recorded as attribution only when it is one. */
  offerCodes?: readonly string[];
}

/** A shopper in line for released units; `id` and `order` tie it to its database row. */
export interface WaitingEntry {
  id: string;
  shopperId: string;
  quantity: number;
  /** The market whose units it waits for; null when the offer is not split. */
  market: string | null;
  /** The place in line as decided (lower first): a restart restores the line in this order. */
  order: number;
  joinedAt: number;
}

/** A keyed join's first answer: its entry and the place in line it was told. */
export interface WaitAnswer {
  entryId: string;
  position: number;
}

/**
 * How a wait ended, for the store to persist: served with the hold it got, passed by because
 * the shopper reached the per-buyer limit meanwhile (`left`), or ended with the offer or its
 * market's reserve (`expired`).
 */
export type WaitlistEnd =
  | { entryId: string; status: 'served'; holdId: string }
  | { entryId: string; status: 'left' | 'expired'; holdId: null };
