import type { Role } from '../access/index.js';

/**
 * The ports other modules use to act later and to tell people: a durable job scheduler that
 * survives restarts, in-app/e-mail notifications and outbound webhook events.
 */
export interface ScheduledJob {
  organizationId: string;
  /** Which handler runs it: `approval.reminder`, `show.checkout_sample`. */
  kind: string;
  /** Unique per organisation; scheduling the same key again moves the pending job. */
  key: string;
  runAt: Date;
  payload: Record<string, unknown>;
}

export type JobHandler = (job: ScheduledJob) => Promise<void>;

/** How a kind of job is retried when its handler throws. */
export interface JobRetryPolicy {
  /** Runs in all, the first included, before the job is marked failed. */
  maxAttempts?: number;
  /** Wait before the first retry; doubles for each further one. */
  backoffMs?: number;
  /** Longest wait between two runs. */
  maxBackoffMs?: number;
}

/**
 * Where a module says what runs a kind of job. Registered once at start-up (in
 * src/services.ts), before the scheduler starts, by every process that may run jobs.
 */
export interface JobHandlerRegistry {
  handle(kind: string, handler: JobHandler, retry?: JobRetryPolicy): void;
}

export interface JobScheduler {
  schedule(job: ScheduledJob): Promise<void>;
  /** Drops a pending job; a no-op when there is none. */
  cancel(organizationId: string, key: string): Promise<void>;
}

export interface NotificationInput {
  organizationId: string;
  /** Dotted kind, also the outbound webhook event type: `approval.overdue`. */
  kind: string;
  title: string;
  body: string;
  /** Console path the notification opens, such as `/approvals/documents/<id>`. */
  link?: string | undefined;
  /** Users named directly, and every member holding one of the roles. */
  recipients: { userIds?: string[]; roles?: Role[] };
  data?: Record<string, unknown>;
}

export interface Notifier {
  /** In-app for each recipient, an outbound webhook event, and e-mail when SMTP is set. */
  notify(notification: NotificationInput): Promise<void>;
}

export interface EventPublisher {
  /** Queues an outbound webhook event for the organisation's subscribers; durable on return. */
  publish(organizationId: string, type: string, data: Record<string, unknown>): Promise<void>;
}
