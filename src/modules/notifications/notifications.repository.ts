import type { Db } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';

export type NotificationRow = Row<'notifications'>;

/** SQL for in-app notifications; every call is scoped by organisation and recipient. */
export class NotificationsRepository {
  constructor(private readonly db: Db) {}

  async insertMany(rows: NewRow<'notifications'>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.insertInto('notifications').values(rows).execute();
  }

  /** Unread first, newest first within each group. */
  async listForUser(
    organizationId: string,
    userId: string,
    limit: number,
  ): Promise<NotificationRow[]> {
    return this.db
      .selectFrom('notifications')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('userId', '=', userId)
      .orderBy((eb) => eb('readAt', 'is', null), 'desc')
      .orderBy('createdAt', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async countUnread(organizationId: string, userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('organizationId', '=', organizationId)
      .where('userId', '=', userId)
      .where('readAt', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async find(organizationId: string, userId: string, id: string) {
    return this.db
      .selectFrom('notifications')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('userId', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Marks read what is not yet; returns how many changed. Reading twice keeps the first time. */
  async markRead(
    organizationId: string,
    userId: string,
    readAt: Date,
    id?: string,
  ): Promise<number> {
    let query = this.db
      .updateTable('notifications')
      .set({ readAt })
      .where('organizationId', '=', organizationId)
      .where('userId', '=', userId)
      .where('readAt', 'is', null);
    if (id) query = query.where('id', '=', id);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
