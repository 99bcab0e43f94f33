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
