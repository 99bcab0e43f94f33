import { api } from '../api/client';

/** GET /api/v1/notifications, as the console uses it. */
export interface AppNotification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface Inbox {
  items: AppNotification[];
  unreadCount: number;
}

export const inboxPath = '/api/v1/notifications?limit=20';
/** The bell checks for news this often while the tab is visible. */
export const inboxPollMs = 15_000;

export function markNotificationRead(id: string): Promise<AppNotification> {
  return api<AppNotification>(`/api/v1/notifications/${encodeURIComponent(id)}/read`, {
    method: 'POST',
  });
}

export function markAllNotificationsRead(): Promise<{ updated: number }> {
  return api<{ updated: number }>('/api/v1/notifications/read-all', { method: 'POST' });
}

export interface WebhookSubscription {
  id: string;
  url: string;
  eventTypes: string[];
  description: string;
  active: boolean;
  secretHint: string;
  createdAt: string;
}

export interface CreatedWebhookSubscription extends WebhookSubscription {
  secret: string;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
