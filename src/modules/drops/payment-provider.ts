import { randomUUID } from 'node:crypto';

/**
 * How checkout takes money. The sandbox provider answers by test payment method, named after
 * Stripe's test PaymentMethods so the same tokens work against both.
 */
export interface ChargeRequest {
  amountMinor: number;
  currency: string;
  token: string;
  /** The provider must not charge twice for one key. */
  idempotencyKey: string;
  description: string;
}

export type ChargeResult =
  | { status: 'succeeded'; reference: string }
  | { status: 'declined'; reason: string }
  /**
   * The card issuer asks the shopper to authenticate (3-D Secure, strong customer
   * authentication). Nothing is charged yet: the shopper's device completes the action with
   * `clientSecret`, then checkout is sent again with the same token and the same payment is
   * confirmed.
   */
  | { status: 'requires_action'; clientSecret: string };

/**
 * How a shopper's page collects a card for a provider whose card fields must come from the
 * provider's own script (Stripe.js): the page never sees the card number, only a token.
 */
export interface CardCollection {
  /** The provider's public key for its script; safe to put in a page. */
  publishableKey: string;
  /** The provider's script, the only allowed source of card fields. */
  scriptUrl: string;
}

export interface PaymentProvider {
  readonly name: string;
  /** Set when shoppers' pages can collect a card for this provider. */
  readonly cardCollection?: CardCollection | undefined;
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(reference: string, amountMinor: number): Promise<void>;
}

/** What the shopper pages offer to pay with, from the providers checkout accepts. */
export interface ShopperPaymentOptions {
  /** The sandbox's test cards are accepted. */
  testCards: boolean;
  /** A real card, collected by the provider's script; null when no provider can. */
  card: (CardCollection & { provider: string }) | null;
}

export function shopperPaymentOptions(
  providers: Record<string, PaymentProvider>,
): ShopperPaymentOptions {
  const collecting = Object.entries(providers).find(([, provider]) => provider.cardCollection);
  const collection = collecting?.[1].cardCollection;
  return {
    testCards: 'sandbox' in providers,
    card: collecting && collection ? { provider: collecting[0], ...collection } : null,
  };
}

/** The provider did not answer in time or failed: the charge outcome is unknown or failed. */
export class PaymentUnavailableError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'provider_error',
  ) {
    super(message);
  }
}

export class UnknownPaymentMethodError extends Error {}

export const sandboxPaymentMethods = {
  pm_card_visa: 'succeeds',
  pm_card_mastercard: 'succeeds',
  pm_card_amex: 'succeeds',
  pm_card_chargeDeclined: 'declined: card_declined',
  pm_card_chargeDeclinedInsufficientFunds: 'declined: insufficient_funds',
  pm_card_chargeDeclinedExpiredCard: 'declined: expired_card',
  pm_card_timeout: 'times out',
  pm_card_providerError: 'provider error',
} as const;

export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';
  private readonly charges = new Map<string, ChargeResult>();

  constructor(private readonly timeoutMs = 50) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const previous = this.charges.get(request.idempotencyKey);
    if (previous) return previous;
    const behaviour = sandboxPaymentMethods[request.token as keyof typeof sandboxPaymentMethods];
    if (!behaviour) {
      throw new UnknownPaymentMethodError(
        `unknown sandbox payment method; use one of ${Object.keys(sandboxPaymentMethods).join(', ')}`,
      );
    }
    if (behaviour === 'times out') {
      await new Promise((resolve) => setTimeout(resolve, this.timeoutMs));
      throw new PaymentUnavailableError('The payment provider did not answer in time', 'timeout');
    }
    if (behaviour === 'provider error') {
      throw new PaymentUnavailableError('The payment provider failed', 'provider_error');
    }
    const result: ChargeResult = behaviour.startsWith('declined')
      ? { status: 'declined', reason: behaviour.slice('declined: '.length) }
      : {
          status: 'succeeded',
          reference: `sandbox_ch_${randomUUID()}`,
        };
    this.charges.set(request.idempotencyKey, result);
    return result;
  }

  async refund(): Promise<void> {}
}
