import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Table types as Kysely sees them. Columns are snake_case in SQL and camelCase here
 * (CamelCasePlugin). Every tenant-owned table carries `organizationId`.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

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

export interface Database {
  organizations: OrganizationsTable;
  brands: BrandsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  invitations: InvitationsTable;
  apiTokens: ApiTokensTable;
  products: ProductsTable;
  skus: SkusTable;
}

export type Row<T extends keyof Database> = Selectable<Database[T]>;
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;
export type RowUpdate<T extends keyof Database> = Updateable<Database[T]>;
export type { Generated };
