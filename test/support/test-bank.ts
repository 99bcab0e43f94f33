import type {
  ChargeRequest,
  ChargeResult,
  PaymentProvider,
} from '../../src/modules/drops/payment-provider.js';

/**
 * A payment provider shared by several server processes under test, as Stripe is: it charges
 * once per idempotency key whichever process asks, and answers a repeated key with the first
 * outcome. `pm_card_chargeDeclined` is declined; every other token is charged.
 */
export class TestBank implements PaymentProvider {
  readonly name = 'sandbox';
  /** Charges made, by idempotency key: a key is charged once or never. */
  readonly charges = new Map<string, { reference: string; request: ChargeRequest }>();
  readonly refunds: Array<{ reference: string; amountMinor: number }> = [];
  /** Every charge call's request, replays included. */
  readonly requests: ChargeRequest[] = [];
  get chargeCalls(): number {
    return this.requests.length;
  }
  private gate: Promise<void> | null = null;
  private open: () => void = () => {};

  /** Keeps every charge waiting at the bank until `resume()`. */
  pause(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  resume(): void {
    this.gate = null;
    this.open();
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    this.requests.push(request);
    if (this.gate) await this.gate;
    if (request.token === 'pm_card_chargeDeclined') {
      return { status: 'declined', reason: 'card_declined' };
    }
    const known = this.charges.get(request.idempotencyKey);
    if (known) return { status: 'succeeded', reference: known.reference };
    const reference = `bank_charge_${this.charges.size + 1}`;
    this.charges.set(request.idempotencyKey, { reference, request });
    return { status: 'succeeded', reference };
  }

  async refund(reference: string, amountMinor: number): Promise<void> {
    this.refunds.push({ reference, amountMinor });
  }
}

/**
 * A process's way to a provider that dies after the provider charged: while `dying`, a
 * charge goes through at the provider and its answer never comes back, as when the server is
 * killed between the charge and the order.
 */
export class DyingProcess implements PaymentProvider {
  dying = false;

  constructor(private readonly provider: PaymentProvider) {}

  get name(): string {
    return this.provider.name;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const dies = this.dying;
    const result = await this.provider.charge(request);
    if (dies) return new Promise<never>(() => {});
    return result;
  }

  refund(reference: string, amountMinor: number): Promise<void> {
    return this.provider.refund(reference, amountMinor);
  }
}
