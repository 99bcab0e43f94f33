import type { Clock } from '../../lib/clock.js';
import type { JobHandlerRegistry, JobScheduler, ScheduledJob } from './ports.js';
import { type MailMessage, type SendOptions, type SmtpSettings, sendMail } from './smtp-client.js';

export const emailJobKind = 'email.send';

export interface MailSettings {
  smtp: SmtpSettings;
  /** The From header: `noreply@example.com` or `Mydrop <noreply@example.com>`. */
  from: string;
}

export interface MailerDeps {
  settings: MailSettings;
  scheduler: JobScheduler;
  clock: Clock;
  /** Extra options for the SMTP client (tests trust their own certificate). */
  smtpOptions?: Omit<SendOptions, 'date'>;
}

/**
 * Outgoing e-mail, sent by an `email.send` job so a slow or unreachable SMTP server never
 * holds up the request that caused the message; the scheduler retries it with backoff.
 */
export class Mailer {
  constructor(private readonly deps: MailerDeps) {}

  /** Queues one message; `key` (unique per organisation) makes queueing it twice harmless. */
  async queue(
    organizationId: string,
    key: string,
    message: Omit<MailMessage, 'from'>,
  ): Promise<void> {
    await this.deps.scheduler.schedule({
      organizationId,
      kind: emailJobKind,
      key: `email:${key}`,
      runAt: this.deps.clock.now(),
      payload: { ...message },
    });
  }

  registerJobs(registry: JobHandlerRegistry): void {
    registry.handle(emailJobKind, (job) => this.send(job), {
      maxAttempts: 6,
      backoffMs: 60_000,
    });
  }

  private async send(job: ScheduledJob): Promise<void> {
    const { to, subject, text } = job.payload;
    if (typeof to !== 'string' || typeof subject !== 'string' || typeof text !== 'string') {
      throw new Error('an email.send job needs to, subject and text');
    }
    await sendMail(
      this.deps.settings.smtp,
      { from: this.deps.settings.from, to, subject, text },
      { ...this.deps.smtpOptions, date: this.deps.clock.now() },
    );
  }
}
