/**
 * The fake Stripe's PaymentMethods and Customers, kept as Stripe keeps them: a PaymentMethod
 * made from a card (by Stripe.js, or from a test-mode name such as `pm_card_visa`, which Stripe
 * turns into a new PaymentMethod at each use) can be charged once unless it is attached to a
 * Customer; a PaymentIntent confirmed with `customer` and `setup_future_usage` attaches it when
 * it succeeds; attached, it is charged only with its Customer; detached, never again.
 */

/** The test card behind each of Stripe's test PaymentMethod names, as Stripe documents them. */
const testCards: Record<string, { brand: string; last4: string }> = {
  pm_card_visa: { brand: 'visa', last4: '4242' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444' },
  pm_card_amex: { brand: 'amex', last4: '0005' },
  pm_card_threeDSecure2Required: { brand: 'visa', last4: '3184' },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3155' },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002' },
  pm_card_chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995' },
};

/** Stripe's test card numbers, by the test PaymentMethod each behaves as. */
const testCardNumbers: Record<string, string> = {
  '4242424242424242': 'pm_card_visa',
  '5555555555554444': 'pm_card_mastercard',
  '4000002760003184': 'pm_card_threeDSecure2Required',
  '4000002500003155': 'pm_card_authenticationRequired',
  '4000000000000002': 'pm_card_chargeDeclined',
};

export interface FakePaymentMethod {
  id: string;
  /** The test card it was made from: what charging it does (`pm_card_visa`, ...). */
  testCard: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  billingDetails: { name: string | null; email: string | null };
  customer: string | null;
  /** Charged without a Customer, or detached: Stripe refuses it from then on. */
  spent: boolean;
}

export interface FakeCustomer {
  id: string;
  email: string | null;
  name: string | null;
}

export type FakeAnswer = { status: number; body: unknown };

export const invalidRequest = (message: string, extra: Record<string, string> = {}) => ({
  status: 400,
  body: { error: { type: 'invalid_request_error', message, ...extra } },
});

export class FakeCards {
  readonly paymentMethods = new Map<string, FakePaymentMethod>();
  readonly customers = new Map<string, FakeCustomer>();

  constructor(private readonly nextId: () => number) {}

  /** Whether `name` is one of Stripe's test PaymentMethod names this fake knows. */
  isTestCard(name: string): boolean {
    return name in testCards;
  }

  /** A new PaymentMethod for a test card, as Stripe makes one for `pm_card_visa` or Stripe.js. */
  mint(testCard: string, billing: FakePaymentMethod['billingDetails']): FakePaymentMethod {
    const card = testCards[testCard] ?? { brand: 'visa', last4: '4242' };
    const method: FakePaymentMethod = {
      id: `pm_fake_${this.nextId()}`,
      testCard,
      ...card,
      expMonth: 12,
      expYear: new Date().getUTCFullYear() + 3,
      billingDetails: billing,
      customer: null,
      spent: false,
    };
    this.paymentMethods.set(method.id, method);
    return method;
  }

  /** POST /v1/payment_methods, as Stripe.js sends it with the typed card number. */
  createFromCard(params: Record<string, string>): FakeAnswer {
    const number = (params['card[number]'] ?? '').replace(/\s+/g, '');
    const testCard = testCardNumbers[number];
    if (params.type !== 'card' || !testCard) {
      return {
        status: 402,
        body: {
          error: {
            type: 'card_error',
            code: 'incorrect_number',
            param: 'number',
            message: 'Your card number is incorrect.',
          },
        },
      };
    }
    const method = this.mint(testCard, {
      name: params['billing_details[name]'] ?? null,
      email: params['billing_details[email]'] ?? null,
    });
    return { status: 200, body: this.methodBody(method) };
  }

  createCustomer(params: Record<string, string>): FakeAnswer {
    const customer: FakeCustomer = {
      id: `cus_fake_${this.nextId()}`,
      email: params.email ?? null,
      name: params.name ?? null,
    };
    this.customers.set(customer.id, customer);
    return { status: 200, body: this.customerBody(customer) };
  }

  /**
   * The PaymentMethod a PaymentIntent may charge for `customer`, or Stripe's refusal. A test
   * name stands for a new PaymentMethod each time.
   */
  methodFor(
    name: string,
    customer: string | null,
  ): { method: FakePaymentMethod } | { refusal: FakeAnswer } {
    if (customer !== null && !this.customers.has(customer)) {
      return refusal(`No such customer: '${customer}'`, 'resource_missing', 'customer');
    }
    if (this.isTestCard(name)) return { method: this.mint(name, { name: null, email: null }) };
    const method = this.paymentMethods.get(name);
    if (!method) {
      return refusal(`No such PaymentMethod: '${name}'`, 'resource_missing', 'payment_method');
    }
    if (method.spent) {
      return refusal(
        'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.',
        undefined,
        'payment_method',
      );
    }
    if (method.customer !== null && method.customer !== customer) {
      return refusal(
        customer === null
          ? 'The provided PaymentMethod is attached to a Customer: pass that Customer in `customer`.'
          : 'The provided PaymentMethod does not belong to the provided Customer.',
        undefined,
        'payment_method',
      );
    }
    return { method };
  }

  /** A payment with the method succeeded: attached when saved, spent when charged bare. */
  charged(method: FakePaymentMethod, customer: string | null, setupFutureUsage: string | null) {
    if (method.customer !== null) return;
    if (customer !== null && setupFutureUsage !== null) method.customer = customer;
    else method.spent = true;
  }

  /** POST /v1/payment_methods/:id/detach. */
  detach(id: string): FakeAnswer {
    const method = this.paymentMethods.get(id);
    if (!method) {
      return invalidRequest(`No such PaymentMethod: '${id}'`, {
        code: 'resource_missing',
        param: 'payment_method',
      });
    }
    if (method.customer === null) {
      return invalidRequest(
        'The payment method you provided is not attached to a customer so detachment is impossible.',
      );
    }
    const body = this.methodBody({ ...method, customer: null });
    method.customer = null;
    method.spent = true;
    return { status: 200, body };
  }

  /** The card has passed its expiry date: Stripe declines it as expired_card from now on. */
  expire(id: string): void {
    const method = this.paymentMethods.get(id);
    if (method) method.expYear = new Date().getUTCFullYear() - 1;
  }

  isExpired(method: FakePaymentMethod): boolean {
    return method.expYear < new Date().getUTCFullYear();
  }

  methodBody(method: FakePaymentMethod) {
    return {
      id: method.id,
      object: 'payment_method',
      type: 'card',
      billing_details: { address: null, phone: null, ...method.billingDetails },
      card: {
        brand: method.brand,
        display_brand: method.brand,
        last4: method.last4,
        exp_month: method.expMonth,
        exp_year: method.expYear,
        country: 'US',
        funding: 'credit',
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
      customer: method.customer,
      livemode: false,
      metadata: {},
    };
  }

  customerBody(customer: FakeCustomer) {
    return {
      id: customer.id,
      object: 'customer',
      email: customer.email,
      name: customer.name,
      livemode: false,
      metadata: {},
      invoice_settings: { default_payment_method: null },
    };
  }
}

function refusal(message: string, code: string | undefined, param: string) {
  return {
    refusal: invalidRequest(message, { ...(code ? { code } : {}), param }),
  };
}
