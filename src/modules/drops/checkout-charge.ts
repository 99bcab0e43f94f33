import { AppError } from '../../lib/errors.js';
import {
  type PaymentProvider,
  PaymentUnavailableError,
  UnknownPaymentMethodError,
} from './payment-provider.js';

/**
 * Charges for a checkout and answers the provider's reference; every other outcome becomes
 * the AppError the shopper sees (declined, needs 3-D Secure, unknown method, provider down),
 * each saying that nothing was charged where that is so.
 */
export async function chargeForCheckout(
  provider: PaymentProvider,
  request: Parameters<PaymentProvider['charge']>[0],
): Promise<string> {
  try {
    const result = await provider.charge(request);
    if (result.status === 'requires_action') {
      // Not a decline: the same card goes through once the shopper has authenticated.
      throw new AppError(
        'payment_requires_action',
        'The card issuer asks you to confirm this payment; nothing was charged, the hold stays',
        { clientSecret: result.clientSecret },
      );
    }
    if (result.status === 'declined') {
      throw new AppError(
        'payment_declined',
        `The payment was declined (${result.reason}); the hold stays until it expires`,
        {
          reason: result.reason,
        },
      );
    }
    return result.reference;
  } catch (error) {
    if (error instanceof UnknownPaymentMethodError) {
      throw new AppError('invalid', `payment.token: ${error.message}`, {
        field: 'payment.token',
      });
    }
    if (error instanceof PaymentUnavailableError) {
      // The provider may have charged before it failed to answer: the payment attempt stays
      // open until the sweep learns the outcome, and a retry with the same card is the same
      // payment at the provider.
      throw new AppError(
        'payment_unavailable',
        `${error.message}; try again: the same card is never charged twice, and a payment that does not become an order is refunded`,
        { reason: error.reason },
      );
    }
    throw error;
  }
}
