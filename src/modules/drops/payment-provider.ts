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
  /** Charging a saved method again (one click): the provider's customer it is attached to. */
  customer?: string | undefined;
  /**
   * The shopper asked to keep this method for one-click checkout: the provider saves it with
   * this charge, under a new customer with these details (see MethodSaving).
   */
  saveForReuse?: { email: string; name: string } | undefined;
  /**
   * Names the checkout at the provider (Stripe PaymentIntent metadata: the hold), so its
   * webhooks can be matched to the payment attempt. The same on every re-issue of a key.
   */
  metadata?: Record<string, string> | undefined;
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

/** A payment method the provider keeps so a shop can charge it again, with its label. */
export interface SavedMethod {
  /** What a later charge sends as its token: a sandbox test token, a Stripe PaymentMethod id. */
  method: string;
  /** The provider's customer the method is attached to (a Stripe Customer id), or null. */
  customer: string | null;
  /** For the shopper: brand and last four digits, such as "Visa ending 4242"; no card data. */
  label: string;
}

/**
 * Saving a payment method with a charge, so the shop can charge it again while the shopper is
 * there to click (one-click checkout). A provider without it cannot offer saving.
 */
export interface MethodSaving {
  /** Whether the method typed at checkout can be saved; asked before anything is charged. */
  canSave(token: string): boolean;
  /**
   * The method a succeeded charge sent with `saveForReuse` saved, as the provider keeps it;
   * read back by the charge's reference, so a replayed or 3-D Secure-confirmed charge reads
   * the same.
   */
  savedBy(charge: { reference: string; token: string }): Promise<SavedMethod>;
  /** The shopper asked to be forgotten: the method can never be charged again. */
  forget(saved: Pick<SavedMethod, 'method' | 'customer'>): Promise<void>;
}

export interface PaymentProvider {
  readonly name: string;
  /** Set when shoppers' pages can collect a card for this provider. */
  readonly cardCollection?: CardCollection | undefined;
  /** Set when the provider can save a method for one-click checkout. */
  readonly saving?: MethodSaving | undefined;
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(reference: string, amountMinor: number): Promise<void>;
}

const cardBrands: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
  cartes_bancaires: 'Cartes Bancaires',
  eftpos_au: 'eftpos',
};

/** "Visa ending 4242", from a card's brand (Stripe's names) and its last four digits. */
export function cardLabel(brand: string, last4: string): string {
  return `${cardBrands[brand] ?? 'Card'} ending ${last4}`;
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

/**
 * The card numbers behind Stripe's test PaymentMethods (the sandbox uses the same names), so
 * a saved test card reads as a real one would.
 */
const testCards: Partial<Record<string, [brand: string, last4: string]>> = {
  pm_card_visa: ['visa', '4242'],
  pm_card_mastercard: ['mastercard', '4444'],
  pm_card_amex: ['amex', '0005'],
  pm_card_chargeDeclined: ['visa', '0002'],
  pm_card_chargeDeclinedInsufficientFunds: ['visa', '9995'],
  pm_card_chargeDeclinedExpiredCard: ['visa', '0069'],
};

/**
 * The sandbox charges by test-method name, so any of its tokens is saved as it is, with no
 * customer, and forgetting it leaves nothing behind anywhere.
 */
const sandboxSaving: MethodSaving = {
  canSave: () => true,
  async savedBy({ token }) {
    const card = testCards[token];
    return { method: token, customer: null, label: card ? cardLabel(...card) : 'Saved test card' };
  },
  async forget() {},
};

export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';
  readonly saving = sandboxSaving;
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
