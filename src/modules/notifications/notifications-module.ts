import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { DurableScheduler } from './durable-scheduler.js';
import { Mailer, type MailSettings } from './mailer.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';
import { type MemberDirectory, NotificationCenter } from './notifier.js';
import type { EventPublisher, Notifier } from './ports.js';
import { ScheduledJobsRepository } from './scheduled-jobs.repository.js';
import { SecretBox } from './secret-box.js';
import { WebhookPublisher, type WebhookPublisherDeps } from './webhook-publisher.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

export interface NotificationsModuleOptions {
  db: Db;
  clock: Clock;
  /** MYDROP_SECRET: webhook signing secrets are encrypted under a key derived from it. */
  secret: string;
  logger?: Logger | undefined;
  /** Undefined while SMTP_URL is not set: no e-mail then. */
  mail?: MailSettings | undefined;
  /** The console's address, for links in e-mail. */
  consoleUrl?: string | undefined;
  /** The organisation's members with their role and e-mail. */
  members: MemberDirectory;
  /** Webhook delivery tuning (tests shorten the timeout). */
  webhooks?: Pick<WebhookPublisherDeps, 'timeoutMs' | 'maxAttempts' | 'backoffMs' | 'maxBackoffMs'>;
}

export interface NotificationsModule {
  scheduler: DurableScheduler;
  events: EventPublisher;
  notifier: Notifier;
  notifications: NotificationsService;
  webhooks: WebhooksService;
}

/** Wires the scheduler, outbound webhooks, e-mail and the notifier, and registers their jobs. */
export function createNotificationsModule(
  options: NotificationsModuleOptions,
): NotificationsModule {
  const { db, clock, logger } = options;
  const scheduler = new DurableScheduler({
    repository: new ScheduledJobsRepository(db),
    clock,
    logger,
  });
  const secrets = new SecretBox(options.secret, 'webhook-signing-secrets');
  const webhooksRepository = new WebhooksRepository(db);
  const events = new WebhookPublisher({
    repository: webhooksRepository,
    scheduler,
    clock,
    secrets,
    logger,
    ...options.webhooks,
  });
  events.registerJobs(scheduler);
  const mailer = options.mail
    ? new Mailer({ settings: options.mail, scheduler, clock })
    : undefined;
  mailer?.registerJobs(scheduler);
  const notificationsRepository = new NotificationsRepository(db);
  return {
    scheduler,
    events,
    notifier: new NotificationCenter({
      repository: notificationsRepository,
      clock,
      members: options.members,
      events,
      mailer,
      consoleUrl: options.consoleUrl,
    }),
    notifications: new NotificationsService({ repository: notificationsRepository, clock }),
    webhooks: new WebhooksService({
      repository: webhooksRepository,
      clock,
      secrets,
      publishTest: (organizationId, subscriptionId) =>
        events.publishTest(organizationId, subscriptionId),
      subscriptionsChanged: (organizationId) => events.subscriptionsChanged(organizationId),
    }),
  };
}
