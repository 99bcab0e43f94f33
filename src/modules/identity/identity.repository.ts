import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';

export type UserRow = Row<'users'>;
export type SessionRow = Row<'sessions'>;

/** The only place with SQL for people and their sign-in sessions. */
export class IdentityRepository {
  constructor(private readonly db: Db) {}

  async insertUser(user: NewRow<'users'>): Promise<UserRow> {
    return this.db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
  }

  async findUserByEmail(email: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where(sql<string>`lower(email)`, '=', email.toLowerCase())
      .executeTakeFirst();
  }

  async findUserById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findUsersByIds(ids: readonly string[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    return this.db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
  }

  async deleteUserByEmail(email: string): Promise<void> {
    await this.db
      .deleteFrom('users')
      .where(sql<string>`lower(email)`, '=', email.toLowerCase())
      .execute();
  }

  async updatePasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ passwordHash }).where('id', '=', userId).execute();
  }

  async insertSession(session: NewRow<'sessions'>): Promise<SessionRow> {
    return this.db.insertInto('sessions').values(session).returningAll().executeTakeFirstOrThrow();
  }

  async findLiveSession(tokenHash: string, now: Date): Promise<SessionRow | undefined> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('tokenHash', '=', tokenHash)
      .where('expiresAt', '>', now)
      .executeTakeFirst();
  }

  async touchSession(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ lastSeenAt, expiresAt })
      .where('id', '=', id)
      .execute();
  }

  async updateSessionContext(
    id: string,
    activeOrganizationId: string | null,
    activeBrandId: string | null,
  ): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ activeOrganizationId, activeBrandId })
      .where('id', '=', id)
      .execute();
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('tokenHash', '=', tokenHash).execute();
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    await this.db.deleteFrom('sessions').where('expiresAt', '<=', now).execute();
  }
}
