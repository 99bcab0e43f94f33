import type { Db } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';

export type ApiTokenRow = Row<'apiTokens'>;

export class TokensRepository {
  constructor(private readonly db: Db) {}

  async insert(row: NewRow<'apiTokens'>): Promise<ApiTokenRow> {
    return this.db.insertInto('apiTokens').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async list(organizationId: string): Promise<ApiTokenRow[]> {
    return this.db
      .selectFrom('apiTokens')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .orderBy('createdAt', 'desc')
      .execute();
  }

  async find(organizationId: string, id: string): Promise<ApiTokenRow | undefined> {
    return this.db
      .selectFrom('apiTokens')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Looked up by its secret: the token itself names its organisation. */
  async findActiveByHash(tokenHash: string): Promise<ApiTokenRow | undefined> {
    return this.db
      .selectFrom('apiTokens')
      .selectAll()
      .where('tokenHash', '=', tokenHash)
      .where('revokedAt', 'is', null)
      .executeTakeFirst();
  }

  async revoke(organizationId: string, id: string, at: Date): Promise<void> {
    await this.db
      .updateTable('apiTokens')
      .set({ revokedAt: at })
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .where('revokedAt', 'is', null)
      .execute();
  }

  async touch(organizationId: string, id: string, at: Date): Promise<void> {
    await this.db
      .updateTable('apiTokens')
      .set({ lastUsedAt: at })
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .execute();
  }
}
