import type { Db } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';

export type ShopperProfileRow = Row<'shopperProfiles'>;

/** The only SQL for saved shopper profiles. Checkout reads are scoped by organisation. */
export class ShopperProfilesRepository {
  constructor(private readonly db: Db) {}

  async insertProfile(profile: NewRow<'shopperProfiles'>): Promise<void> {
    await this.db.insertInto('shopperProfiles').values(profile).execute();
  }

  /** The profile a token names in one organisation's shop; another shop's token finds nothing. */
  async findProfile(
    organizationId: string,
    tokenHash: string,
  ): Promise<ShopperProfileRow | undefined> {
    return this.db
      .selectFrom('shopperProfiles')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('tokenHash', '=', tokenHash)
      .executeTakeFirst();
  }

  /**
   * The profile a token names, from the token alone: the shopper's own read and erase. The
   * token is an unguessable secret and names its organisation, as an offer id does.
   */
  async findProfileByToken(tokenHash: string): Promise<ShopperProfileRow | undefined> {
    return this.db
      .selectFrom('shopperProfiles')
      .selectAll()
      .where('tokenHash', '=', tokenHash)
      .executeTakeFirst();
  }

  async touchProfile(organizationId: string, id: string, at: Date): Promise<void> {
    await this.db
      .updateTable('shopperProfiles')
      .set({ lastUsedAt: at })
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .execute();
  }

  /** Deletes the profile; false when the token named none. */
  async deleteProfile(organizationId: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom('shopperProfiles')
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows) === 1;
  }
}
