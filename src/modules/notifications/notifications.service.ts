import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { NotificationRow, NotificationsRepository } from './notifications.repository.js';

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
}

export interface NotificationsDeps {
  repository: NotificationsRepository;
  clock: Clock;
}

function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    data: row.data,
    createdAt: row.createdAt,
    readAt: row.readAt,
  };
}

/** A signed-in member's inbox in the active organisation. */
export class NotificationsService {
  constructor(private readonly deps: NotificationsDeps) {}

  async list(actor: Actor, limit = 50): Promise<{ items: Notification[]; unreadCount: number }> {
    const userId = this.recipientOf(actor);
    const [rows, unreadCount] = await Promise.all([
      this.deps.repository.listForUser(actor.organizationId, userId, limit),
      this.deps.repository.countUnread(actor.organizationId, userId),
    ]);
    return { items: rows.map(toNotification), unreadCount };
  }

  async markRead(actor: Actor, id: string): Promise<Notification> {
    const userId = this.recipientOf(actor);
    await this.deps.repository.markRead(actor.organizationId, userId, this.deps.clock.now(), id);
    const row = await this.deps.repository.find(actor.organizationId, userId, id);
    if (!row) throw notFound('notification', id);
    return toNotification(row);
  }

  async markAllRead(actor: Actor): Promise<{ updated: number }> {
    const userId = this.recipientOf(actor);
    const now = this.deps.clock.now();
    return { updated: await this.deps.repository.markRead(actor.organizationId, userId, now) };
  }

  private recipientOf(actor: Actor): string {
    requirePermission(actor, 'organization.read');
    if (actor.userId === null) {
      throw new AppError('forbidden', 'API tokens have no notifications; sign in as a member', {
        actorKind: actor.kind,
      });
    }
    return actor.userId;
  }
}
