import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import type { AuditRecorder } from '../audit/index.js';
import type { EventPublisher } from '../notifications/index.js';
import type {
  CheckoutPaymentsRepository,
  UnsettledAttemptRow,
} from './checkout-payments.repository.js';
import { orderEventData } from './order-events.js';
import type { OrderRow } from './orders.repository.js';
import { attemptOf, paymentAttemptGraceMs } from './payment-attempt.js';
import {
  type ChargeResult,
  type PaymentProvider,
  UnknownPaymentMethodError,
} from './payment-provider.js';
import type { PaymentRefunds } from './payment-refunds.js';

/** What settling one attempt did. */
export type Settlement =
  | 'ordered'
  | 'refunded'
  | 'declined'
  | 'requires_action'
  | 'failed'
  /** Another process settled it meanwhile. */
  | 'settled_elsewhere'
  /** Its hold can still be paid for: a retry may still make the order. */
  | 'hold_open'
  /** The provider did not answer, or is not configured here: left for the next sweep. */
  | 'unavailable';

export interface PaymentReconcilerDeps {
  refunds: PaymentRefunds;
  repository: CheckoutPaymentsRepository;
  paymentProviders: Record<string, PaymentProvider>;
  /** The order written for a hold, if any (one per hold). */
  orderOfHold(holdId: string): Promise<OrderRow | undefined>;
  clock: Clock;
  events: EventPublisher;
  audit: AuditRecorder;
  logger?: Logger | undefined;
  /** Attempts younger than this are left to their checkout (see paymentAttemptGraceMs). */
  graceMs?: number | undefined;
  /**
   * A hold still `held` in the database this long past its deadline has no store left to pin
   * it (Redis gives up a pinned payment 5 minutes past the deadline): it counts as ended.
   */
  heldPastDeadlineMs?: number | undefined;
  /** Attempts settled per sweep at most; the next sweep goes on. */
  batchSize?: number | undefined;
  /**
   * How long a provider keeps an idempotency key (Stripe: 24 hours; 23 for a margin). An older
   * attempt is never re-issued: the provider would charge it as a new payment.
   */
  keyLifetimeMs?: number | undefined;
}

/**
 * Settles payment attempts left `charging`: the checkout's process died between the charge and
 * the order, or gave up on a provider that did not answer. The charge is re-issued with the
 * same provider idempotency key, which charges nothing new and answers the first outcome;
 * a payment that succeeded without an order is refunded in full.
 *
 * Only attempts whose hold has ended are settled: while the hold can still be checked out, a
 * retry with the same card gets the same payment from the provider and may still write the
 * order, so refunding it then could leave an order unpaid. Once the hold is no longer `held`
 * in the database, no order can be written for it (the order insert checks it), and the
 * decision is final.
 */
export class PaymentReconciler {
  private sweeping: Promise<Partial<Record<Settlement, number>>> | undefined;
  /** Attempts too old to re-issue, already reported: reported once per process. */
  private readonly reportedTooOld = new Set<string>();
  /** Attempts the provider could not be asked about, already reported. */
  private readonly reportedUnsettled = new Set<string>();

  constructor(private readonly deps: PaymentReconcilerDeps) {}

  /**
   * One pass: the oldest settleable attempts, each settled or left for the next pass. A pass
   * asked for while one runs (a slow provider) shares it.
   */
  sweep(): Promise<Partial<Record<Settlement, number>>> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<Partial<Record<Settlement, number>>> {
    const now = this.deps.clock.now().getTime();
    const rows = await this.deps.repository.listCharging({
      createdBefore: new Date(now - (this.deps.graceMs ?? paymentAttemptGraceMs)),
      // Older ones cannot be asked again (see keyLifetimeMs): they would block the batch.
      createdAfter: new Date(now - this.keyLifetimeMs),
      heldExpiredBefore: this.heldExpiredBefore(),
      onlyEndedHolds: true,
      limit: this.deps.batchSize ?? 50,
    });
    const counts: Partial<Record<Settlement, number>> = {};
    for (const row of rows) {
      const settled = await this.settle(row);
      counts[settled] = (counts[settled] ?? 0) + 1;
    }
    if (rows.length > 0) this.deps.logger?.info({ counts }, 'payment sweep settled attempts');
    return counts;
  }

  /**
   * Stripe's `payment_intent.succeeded` (or any provider's "payment succeeded"): the hold's
   * attempts still `charging` are settled now, a payment without an order refunded. Throws
   * payment_unavailable when the provider could not be asked, so the webhook is sent again.
   */
  async paymentSucceeded(provider: string, holdId: string): Promise<Settlement[]> {
    const rows = await this.deps.repository.listCharging({
      holdId,
      heldExpiredBefore: this.heldExpiredBefore(),
      onlyEndedHolds: false,
      limit: 20,
    });
    const settled: Settlement[] = [];
    for (const row of rows) {
      if (row.provider === provider) settled.push(await this.settle(row));
    }
    if (settled.includes('unavailable')) {
      throw new AppError(
        'payment_unavailable',
        'The payment provider did not answer while settling the payment; send the event again',
        { holdId },
      );
    }
    return settled;
  }

  /**
   * A refund the provider reports (Stripe's `charge.refunded`, cumulated amount) for a paid
   * order, made outside Mydrop (the Stripe dashboard): recorded on the order, told as
   * `order.refunded`. Mydrop's own refunds are of no order or of a cancelled or returned one,
   * and a repeated report changes nothing: answers undefined then.
   */
  async refundedAtProvider(
    provider: string,
    reference: string,
    refundedMinor: number,
  ): Promise<OrderRow | undefined> {
    const order = await this.deps.repository.recordProviderRefund(
      provider,
      reference,
      refundedMinor,
      this.deps.clock.now(),
    );
    if (!order) return undefined;
    const data = { ...orderEventData(order), refundedMinor: order.refundedMinor };
    this.deps.logger?.warn(
      { orderId: order.id, refundedMinor: order.refundedMinor },
      'order refunded at the payment provider, outside Mydrop',
    );
    try {
      await this.deps.events.publish(order.organizationId, 'order.refunded', data);
      await this.deps.audit.record({
        organizationId: order.organizationId,
        actor: null,
        action: 'order.refunded',
        subjectType: 'order',
        subjectId: order.id,
        data: { refundedMinor: order.refundedMinor, currency: order.currency, provider },
      });
    } catch (error) {
      this.deps.logger?.error({ err: error, orderId: order.id }, 'order.refunded not told');
    }
    return order;
  }

  /** Learns an attempt's outcome from its provider and records it; refunds a lone payment. */
  private async settle(row: UnsettledAttemptRow): Promise<Settlement> {
    if (!row.holdEnded) return 'hold_open';
    const provider = this.deps.paymentProviders[row.provider];
    if (!provider) {
      this.deps.logger?.warn(
        { paymentId: row.id, provider: row.provider },
        'payment attempt of a provider not configured here: left for a process that has it',
      );
      return 'unavailable';
    }
    const attempt = attemptOf(row);
    const now = () => this.deps.clock.now();
    const age = now().getTime() - row.createdAt.getTime();
    if (age > this.keyLifetimeMs) {
      if (!this.reportedTooOld.has(row.id)) {
        this.reportedTooOld.add(row.id);
        this.deps.logger?.error(
          { paymentId: row.id, holdId: row.holdId, provider: row.provider },
          'payment attempt too old to ask the provider again: check its payments for this hold',
        );
      }
      return 'unavailable';
    }
    let result: ChargeResult;
    try {
      // The same key and parameters: the provider answers the first charge, charging nothing.
      result = await provider.charge(attempt.request);
    } catch (error) {
      if (error instanceof UnknownPaymentMethodError) {
        return this.recorded(row, 'failed');
      }
      // Once per attempt and process: a provider down for hours would flood the log otherwise.
      if (!this.reportedUnsettled.has(row.id)) {
        this.reportedUnsettled.add(row.id);
        this.deps.logger?.warn({ err: error, paymentId: row.id }, 'payment attempt left unsettled');
      }
      return 'unavailable';
    }
    if (result.status !== 'succeeded') {
      return this.recorded(row, result.status === 'declined' ? 'declined' : 'requires_action');
    }
    const order = await this.deps.orderOfHold(row.holdId);
    if (order?.paymentProvider === row.provider && order.paymentReference === result.reference) {
      const marked = await this.deps.repository.recordOrdered(
        row.id,
        order.id,
        result.reference,
        now(),
      );
      return marked ? 'ordered' : 'settled_elsewhere';
    }
    try {
      const refunded = await this.deps.refunds.refundUnordered(
        attempt,
        result.reference,
        'no_order',
      );
      return refunded ? 'refunded' : 'settled_elsewhere';
    } catch (error) {
      this.deps.logger?.warn({ err: error, paymentId: row.id }, 'refund failed; retried later');
      return 'unavailable';
    }
  }

  private async recorded(
    row: UnsettledAttemptRow,
    status: 'declined' | 'requires_action' | 'failed',
  ): Promise<Settlement> {
    const marked = await this.deps.repository.recordOutcome(
      row.id,
      { status },
      this.deps.clock.now(),
    );
    return marked ? status : 'settled_elsewhere';
  }

  private get keyLifetimeMs(): number {
    return this.deps.keyLifetimeMs ?? 23 * 3_600_000;
  }

  private heldExpiredBefore(): Date {
    const now = this.deps.clock.now().getTime();
    return new Date(now - (this.deps.heldPastDeadlineMs ?? 10 * 60_000));
  }
}
