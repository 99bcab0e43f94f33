import type { Db } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';

export type OrganizationRow = Row<'organizations'>;
export type BrandRow = Row<'brands'>;
export type MembershipRow = Row<'memberships'>;
export type InvitationRow = Row<'invitations'>;

/**
 * SQL for organisations, brands, memberships and invitations. Every method that reads or
 * writes a tenant's rows takes the organisation id and filters by it.
 */
export class OrganizationsRepository {
  constructor(private readonly db: Db) {}

  async insertOrganization(row: NewRow<'organizations'>): Promise<OrganizationRow> {
    return this.db.insertInto('organizations').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async findOrganization(id: string): Promise<OrganizationRow | undefined> {
    return this.db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findOrganizationBySlug(slug: string): Promise<OrganizationRow | undefined> {
    return this.db
      .selectFrom('organizations')
      .selectAll()
      .where('slug', '=', slug)
      .executeTakeFirst();
  }

  async countOrganizations(): Promise<number> {
    const row = await this.db
      .selectFrom('organizations')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  async deleteOrganization(id: string): Promise<void> {
    await this.db.deleteFrom('organizations').where('id', '=', id).execute();
  }

  async listOrganizationsOfUser(
    userId: string,
  ): Promise<Array<OrganizationRow & { role: string }>> {
    return this.db
      .selectFrom('memberships')
      .innerJoin('organizations', 'organizations.id', 'memberships.organizationId')
      .selectAll('organizations')
      .select('memberships.role')
      .where('memberships.userId', '=', userId)
      .orderBy('memberships.createdAt')
      .orderBy('organizations.name')
      .execute();
  }

  async insertBrand(row: NewRow<'brands'>): Promise<BrandRow> {
    return this.db.insertInto('brands').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async listBrands(organizationId: string): Promise<BrandRow[]> {
    return this.db
      .selectFrom('brands')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .orderBy('name')
      .execute();
  }

  async findBrand(organizationId: string, id: string): Promise<BrandRow | undefined> {
    return this.db
      .selectFrom('brands')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async findBrandBySlug(organizationId: string, slug: string): Promise<BrandRow | undefined> {
    return this.db
      .selectFrom('brands')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('slug', '=', slug)
      .executeTakeFirst();
  }

  async updateBrand(
    organizationId: string,
    id: string,
    changes: RowUpdate<'brands'>,
  ): Promise<BrandRow | undefined> {
    return this.db
      .updateTable('brands')
      .set(changes)
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async upsertMembership(row: NewRow<'memberships'>): Promise<void> {
    await this.db
      .insertInto('memberships')
      .values(row)
      .onConflict((conflict) =>
        conflict.columns(['organizationId', 'userId']).doUpdateSet({ role: row.role }),
      )
      .execute();
  }

  async findMembership(organizationId: string, userId: string): Promise<MembershipRow | undefined> {
    return this.db
      .selectFrom('memberships')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('userId', '=', userId)
      .executeTakeFirst();
  }

  async listMemberships(organizationId: string): Promise<MembershipRow[]> {
    return this.db
      .selectFrom('memberships')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .orderBy('createdAt')
      .execute();
  }

  async updateMembershipRole(organizationId: string, userId: string, role: string): Promise<void> {
    await this.db
      .updateTable('memberships')
      .set({ role })
      .where('organizationId', '=', organizationId)
      .where('userId', '=', userId)
      .execute();
  }

  async deleteMembership(organizationId: string, userId: string): Promise<void> {
    await this.db
      .deleteFrom('memberships')
      .where('organizationId', '=', organizationId)
      .where('userId', '=', userId)
      .execute();
  }

  async countOwners(organizationId: string): Promise<number> {
    const row = await this.db
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<number>().as('owners'))
      .where('organizationId', '=', organizationId)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    return Number(row.owners);
  }

  async insertInvitation(row: NewRow<'invitations'>): Promise<InvitationRow> {
    return this.db.insertInto('invitations').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async listInvitations(organizationId: string): Promise<InvitationRow[]> {
    return this.db
      .selectFrom('invitations')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .orderBy('createdAt', 'desc')
      .execute();
  }

  async findInvitation(organizationId: string, id: string): Promise<InvitationRow | undefined> {
    return this.db
      .selectFrom('invitations')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Looked up by its secret, before anyone is signed in: the token names the organisation. */
  async findInvitationByTokenHash(tokenHash: string): Promise<InvitationRow | undefined> {
    return this.db
      .selectFrom('invitations')
      .selectAll()
      .where('tokenHash', '=', tokenHash)
      .executeTakeFirst();
  }

  async markInvitation(
    organizationId: string,
    id: string,
    changes: { acceptedAt?: Date; revokedAt?: Date },
  ): Promise<void> {
    await this.db
      .updateTable('invitations')
      .set(changes)
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .execute();
  }
}
