/** Shapes of the Mydrop HTTP API (v1) as the console uses them. */

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface OrganizationMembership {
  id: string;
  name: string;
  slug: string;
  role: string;
}

export interface Me {
  user: User;
  organizations: OrganizationMembership[];
  activeOrganizationId: string | null;
  activeBrandId: string | null;
  role: string | null;
  permissions: string[];
}

export interface ItemList<T> {
  items: T[];
}

export interface Brand {
  id: string;
  name: string;
  slug: string;
  currency: string;
  timezone: string;
  createdAt: string;
}

export interface Sku {
  id: string;
  code: string;
  attributes: Record<string, string>;
  priceMinor: number;
  currency: string;
  stockOnHand: number;
}

export interface Product {
  id: string;
  brandId: string;
  title: string;
  description: string;
  imageUrls: string[];
  skus: Sku[];
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: string;
  createdAt: string;
}

export interface RoleInfo {
  role: string;
  description: string;
  permissions: string[];
}

export interface Invitation {
  id: string;
  email: string;
  role: string;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedInvitation extends Invitation {
  acceptUrl: string;
}

export interface PublicInvitation {
  email: string;
  role: string;
  organizationName: string;
  expiresAt: string;
}

export interface ApiToken {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiToken extends ApiToken {
  token: string;
}

/** Permission names the console checks to decide which controls to show. */
export const Permission = {
  membersManage: 'members.manage',
  tokensManage: 'tokens.manage',
  brandsManage: 'brands.manage',
} as const;

export type OfferKind = 'single_sku' | 'tiered_bundle' | 'time_limited_bundle';
export type OfferStatus = 'draft' | 'approved' | 'armed' | 'live' | 'paused' | 'closed';

export interface OfferComponent {
  skuId: string;
  quantity: number;
}

export interface PriceTier {
  minQuantity: number;
  unitPriceMinor: number;
}

/** While the units left are at or below `atOrBelow`, shoppers see `message` ({left}: units). */
export interface UrgencyStage {
  atOrBelow: number;
  message: string;
}

export interface UrgencyRule {
  firstOrders: number;
  bonus: string;
}

/** Units of a reserve: reserved = available + held + sold. */
export interface StockCounts {
  reserved: number;
  available: number;
  held: number;
  sold: number;
}

export interface OfferInventory extends StockCounts {
  waitlist: number;
  /** Per component, in SKU units (offer units × component quantity). */
  components: Array<OfferComponent & StockCounts>;
}

/**
 * One market's share of a reserve split by market (seed 004): its owner answers for it, and
 * its own TTL returns its unused units to the catalog (`releasedAt`) whatever the offer's status.
 */
export interface OfferMarketReserve extends StockCounts {
  /** ISO 3166 country code, upper case. */
  market: string;
  ownerId: string;
  expiresAt: string | null;
  releasedAt: string | null;
  /** Available units at or below which its owner and operations are told it runs low. */
  lowStockThreshold: number;
  /** When it was flagged low; null again once units come back above the threshold. */
  lowStockFlaggedAt: string | null;
}

/** What POST and PUT /api/v1/offers take. */
export interface OfferInput {
  brandId: string;
  title: string;
  kind: OfferKind;
  components: OfferComponent[];
  priceMinor: number;
  currency: string;
  priceTiers: PriceTier[];
  perBuyerLimit: number | null;
  holdTtlSeconds: number;
  lowStockThreshold: number;
  urgencyRule: UrgencyRule | null;
  startsAt: string | null;
  endsAt: string | null;
  endsWithStream: boolean;
  codes: string[];
  fallbackOfferId?: string | null;
  substitutions?: Array<{ skuId: string; substituteSkuId: string }>;
  /** Messages by units left; the live offer shows the tightest stage reached. */
  urgencyStages?: UrgencyStage[];
}

export interface Offer extends OfferInput {
  id: string;
  /** Tightest threshold first. */
  urgencyStages: UrgencyStage[];
  status: OfferStatus;
  fallbackOfferId: string | null;
  substitutions: Array<{ skuId: string; substituteSkuId: string }>;
  termsHash: string;
  approvedTermsHash: string | null;
  reservedUnits: number;
  reserveExpiresAt: string | null;
  /** Who armed the reserve (null when an API token did). */
  reserveOwnerId: string | null;
  /** The reserve split by market, sorted by market code; empty when it is one pool. */
  markets: OfferMarketReserve[];
  /** Null until the offer is armed (and after a restart for closed offers). */
  inventory: OfferInventory | null;
  approvedAt: string | null;
  armedAt: string | null;
  liveAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type OrderStatus = 'paid' | 'cancelled' | 'returned';
export type FulfilmentStatus = 'unfulfilled' | 'packed' | 'shipped' | 'delivered';

export interface Order {
  id: string;
  offerId: string;
  quantity: number;
  amountMinor: number;
  currency: string;
  status: OrderStatus;
  fulfilmentStatus: FulfilmentStatus;
  email: string;
  name: string;
  offerCode: string | null;
  trafficSource: string | null;
  market: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Permissions of the offer lifecycle and orders (GET /api/v1/me `permissions`). */
export const DropPermission = {
  offersWrite: 'offers.write',
  approve: 'approvals.review',
  arm: 'inventory.manage',
  goLive: 'shows.go_live',
  kill: 'offers.kill',
  ordersRead: 'orders.read',
  ordersManage: 'orders.manage',
} as const;
