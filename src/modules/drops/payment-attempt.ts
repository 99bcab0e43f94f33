import type { StoredCheckoutAnswer } from '../../db/schema.js';
import { AppError, type ErrorCode, errorStatus } from '../../lib/errors.js';
import type { PaymentAttemptRow } from './checkout-payments.repository.js';
import type { ChargeRequest } from './payment-provider.js';

/**
 * How long a payment attempt may run before it counts as lost: longer than any provider call
 * (Stripe: 8 s a request, one network retry, and a confirmation after 3-D Secure).
 */
export const paymentAttemptGraceMs = 2 * 60_000;

/** A checkout's payment attempt as written before its charge (checkout_payments, 0018). */
export interface PaymentAttempt {
  id: string;
  organizationId: string;
  holdId: string;
  offerId: string;
  provider: string;
  amountMinor: number;
  currency: string;
  /** The request sent to the provider; a re-issue sends it again, same key and parameters. */
  request: ChargeRequest;
}

/** The attempt of a row; its request is read back as it was sent. */
export function attemptOf(row: PaymentAttemptRow): PaymentAttempt {
  return {
    id: row.id,
    organizationId: row.organizationId,
    holdId: row.holdId,
    offerId: row.offerId,
    provider: row.provider,
    amountMinor: row.amountMinor,
    currency: row.currency,
    request: row.chargeRequest as unknown as ChargeRequest,
  };
}

/** The answer when the refund of a charge without an order is left to the sweep. */
export function willBeRefunded(attempt: PaymentAttempt): AppError {
  return new AppError(
    'hold_expired',
    'This hold ended before payment completed; the charge will be refunded',
    { holdId: attempt.holdId },
  );
}

/** An answer as kept for a retry with its key: what the shopper was told, nothing more. */
export function storedAnswer(error: AppError): StoredCheckoutAnswer {
  return { code: error.code, message: error.message, details: error.details };
}

/** A kept answer given again; a code this version does not know answers as internal. */
export function errorOf(answer: StoredCheckoutAnswer): AppError {
  const code = answer.code in errorStatus ? (answer.code as ErrorCode) : 'internal';
  return new AppError(code, answer.message, answer.details);
}
