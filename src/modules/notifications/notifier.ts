import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { Role } from '../access/index.js';
import type { Mailer } from './mailer.js';
import type { NotificationsRepository } from './notifications.repository.js';
import type { EventPublisher, NotificationInput, Notifier } from './ports.js';

/** A member of an organisation as the notifier needs them. */
export interface NotificationRecipient {
  userId: string;
  role: Role;
  email: string;
}

/** The organisation's members; passed in from the composition root (organizations module). */
export type MemberDirectory = (organizationId: string) => Promise<NotificationRecipient[]>;

export interface NotifierDeps {
  repository: NotificationsRepository;
  clock: Clock;
  members: MemberDirectory;
  events: EventPublisher;
  /** Undefined while SMTP is not configured: then nobody gets e-mail. */
  mailer?: Mailer | undefined;
  /** The console's address, for links in e-mail (`https://mydrop.example.com`). */
  consoleUrl?: string | undefined;
}

/** Named users and holders of the roles, members of the organisation only, each once. */
export function resolveRecipients(
  members: readonly NotificationRecipient[],
  recipients: NotificationInput['recipients'],
): NotificationRecipient[] {
  const named = new Set(recipients.userIds ?? []);
  const roles = new Set<Role>(recipients.roles ?? []);
  return members.filter((member) => named.has(member.userId) || roles.has(member.role));
}

/**
 * Tells people: an in-app notification for each recipient, an outbound webhook event of the
 * notification's kind, and an e-mail to each recipient when SMTP is configured. Users named
 * who are not members of the organisation are left out: a notification never crosses tenants.
 */
export class NotificationCenter implements Notifier {
  constructor(private readonly deps: NotifierDeps) {}

  async notify(notification: NotificationInput): Promise<void> {
    const { organizationId, kind, title, body } = notification;
    const link = notification.link ?? null;
    const data = notification.data ?? {};
    const recipients = resolveRecipients(
      await this.deps.members(organizationId),
      notification.recipients,
    );
    const createdAt = this.deps.clock.now();
    const rows = recipients.map((recipient) => ({
      id: newId(),
      organizationId,
      userId: recipient.userId,
      kind,
      title,
      body,
      link,
      data: JSON.stringify(data),
      createdAt,
    }));
    await this.deps.repository.insertMany(rows);
    await this.deps.events.publish(organizationId, kind, {
      ...data,
      title,
      body,
      link,
      recipientUserIds: recipients.map((recipient) => recipient.userId),
    });
    const { mailer } = this.deps;
    if (!mailer) return;
    const text = link
      ? `${body}\n\nOpen in Mydrop: ${this.deps.consoleUrl ?? ''}${link}\n`
      : `${body}\n`;
    for (const [index, recipient] of recipients.entries()) {
      await mailer.queue(organizationId, rows[index]?.id ?? newId(), {
        to: recipient.email,
        subject: title,
        text,
      });
    }
  }
}
