import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { CreatedAt, Json, Timestamp } from './column-types.js';
import type { AuditTables } from './schema-audit.js';
import type { GovernanceTables } from './schema-governance.js';
import type { NotificationsTables } from './schema-notifications.js';
import type { ShowsTables } from './schema-shows.js';

/**
 * Table types as Kysely sees them. Columns are snake_case in SQL and camelCase here
 * (CamelCasePlugin). Every tenant-owned table carries `organizationId`.
 */

export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  timezone: string;
  createdAt: CreatedAt;
}

export interface BrandsTable {
  id: string;
  organizationId: string;
  name: string;
  slug: string;
  currency: string;
  timezone: string;
  createdAt: CreatedAt;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  createdAt: CreatedAt;
}

export interface MembershipsTable {
  organizationId: string;
  userId: string;
  role: string;
  createdAt: CreatedAt;
}

export interface SessionsTable {
  id: string;
  tokenHash: string;
  userId: string;
  activeOrganizationId: string | null;
  activeBrandId: string | null;
  createdAt: CreatedAt;
  expiresAt: Timestamp;
  lastSeenAt: Timestamp;
}

export interface InvitationsTable {
  id: string;
  organizationId: string;
  email: string;
  role: string;
  tokenHash: string;
  invitedBy: string | null;
  createdAt: CreatedAt;
  expiresAt: Timestamp;
  acceptedAt: Timestamp | null;
  revokedAt: Timestamp | null;
}

export interface ApiTokensTable {
  id: string;
  organizationId: string;
  name: string;
  role: string;
  tokenHash: string;
  tokenPrefix: string;
  createdBy: string | null;
  createdAt: CreatedAt;
  lastUsedAt: Timestamp | null;
  revokedAt: Timestamp | null;
}

export interface ProductsTable {
  id: string;
  organizationId: string;
  brandId: string;
  title: string;
  description: string;
  imageUrls: Json<string[]>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface SkusTable {
  id: string;
  organizationId: string;
  productId: string;
  code: string;
  attributes: Json<Record<string, string>>;
  priceMinor: number;
  currency: string;
  stockOnHand: number;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface OffersTable {
  id: string;
  organizationId: string;
  brandId: string;
  title: string;
  kind: string;
  status: string;
  priceMinor: number;
  currency: string;
  priceTiers: Json<Array<{ minQuantity: number; unitPriceMinor: number }>>;
  perBuyerLimit: number | null;
  holdTtlSeconds: number;
  lowStockThreshold: number;
  urgencyRule: Json<{ firstOrders: number; bonus: string } | null>;
  startsAt: Timestamp | null;
  endsAt: Timestamp | null;
  endsWithStream: boolean;
  fallbackOfferId: string | null;
  substitutions: Json<Array<{ skuId: string; substituteSkuId: string }>>;
  /** Urgency messages by stock left, tightest threshold first (0015); default none. */
  urgencyStages: ColumnType<
    Array<{ atOrBelow: number; message: string }>,
    string | undefined,
    string
  >;
  termsHash: string;
  approvedTermsHash: string | null;
  reservedUnits: number;
  /** Units of paid orders; the order insert keeps it within reservedUnits. */
  soldUnits: Generated<number>;
  /** Orders ever placed (cancelled ones too): the urgency rule's "first N orders" counts them. */
  soldOrders: Generated<number>;
  /** When operations were told the offer is at or below its low-stock threshold. */
  lowStockFlaggedAt: Timestamp | null;
  /** When operations were told the offer has no unit left to claim. */
  soldOutFlaggedAt: Timestamp | null;
  reserveOwnerId: string | null;
  reserveExpiresAt: Timestamp | null;
  approvedAt: Timestamp | null;
  armedAt: Timestamp | null;
  liveAt: Timestamp | null;
  closedAt: Timestamp | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface OfferComponentsTable {
  organizationId: string;
  offerId: string;
  skuId: string;
  quantity: number;
}

export interface OfferCodesTable {
  organizationId: string;
  offerId: string;
  code: string;
}

export interface HoldsTable {
  id: string;
  organizationId: string;
  offerId: string;
  shopperId: string;
  quantity: number;
  status: string;
  idempotencyKey: string | null;
  offerCode: string | null;
  trafficSource: string | null;
  /** The shopper's market, for offers reserved per market; null otherwise. */
  market: ColumnType<string | null, string | null | undefined, string | null>;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  endedAt: Timestamp | null;
}

/** A shopper waiting for released units of a sold-out offer (0016), and how the wait ended. */
export interface WaitlistTable {
  id: string;
  organizationId: string;
  offerId: string;
  shopperId: string;
  quantity: number;
  market: string | null;
  idempotencyKey: string | null;
  /** The place in line as decided: lower is served first. */
  queueOrder: number;
  status: ColumnType<WaitlistStatus, WaitlistStatus | undefined, WaitlistStatus>;
  /** The hold a `served` entry got. */
  holdId: string | null;
  /** The place in line the join was answered (0017): a retry with its key gets it again. */
  joinedPosition: ColumnType<number | null, number | null | undefined, number | null>;
  joinedAt: Timestamp;
  endedAt: Timestamp | null;
}

export type WaitlistStatus = 'waiting' | 'served' | 'left' | 'expired';

/** One market's share of an offer's reserve, with its own owner and TTL. */
export interface OfferMarketsTable {
  organizationId: string;
  offerId: string;
  market: string;
  reservedUnits: number;
  /** Units of paid orders in this market; the order insert keeps it within reservedUnits. */
  soldUnits: Generated<number>;
  ownerId: string;
  expiresAt: Timestamp | null;
  /** When the TTL passed and the unused units went back to the catalog. */
  releasedAt: Timestamp | null;
  /** When operations were told this market has no unit left to claim. */
  soldOutFlaggedAt: Timestamp | null;
  /** Available units at or below which the market's owner and operations are told it runs low. */
  lowStockThreshold: ColumnType<number, number | undefined, number>;
  /** When operations were told this market reached its low-stock threshold. */
  lowStockFlaggedAt: Timestamp | null;
  createdAt: CreatedAt;
}

export interface OrdersTable {
  id: string;
  organizationId: string;
  offerId: string;
  holdId: string;
  showId: string | null;
  shopperId: string;
  email: string;
  name: string;
  address: Json<Record<string, string>>;
  quantity: number;
  amountMinor: number;
  currency: string;
  status: string;
  fulfilmentStatus: string;
  paymentProvider: string;
  paymentReference: string;
  offerCode: string | null;
  trafficSource: string | null;
  market: ColumnType<string | null, string | null | undefined, string | null>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  fulfilmentRegionId: string | null;
  taxMinor: ColumnType<number, number | undefined, number>;
  taxRateBasisPoints: ColumnType<number, number | undefined, number>;
  totalMinor: number;
  packedAt: Timestamp | null;
  shippedAt: Timestamp | null;
  deliveredAt: Timestamp | null;
  /** The order's place among its offer's orders, 1 for the first; set by the order insert. */
  saleNumber: ColumnType<number, number | undefined, number>;
  /** The urgency rule's bonus item when the order is among its first N; set by the insert. */
  bonus: ColumnType<string | null, string | null | undefined, string | null>;
  /**
   * What the payment provider reports refunded outside Mydrop's cancel and return (a refund
   * made in the Stripe dashboard), up to `totalMinor`; 0 until one is reported (0018).
   */
  refundedMinor: ColumnType<number, number | undefined, number>;
  /** When the provider last reported a refund of the order's payment. */
  refundedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface FulfilmentRegionsTable {
  id: string;
  organizationId: string;
  name: string;
  countries: Json<string[]>;
  capabilities: Json<string[]>;
  pricesIncludeTax: boolean;
  priority: number;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface TaxRatesTable {
  organizationId: string;
  regionId: string;
  country: string;
  rateBasisPoints: number;
}

/** A shopper's saved details for one-click checkout (migration 0013). */
export interface ShopperProfilesTable {
  id: string;
  organizationId: string;
  /** HMAC of the profile token; the token itself is never stored. */
  tokenHash: string;
  email: string;
  name: string;
  address: Json<Record<string, string>>;
  paymentProvider: string;
  /** What the provider charges again: a sandbox test token or a Stripe PaymentMethod id. */
  paymentMethod: string;
  /** The provider's customer the method is attached to: a Stripe Customer id (migration 0019). */
  paymentCustomer: string | null;
  /** Shown to the shopper, such as "Visa ending 4242". */
  paymentLabel: string;
  createdAt: Timestamp;
  lastUsedAt: Timestamp;
}

export type CheckoutPaymentStatus =
  | 'charging'
  | 'ordered'
  | 'declined'
  | 'requires_action'
  | 'failed'
  | 'refunded';

/** An error answer of a checkout, as given to the shopper: replayed to a retry with its key. */
export interface StoredCheckoutAnswer {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** A checkout's payment attempt, written before the provider is called (0018). */
export interface CheckoutPaymentsTable {
  id: string;
  organizationId: string;
  holdId: string;
  offerId: string;
  /** The payment provider's name: `sandbox`, `stripe`. */
  provider: string;
  /** The idempotency key the provider got: a re-issue with it never charges twice. */
  providerKey: string;
  amountMinor: number;
  currency: string;
  /** The token or PaymentMethod id charged (`pm_card_visa`, `pm_1...`): never a card number. */
  paymentMethod: string;
  /** The request exactly as sent, to re-issue it with the same key and parameters. */
  chargeRequest: Json<Record<string, unknown>>;
  status: ColumnType<
    CheckoutPaymentStatus,
    CheckoutPaymentStatus | undefined,
    CheckoutPaymentStatus
  >;
  /** The provider's payment (a PaymentIntent id), once known. */
  providerReference: string | null;
  orderId: string | null;
  /** The checkout's Idempotency-Key; released (null) when the attempt ended in a fault. */
  idempotencyKey: string | null;
  /** The request body's fingerprint: the same key with another body is not a retry. */
  requestFingerprint: string | null;
  /** The first answer given when it was an error: `{ code, message, details }`. */
  answer: ColumnType<StoredCheckoutAnswer | null, string | null | undefined, string | null>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface Database extends AuditTables, NotificationsTables, GovernanceTables, ShowsTables {
  organizations: OrganizationsTable;
  brands: BrandsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  invitations: InvitationsTable;
  apiTokens: ApiTokensTable;
  products: ProductsTable;
  skus: SkusTable;
  offers: OffersTable;
  offerComponents: OfferComponentsTable;
  offerCodes: OfferCodesTable;
  offerMarkets: OfferMarketsTable;
  holds: HoldsTable;
  waitlist: WaitlistTable;
  orders: OrdersTable;
  fulfilmentRegions: FulfilmentRegionsTable;
  taxRates: TaxRatesTable;
  shopperProfiles: ShopperProfilesTable;
  checkoutPayments: CheckoutPaymentsTable;
}

export type Row<T extends keyof Database> = Selectable<Database[T]>;
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;
export type RowUpdate<T extends keyof Database> = Updateable<Database[T]>;
export type { Generated };
