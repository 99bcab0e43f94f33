import pino, { type Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { RefreshingCache } from '../../lib/refreshing-cache.js';
import type { EventPublisher, JobHandlerRegistry, JobScheduler, ScheduledJob } from './ports.js';
import type { SecretBox } from './secret-box.js';
import { eventIdHeader, signatureHeader, signWebhookBody } from './webhook-signature.js';
import type {
  WebhookDeliveryRow,
  WebhookSubscriptionRow,
  WebhooksRepository,
} from './webhooks.repository.js';

export const webhookJobKind = 'webhook.deliver';
export const webhookTestEventType = 'webhook.test';

export interface WebhookEvent {
  id: string;
  type: string;
  organizationId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface WebhookPublisherDeps {
  repository: WebhooksRepository;
  scheduler: JobScheduler;
  clock: Clock;
  secrets: SecretBox;
  logger?: Logger | undefined;
  /** How long a receiver has to answer. */
  timeoutMs?: number;
  /** Attempts per delivery before it is marked failed. */
  maxAttempts?: number;
  /** Wait before the first retry; doubles for each further one. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** `*` matches every type, `approval.*` every type under `approval.`, otherwise exactly. */
export function matchesEventType(patterns: readonly string[], type: string): boolean {
  return patterns.some(
    (pattern) =>
      pattern === '*' ||
      pattern === type ||
      (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))),
  );
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (cause?.code ? `${message} (${cause.code})` : message).slice(0, 500);
}

/**
 * Outbound webhooks: `publish` writes one delivery per matching subscription and a
 * `webhook.deliver` job for each, so an event is durable once published and a slow receiver
 * never holds up the caller. Each attempt POSTs the signed JSON envelope; a 2xx answer
 * delivers it, anything else (timeouts, errors, redirects) waits and tries again.
 */
export class WebhookPublisher implements EventPublisher {
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  /**
   * Active subscriptions per organisation: in a drop every paid order publishes an event
   * within the same second. Changes made here are seen at once (subscriptionsChanged);
   * another process sees them within about a second.
   */
  private readonly subscriptions: RefreshingCache<WebhookSubscriptionRow[]>;

  constructor(private readonly deps: WebhookPublisherDeps) {
    this.subscriptions = new RefreshingCache(
      (organizationId) => this.deps.repository.listActiveSubscriptions(organizationId),
      1000,
    );
    this.logger = deps.logger ?? pino({ level: 'silent' });
    this.timeoutMs = deps.timeoutMs ?? 5_000;
    this.maxAttempts = deps.maxAttempts ?? 8;
    this.backoffMs = deps.backoffMs ?? 30_000;
    this.maxBackoffMs = deps.maxBackoffMs ?? 6 * 60 * 60_000;
  }

  async publish(
    organizationId: string,
    type: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const subscriptions = (await this.subscriptions.get(organizationId)).filter((subscription) =>
      matchesEventType(subscription.eventTypes, type),
    );
    await this.queue(organizationId, type, data, subscriptions);
  }

  /** A subscription was added or removed: the next event reads them again. */
  subscriptionsChanged(organizationId: string): void {
    this.subscriptions.forget(organizationId);
  }

  /**
   * Queues a `webhook.test` event to one subscription whatever types it asked for, so people
   * can check their receiver. Returns the event id, or undefined when there is no such one.
   */
  async publishTest(organizationId: string, subscriptionId: string): Promise<string | undefined> {
    const subscription = await this.deps.repository.findSubscription(
      organizationId,
      subscriptionId,
    );
    if (!subscription) return undefined;
    return this.queue(organizationId, webhookTestEventType, { subscriptionId }, [subscription]);
  }

  private async queue(
    organizationId: string,
    type: string,
    data: Record<string, unknown>,
    subscriptions: readonly WebhookSubscriptionRow[],
  ): Promise<string | undefined> {
    if (subscriptions.length === 0) return undefined;
    const now = this.deps.clock.now();
    const event: WebhookEvent = {
      id: newId(),
      type,
      organizationId,
      occurredAt: now.toISOString(),
      data,
    };
    const payload = JSON.stringify(event);
    const deliveries = subscriptions.map((subscription) => ({
      id: newId(),
      organizationId,
      subscriptionId: subscription.id,
      eventId: event.id,
      type,
      payload,
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
    }));
    await this.deps.repository.insertDeliveries(deliveries);
    for (const delivery of deliveries) await this.scheduleAttempt(organizationId, delivery.id, now);
    return event.id;
  }

  registerJobs(registry: JobHandlerRegistry): void {
    // Retries of failed POSTs are the delivery's own (it reschedules itself, so the delivery
    // row shows its next attempt); the scheduler retries only when recording fails.
    registry.handle(webhookJobKind, (job) => this.deliver(job), { maxAttempts: 3 });
  }

  private scheduleAttempt(organizationId: string, deliveryId: string, runAt: Date): Promise<void> {
    return this.deps.scheduler.schedule({
      organizationId,
      kind: webhookJobKind,
      key: `webhook:${deliveryId}`,
      runAt,
      payload: { deliveryId },
    });
  }

  private async deliver(job: ScheduledJob): Promise<void> {
    const { repository, clock } = this.deps;
    const deliveryId = String(job.payload.deliveryId);
    const delivery = await repository.findDelivery(job.organizationId, deliveryId);
    // Gone with its subscription, or settled by an earlier run of this job.
    if (delivery?.status !== 'pending') return;
    const subscription = await repository.findSubscription(
      job.organizationId,
      delivery.subscriptionId,
    );
    if (!subscription?.active) {
      await repository.recordAttempt(
        job.organizationId,
        delivery.id,
        {
          attempts: delivery.attempts,
          lastStatusCode: null,
          lastError: 'the subscription is disabled',
        },
        { status: 'failed' },
      );
      return;
    }
    let secret: string;
    try {
      secret = this.deps.secrets.open(subscription.secretCiphertext);
    } catch {
      await repository.recordAttempt(
        job.organizationId,
        delivery.id,
        {
          attempts: delivery.attempts,
          lastStatusCode: null,
          lastError: 'the signing secret cannot be read (was MYDROP_SECRET changed?)',
        },
        { status: 'failed' },
      );
      return;
    }

    const attempts = delivery.attempts + 1;
    const result = await this.post(subscription.url, delivery, secret);
    const now = clock.now();
    const attempt = { attempts, lastStatusCode: result.statusCode, lastError: result.error };
    const log = {
      deliveryId: delivery.id,
      subscriptionId: subscription.id,
      organizationId: job.organizationId,
      type: delivery.type,
      attempts,
      statusCode: result.statusCode,
      err: result.error,
    };
    if (result.error === null) {
      await repository.recordAttempt(job.organizationId, delivery.id, attempt, {
        status: 'delivered',
        deliveredAt: now,
      });
    } else if (attempts >= this.maxAttempts) {
      this.logger.warn(log, 'webhook delivery failed; giving up');
      await repository.recordAttempt(job.organizationId, delivery.id, attempt, {
        status: 'failed',
      });
    } else {
      const delay = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempts - 1));
      const nextAttemptAt = new Date(now.getTime() + delay);
      this.logger.info({ ...log, nextAttemptAt }, 'webhook delivery failed; retrying');
      await repository.recordAttempt(job.organizationId, delivery.id, attempt, {
        status: 'pending',
        nextAttemptAt,
      });
      await this.scheduleAttempt(job.organizationId, delivery.id, nextAttemptAt);
    }
  }

  private async post(
    url: string,
    delivery: WebhookDeliveryRow,
    secret: string,
  ): Promise<{ statusCode: number | null; error: string | null }> {
    const body = JSON.stringify(delivery.payload);
    const signedAt = Math.floor(this.deps.clock.now().getTime() / 1000);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Mydrop-Webhooks/1',
          [signatureHeader]: signWebhookBody(secret, body, signedAt),
          [eventIdHeader]: delivery.eventId,
        },
        body,
        // A redirect is an answer the receiver must fix: following it could send the signed
        // event to a host nobody subscribed.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) {
        return { statusCode: response.status, error: null };
      }
      return { statusCode: response.status, error: `the receiver answered ${response.status}` };
    } catch (error) {
      return { statusCode: null, error: describeFailure(error, this.timeoutMs) };
    }
  }
}
