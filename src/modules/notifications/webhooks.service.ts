import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId, randomSecret } from '../../lib/ids.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { SecretBox } from './secret-box.js';
import type {
  WebhookDeliveryRow,
  WebhookSubscriptionRow,
  WebhooksRepository,
} from './webhooks.repository.js';

export interface WebhookSubscription {
  id: string;
  url: string;
  eventTypes: string[];
  description: string;
  active: boolean;
  /** The secret's first characters, to tell secrets apart. */
  secretHint: string;
  createdAt: Date;
}

export interface WebhookSubscriptionInput {
  url: string;
  eventTypes: string[];
  description?: string | undefined;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  type: string;
  status: WebhookDeliveryRow['status'];
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  payload: Record<string, unknown>;
}

export interface WebhooksDeps {
  repository: WebhooksRepository;
  clock: Clock;
  secrets: SecretBox;
  /** Queues a test event to one subscription; undefined when it does not exist. */
  publishTest(organizationId: string, subscriptionId: string): Promise<string | undefined>;
  /** Subscriptions were added or removed, so publishing reads them again. */
  subscriptionsChanged(organizationId: string): void;
}

/** `*`, `prefix.*` or a dotted type such as `approval.overdue`. */
export const eventTypePattern = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/;
export const maxSubscriptionsPerOrganization = 25;

function toSubscription(row: WebhookSubscriptionRow): WebhookSubscription {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.eventTypes,
    description: row.description,
    active: row.active,
    secretHint: row.secretHint,
    createdAt: row.createdAt,
  };
}

function toDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    eventId: row.eventId,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdAt: row.createdAt,
    deliveredAt: row.deliveredAt,
    payload: row.payload,
  };
}

/** The organisation's outbound webhook subscriptions and what was delivered to them. */
export class WebhooksService {
  constructor(private readonly deps: WebhooksDeps) {}

  async list(actor: Actor): Promise<WebhookSubscription[]> {
    requirePermission(actor, 'webhooks.manage');
    return (await this.deps.repository.listSubscriptions(actor.organizationId)).map(toSubscription);
  }

  /** Creates a subscription; the signing secret is in this answer and never again. */
  async create(
    actor: Actor,
    input: WebhookSubscriptionInput,
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    requirePermission(actor, 'webhooks.manage');
    const url = new URL(input.url);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new AppError('invalid', 'url must be an http:// or https:// URL', { field: 'url' });
    }
    if (url.username || url.password) {
      throw new AppError(
        'invalid',
        'url must not carry credentials; verify the signature instead',
        {
          field: 'url',
        },
      );
    }
    const eventTypes = [...new Set(input.eventTypes)];
    const bad = eventTypes.find((type) => !eventTypePattern.test(type));
    if (bad !== undefined || eventTypes.length === 0) {
      throw new AppError(
        'invalid',
        'eventTypes must list `*`, `prefix.*` or dotted types such as approval.overdue',
        { field: 'eventTypes', value: bad },
      );
    }
    const existing = await this.deps.repository.listSubscriptions(actor.organizationId);
    if (existing.length >= maxSubscriptionsPerOrganization) {
      throw new AppError(
        'limit_reached',
        `An organisation may have at most ${maxSubscriptionsPerOrganization} webhook subscriptions`,
        { limit: maxSubscriptionsPerOrganization },
      );
    }
    const secret = `whsec_${randomSecret(32)}`;
    const row = await this.deps.repository.insertSubscription({
      id: newId(),
      organizationId: actor.organizationId,
      url: url.toString(),
      eventTypes: JSON.stringify(eventTypes),
      secretCiphertext: this.deps.secrets.seal(secret),
      secretHint: `${secret.slice(0, 10)}…`,
      description: input.description?.trim() ?? '',
      active: true,
      createdBy: actor.userId,
      createdAt: this.deps.clock.now(),
    });
    this.deps.subscriptionsChanged(actor.organizationId);
    return { subscription: toSubscription(row), secret };
  }

  async remove(actor: Actor, id: string): Promise<void> {
    requirePermission(actor, 'webhooks.manage');
    const deleted = await this.deps.repository.deleteSubscription(actor.organizationId, id);
    this.deps.subscriptionsChanged(actor.organizationId);
    if (!deleted) throw notFound('webhook subscription', id);
  }

  /** Queues a `webhook.test` event to the subscription; returns the event's id. */
  async sendTest(actor: Actor, id: string): Promise<{ eventId: string }> {
    requirePermission(actor, 'webhooks.manage');
    const eventId = await this.deps.publishTest(actor.organizationId, id);
    if (!eventId) throw notFound('webhook subscription', id);
    return { eventId };
  }

  async listDeliveries(actor: Actor, id: string, limit = 50): Promise<WebhookDelivery[]> {
    requirePermission(actor, 'webhooks.manage');
    const subscription = await this.deps.repository.findSubscription(actor.organizationId, id);
    if (!subscription) throw notFound('webhook subscription', id);
    const rows = await this.deps.repository.listDeliveries(actor.organizationId, id, limit);
    return rows.map(toDelivery);
  }
}
