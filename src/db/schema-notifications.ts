import type { Generated } from 'kysely';
import type { CreatedAt, Json, Timestamp } from './column-types.js';

/** Kysely table types for the notifications migration (camelCase columns; see schema.ts). */
export interface NotificationsTables {
  scheduledJobs: ScheduledJobsTable;
  notifications: NotificationsTable;
  webhookSubscriptions: WebhookSubscriptionsTable;
  webhookDeliveries: WebhookDeliveriesTable;
}

export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

export interface ScheduledJobsTable {
  id: string;
  organizationId: string;
  kind: string;
  key: string;
  runAt: Timestamp;
  payload: Json<Record<string, unknown>>;
  status: JobStatus;
  attempts: Generated<number>;
  /** Moves on every `schedule`; a run only finishes the revision it claimed. */
  revision: Generated<number>;
  lastError: string | null;
  /** The claiming process's lease; past it, another process may claim the job again. */
  lockedUntil: Timestamp | null;
  /** The claim holding the lease; only it may settle the run. */
  leaseId: string | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface NotificationsTable {
  id: string;
  organizationId: string;
  /** The recipient. */
  userId: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  data: Json<Record<string, unknown>>;
  createdAt: Timestamp;
  readAt: Timestamp | null;
}

export interface WebhookSubscriptionsTable {
  id: string;
  organizationId: string;
  url: string;
  /** Event types, `*` for all, or `prefix.*`. */
  eventTypes: Json<string[]>;
  /** The signing secret, AES-GCM encrypted under a key derived from MYDROP_SECRET. */
  secretCiphertext: string;
  /** The secret's first characters, so people can tell secrets apart without seeing them. */
  secretHint: string;
  description: string;
  active: boolean;
  createdBy: string | null;
  createdAt: Timestamp;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: string;
  organizationId: string;
  subscriptionId: string;
  eventId: string;
  type: string;
  /** The envelope POSTed: `{id, type, organizationId, occurredAt, data}`. */
  payload: Json<Record<string, unknown>>;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Timestamp | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Timestamp;
  deliveredAt: Timestamp | null;
}
