export { DurableScheduler, type RunningJob, retryDelayMs } from './durable-scheduler.js';
export { emailJobKind, Mailer, type MailSettings } from './mailer.js';
export { NotificationsRepository } from './notifications.repository.js';
export { notificationsRoutes } from './notifications.routes.js';
export { type Notification, NotificationsService } from './notifications.service.js';
export { createNotificationsModule, type NotificationsModule } from './notifications-module.js';
export {
  type MemberDirectory,
  NotificationCenter,
  type NotificationRecipient,
} from './notifier.js';
export type {
  EventPublisher,
  JobHandler,
  JobHandlerRegistry,
  JobRetryPolicy,
  JobScheduler,
  NotificationInput,
  Notifier,
  ScheduledJob,
} from './ports.js';
export { ScheduledJobsRepository } from './scheduled-jobs.repository.js';
export { SecretBox } from './secret-box.js';
export type { SmtpSettings } from './smtp-client.js';
export { type WebhookEvent, WebhookPublisher, webhookJobKind } from './webhook-publisher.js';
export { signWebhookBody, verifyWebhookSignature } from './webhook-signature.js';
export { WebhooksRepository } from './webhooks.repository.js';
export { webhooksRoutes } from './webhooks.routes.js';
export { WebhooksService } from './webhooks.service.js';
