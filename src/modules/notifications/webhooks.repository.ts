import type { Db } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';

export type WebhookSubscriptionRow = Row<'webhookSubscriptions'>;
export type WebhookDeliveryRow = Row<'webhookDeliveries'>;

export interface DeliveryAttempt {
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
}

/** SQL for outbound webhook subscriptions and their deliveries, scoped by organisation. */
export class WebhooksRepository {
  constructor(private readonly db: Db) {}

  async insertSubscription(row: NewRow<'webhookSubscriptions'>): Promise<WebhookSubscriptionRow> {
    return this.db
      .insertInto('webhookSubscriptions')
      .values(row)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async listSubscriptions(organizationId: string): Promise<WebhookSubscriptionRow[]> {
    return this.db
      .selectFrom('webhookSubscriptions')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
  }

  async listActiveSubscriptions(organizationId: string): Promise<WebhookSubscriptionRow[]> {
    return this.db
      .selectFrom('webhookSubscriptions')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('active', '=', true)
      .execute();
  }

  async findSubscription(
    organizationId: string,
    id: string,
  ): Promise<WebhookSubscriptionRow | undefined> {
    return this.db
      .selectFrom('webhookSubscriptions')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Deletes the subscription and, by cascade, its deliveries. */
  async deleteSubscription(organizationId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('webhookSubscriptions')
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async insertDeliveries(rows: NewRow<'webhookDeliveries'>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.insertInto('webhookDeliveries').values(rows).execute();
  }

  async findDelivery(organizationId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
    return this.db
      .selectFrom('webhookDeliveries')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async listDeliveries(
    organizationId: string,
    subscriptionId: string,
    limit: number,
  ): Promise<WebhookDeliveryRow[]> {
    return this.db
      .selectFrom('webhookDeliveries')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('subscriptionId', '=', subscriptionId)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  /** Records an attempt's outcome on a delivery still pending. */
  async recordAttempt(
    organizationId: string,
    id: string,
    attempt: DeliveryAttempt,
    outcome:
      | { status: 'delivered'; deliveredAt: Date }
      | { status: 'pending'; nextAttemptAt: Date }
      | { status: 'failed' },
  ): Promise<void> {
    await this.db
      .updateTable('webhookDeliveries')
      .set({
        ...attempt,
        status: outcome.status,
        nextAttemptAt: outcome.status === 'pending' ? outcome.nextAttemptAt : null,
        ...(outcome.status === 'delivered' ? { deliveredAt: outcome.deliveredAt } : {}),
      })
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }
}
