import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type Actor, isRole, type Role, requirePermission } from '../access/index.js';
import type { AuditRecorder } from '../audit/index.js';
import type {
  BrandRow,
  OrganizationRow,
  OrganizationsRepository,
} from './organizations.repository.js';

export interface OrganizationsDeps {
  repository: OrganizationsRepository;
  clock: Clock;
  audit: AuditRecorder;
}

export interface OrganizationMembership {
  id: string;
  name: string;
  slug: string;
  role: Role;
}

export interface Brand {
  id: string;
  name: string;
  slug: string;
  currency: string;
  timezone: string;
  createdAt: Date;
}

export interface Member {
  userId: string;
  role: Role;
  createdAt: Date;
}

export interface BrandInput {
  name: string;
  slug?: string | undefined;
  currency: string;
  timezone: string;
}

export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug || 'item';
}

function toBrand(row: BrandRow): Brand {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    currency: row.currency,
    timezone: row.timezone,
    createdAt: row.createdAt,
  };
}

function asRole(value: string): Role {
  if (!isRole(value)) throw new Error(`Unknown role stored: ${value}`);
  return value;
}

export class OrganizationsService {
  constructor(private readonly deps: OrganizationsDeps) {}

  async createOrganization(input: {
    name: string;
    slug?: string;
    timezone?: string;
    ownerUserId: string;
  }): Promise<OrganizationRow> {
    const slug = input.slug ?? slugify(input.name);
    if (await this.deps.repository.findOrganizationBySlug(slug)) {
      throw new AppError('conflict', `An organisation with slug ${slug} already exists`, {
        field: 'slug',
      });
    }
    const now = this.deps.clock.now();
    const organization = await this.deps.repository.insertOrganization({
      id: newId(),
      name: input.name,
      slug,
      timezone: input.timezone ?? 'UTC',
      createdAt: now,
    });
    await this.deps.repository.upsertMembership({
      organizationId: organization.id,
      userId: input.ownerUserId,
      role: 'owner',
      createdAt: now,
    });
    await this.recordMemberEvent(null, organization.id, 'member.added', input.ownerUserId, {
      role: 'owner',
    });
    return organization;
  }

  async findOrganization(id: string): Promise<OrganizationRow | undefined> {
    return this.deps.repository.findOrganization(id);
  }

  async findOrganizationBySlug(slug: string): Promise<OrganizationRow | undefined> {
    return this.deps.repository.findOrganizationBySlug(slug);
  }

  async hasAnyOrganization(): Promise<boolean> {
    return (await this.deps.repository.countOrganizations()) > 0;
  }

  async deleteOrganization(id: string): Promise<void> {
    await this.deps.repository.deleteOrganization(id);
  }

  async listOrganizationsOfUser(userId: string): Promise<OrganizationMembership[]> {
    const rows = await this.deps.repository.listOrganizationsOfUser(userId);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      slug: row.slug,
      role: asRole(row.role),
    }));
  }

  /** The user's role in an organisation, or undefined when they are not a member. */
  async roleOf(organizationId: string, userId: string): Promise<Role | undefined> {
    const membership = await this.deps.repository.findMembership(organizationId, userId);
    return membership && asRole(membership.role);
  }

  /**
   * Adds a person with a role, or gives an existing member that role. Called without an
   * acting member: accepting an invitation, the CLI, the demo workspace.
   */
  async addMember(organizationId: string, userId: string, role: Role): Promise<void> {
    const existing = await this.deps.repository.findMembership(organizationId, userId);
    await this.deps.repository.upsertMembership({
      organizationId,
      userId,
      role,
      createdAt: this.deps.clock.now(),
    });
    if (!existing) {
      await this.recordMemberEvent(null, organizationId, 'member.added', userId, { role });
    } else if (existing.role !== role) {
      await this.recordMemberEvent(null, organizationId, 'member.role_changed', userId, {
        before: existing.role,
        after: role,
      });
    }
  }

  async listBrands(actor: Actor): Promise<Brand[]> {
    requirePermission(actor, 'organization.read');
    return (await this.deps.repository.listBrands(actor.organizationId)).map(toBrand);
  }

  async getBrand(actor: Actor, brandId: string): Promise<Brand> {
    requirePermission(actor, 'organization.read');
    const row = await this.deps.repository.findBrand(actor.organizationId, brandId);
    if (!row) throw notFound('brand', brandId);
    return toBrand(row);
  }

  async brandExists(organizationId: string, brandId: string): Promise<boolean> {
    return (await this.deps.repository.findBrand(organizationId, brandId)) !== undefined;
  }

  async createBrand(actor: Actor, input: BrandInput): Promise<Brand> {
    requirePermission(actor, 'brands.manage');
    const slug = input.slug ?? slugify(input.name);
    if (await this.deps.repository.findBrandBySlug(actor.organizationId, slug)) {
      throw new AppError('conflict', `A brand with slug ${slug} already exists`, { field: 'slug' });
    }
    const row = await this.deps.repository.insertBrand({
      id: newId(),
      organizationId: actor.organizationId,
      name: input.name,
      slug,
      currency: input.currency.toUpperCase(),
      timezone: input.timezone,
      createdAt: this.deps.clock.now(),
    });
    return toBrand(row);
  }

  async updateBrand(
    actor: Actor,
    brandId: string,
    changes: {
      name?: string | undefined;
      currency?: string | undefined;
      timezone?: string | undefined;
    },
  ): Promise<Brand> {
    requirePermission(actor, 'brands.manage');
    const row = await this.deps.repository.updateBrand(actor.organizationId, brandId, {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.currency !== undefined ? { currency: changes.currency.toUpperCase() } : {}),
      ...(changes.timezone !== undefined ? { timezone: changes.timezone } : {}),
    });
    if (!row) throw notFound('brand', brandId);
    return toBrand(row);
  }

  async listMembers(actor: Actor): Promise<Member[]> {
    requirePermission(actor, 'organization.read');
    const rows = await this.deps.repository.listMemberships(actor.organizationId);
    return rows.map((row) => ({
      userId: row.userId,
      role: asRole(row.role),
      createdAt: row.createdAt,
    }));
  }

  async getMember(actor: Actor, userId: string): Promise<Member> {
    requirePermission(actor, 'organization.read');
    const row = await this.deps.repository.findMembership(actor.organizationId, userId);
    if (!row) throw notFound('member', userId);
    return { userId: row.userId, role: asRole(row.role), createdAt: row.createdAt };
  }

  async changeMemberRole(actor: Actor, userId: string, role: Role): Promise<Member> {
    requirePermission(actor, 'members.manage');
    const member = await this.getMember(actor, userId);
    if (member.role === 'owner' && role !== 'owner') await this.keepOneOwner(actor.organizationId);
    await this.deps.repository.updateMembershipRole(actor.organizationId, userId, role);
    if (member.role !== role) {
      await this.recordMemberEvent(actor, actor.organizationId, 'member.role_changed', userId, {
        before: member.role,
        after: role,
      });
    }
    return { ...member, role };
  }

  async removeMember(actor: Actor, userId: string): Promise<void> {
    requirePermission(actor, 'members.manage');
    const member = await this.getMember(actor, userId);
    if (member.role === 'owner') await this.keepOneOwner(actor.organizationId);
    await this.deps.repository.deleteMembership(actor.organizationId, userId);
    await this.recordMemberEvent(actor, actor.organizationId, 'member.removed', userId, {
      role: member.role,
    });
  }

  private async recordMemberEvent(
    actor: Actor | null,
    organizationId: string,
    action: string,
    userId: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.audit.record({
      organizationId,
      actor,
      action,
      subjectType: 'member',
      subjectId: userId,
      data,
    });
  }

  /** An organisation must always keep an owner who can manage it. */
  private async keepOneOwner(organizationId: string): Promise<void> {
    if ((await this.deps.repository.countOwners(organizationId)) <= 1) {
      throw new AppError('conflict', 'An organisation needs at least one owner', {
        rule: 'last_owner',
      });
    }
  }
}
