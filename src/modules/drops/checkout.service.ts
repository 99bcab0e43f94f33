import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { AppError, isAppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { EventPublisher } from '../notifications/index.js';
import { CheckoutAttempts, fingerprintOf } from './checkout-attempts.js';
import { chargeForCheckout } from './checkout-charge.js';
import {
  type CheckoutPayments,
  type KeyedCheckout,
  OrderRefused,
  type PaymentAttempt,
} from './checkout-payments.js';
import type { HoldsRepository } from './holds.repository.js';
import type { OfferStore, StoreHold } from './offer-store.js';
import { unitPriceFor } from './offer-terms.js';
import type { OrderRow, OrdersRepository } from './orders.repository.js';
import { PaidOrders } from './paid-orders.js';
import {
  type PaymentProvider,
  type ShopperPaymentOptions,
  shopperPaymentOptions,
} from './payment-provider.js';
import type { PublicOffers } from './public-offer.js';
import type { SavedPayment, ShopperDetails, ShopperProfiles } from './shopper-profiles.js';

/** A checkout with the shopper's details typed in. */
export interface CheckoutDetails extends ShopperDetails {
  payment: { provider: string; token: string };
}

/**
 * Checkout with typed details (saved for one-click next time when `saveProfile` is set), or
 * in one click with a saved profile's token.
 */
export type CheckoutInput =
  | (CheckoutDetails & { saveProfile?: boolean | undefined })
  | { profile: string };

export interface CheckoutResult {
  orderId: string;
  replay: boolean;
  /** The new profile's token, when the shopper asked to save their details. */
  profile?: string | undefined;
}

export interface CheckoutDeps {
  holds: HoldsRepository;
  orders: OrdersRepository;
  store: OfferStore;
  clock: Clock;
  paymentProviders: Record<string, PaymentProvider>;
  events: EventPublisher;
  logger?: Logger | undefined;
  /** Durable payment attempts: written before each charge, with the Idempotency-Key's answer. */
  payments: CheckoutPayments;
  /** The offers' static fields (price, tiers, currency), cached for the hot path. */
  publicOffers: PublicOffers;
  /** Saved shopper profiles: one-click checkout. */
  shopperProfiles: ShopperProfiles;
  /** The show an offer sells in at `at`, or null: orders carry their show. */
  showOfOffer(organizationId: string, offerId: string, at: Date): Promise<string | null>;
  /** Returns offer units to the catalog's stock (a payment failed after its offer closed). */
  returnUnsold(
    organizationId: string,
    offerId: string,
    units: number,
    market: string | null,
  ): Promise<void>;
  /** The fulfilment module routes the order by country and computes its tax. */
  routeOrder(
    organizationId: string,
    country: string,
    amountMinor: number,
  ): Promise<{
    regionId: string;
    taxRateBasisPoints: number;
    taxMinor: number;
    totalMinor: number;
  } | null>;
}

interface ResolvedCheckout {
  details: CheckoutDetails;
  provider: PaymentProvider;
  /**
   * The shopper opted in to saving: the provider keeps the payment method with the charge (a
   * Stripe Customer), and the profile is saved once the order is paid.
   */
  savePayment: boolean;
  /** In one click: the profile's saved payment method, charged again. */
  saved: SavedPayment | null;
  /** The profile checked out with, in one click. */
  profileId: string | null;
}

/**
 * Units reserved for a market ship to that market: the address must be in it. Checked before
 * the payment, so a refused checkout charges nothing and the hold stays as it was.
 */
function checkMarket(hold: StoreHold, country: string): void {
  if (hold.market === null || hold.market === country.toUpperCase()) return;
  throw new AppError(
    'invalid',
    `address.country: this hold's units are reserved for ${hold.market}; the address must be in ${hold.market}`,
    { field: 'address.country', market: hold.market },
  );
}

/**
 * Checkout: a hold becomes a paid order. The hold is pinned in the offer store while the
 * payment runs (so it cannot expire under it), the order is written only if the database
 * still sees the hold as held, and a charge whose order could not be written is refunded.
 */
export class CheckoutService {
  private readonly paidOrders: PaidOrders;
  private readonly checkoutAttempts: CheckoutAttempts<CheckoutResult>;

  constructor(private readonly deps: CheckoutDeps) {
    this.checkoutAttempts = new CheckoutAttempts({ clock: deps.clock });
    this.paidOrders = new PaidOrders(deps);
  }

  /**
   * Turns a hold into an order: pins the hold, charges, and records the order only if the
   * database still sees the hold as held. A retry for a hold already paid answers its order;
   * a retry with the same Idempotency-Key gets the first attempt's answer, waiting for it
   * while it runs: in this process from memory, from another through the payment attempt's row.
   */
  async checkout(
    holdId: string,
    input: CheckoutInput,
    idempotencyKey: string | null = null,
  ): Promise<CheckoutResult> {
    if (idempotencyKey === null) return this.payForHold(holdId, input, null);
    const keyed = { key: idempotencyKey, fingerprint: fingerprintOf(input) };
    return this.checkoutAttempts.run(holdId, idempotencyKey, keyed.fingerprint, () =>
      this.deps.payments.untilAnswered(() => this.payForHold(holdId, input, keyed)),
    );
  }

  private async payForHold(
    holdId: string,
    input: CheckoutInput,
    keyed: KeyedCheckout | null,
  ): Promise<CheckoutResult> {
    // A profile names its provider once the hold's shop is known; typed details name theirs.
    const typed = 'profile' in input ? null : input;
    const provider = typed ? this.deps.paymentProviders[typed.payment.provider] : undefined;
    const now = this.deps.clock.now();
    // A hold the store still has open has no order yet: the common case reads nothing first.
    const started =
      !typed || provider ? await this.deps.store.beginCheckout(holdId, now.getTime()) : null;
    if (!started?.ok) {
      // A retry with the key of an attempt made elsewhere gets that attempt's answer.
      if (keyed) await this.deps.payments.replayAnswer(holdId, keyed);
      // A retry for a hold already paid answers its order.
      const previous = await this.deps.orders.findOrderByHold(holdId);
      if (previous) return { orderId: previous.id, replay: true };
      if (!started) {
        throw new AppError(
          'invalid',
          `payment.provider: must be one of ${Object.keys(this.deps.paymentProviders).join(', ')}`,
          { field: 'payment.provider' },
        );
      }
      if (started.reason === 'busy') {
        throw new AppError('conflict', 'A checkout for this hold is already in progress', {
          holdId,
        });
      }
      if (started.reason === 'missing' && !(await this.deps.holds.findHold(holdId))) {
        throw notFound('hold', holdId);
      }
      throw new AppError('hold_expired', 'This hold has expired; claim again', { holdId });
    }
    const hold = started.hold;
    let order: OrderRow;
    let checkout: ResolvedCheckout;
    let attempt: PaymentAttempt | undefined;
    try {
      checkout = await this.resolveCheckout(hold.organizationId, input);
      const { details, provider } = checkout;
      checkMarket(hold, details.address.country);
      // Looked up while the payment runs; a missing show never holds up a paid order.
      const show = this.deps.showOfOffer(hold.organizationId, hold.offerId, now).catch((error) => {
        this.deps.logger?.error({ err: error, offerId: hold.offerId }, 'show of offer not found');
        return null;
      });
      const { row } = await this.deps.publicOffers.cached(hold.offerId);
      const amountMinor =
        unitPriceFor(hold.quantity, row.priceMinor, row.priceTiers) * hold.quantity;
      const routing = await this.deps.routeOrder(
        hold.organizationId,
        details.address.country,
        amountMinor,
      );
      const totalMinor = routing?.totalMinor ?? amountMinor;
      // Written before the provider is called: a charge never goes unrecorded.
      attempt = await this.deps.payments.begin(hold, provider.name, keyed, {
        amountMinor: totalMinor,
        currency: row.currency,
        token: details.payment.token,
        // One attempt per hold and payment method: a retry never charges twice, another card is a new attempt.
        idempotencyKey: `${holdId}:${details.payment.token}`,
        description: row.title,
        customer: checkout.saved?.customer ?? undefined,
        saveForReuse: checkout.savePayment
          ? { email: details.email, name: details.name }
          : undefined,
      });
      const charge = await chargeForCheckout(provider, attempt.request).catch((error: unknown) => {
        // A saved method the provider no longer knows: the profile is what the shopper sent.
        if (!checkout.profileId || !isAppError(error) || error.details.field !== 'payment.token')
          throw error;
        throw new AppError(
          'invalid',
          'profile: the saved payment method is no longer accepted; check out with your details',
          { field: 'profile' },
        );
      });
      const inserted = await this.paidOrders.record(
        {
          id: newId(),
          organizationId: hold.organizationId,
          offerId: hold.offerId,
          holdId,
          showId: await show,
          shopperId: hold.shopperId,
          email: details.email,
          name: details.name,
          address: JSON.stringify(details.address),
          quantity: hold.quantity,
          amountMinor,
          taxMinor: routing?.taxMinor ?? 0,
          taxRateBasisPoints: routing?.taxRateBasisPoints ?? 0,
          totalMinor,
          fulfilmentRegionId: routing?.regionId ?? null,
          currency: row.currency,
          status: 'paid',
          fulfilmentStatus: 'unfulfilled',
          paymentProvider: provider.name,
          paymentReference: charge,
          offerCode: hold.offerCode,
          trafficSource: hold.trafficSource,
          market: hold.market,
          createdAt: now,
          updatedAt: now,
        },
        attempt.id,
      );
      // Refunded by recordFailure below, which answers hold_expired.
      if (!inserted) throw new OrderRefused(charge);
      order = inserted;
    } catch (caught) {
      // What the attempt became (declined, refunded, unknown) is recorded with its answer.
      const error = attempt ? await this.deps.payments.recordFailure(attempt, caught) : caught;
      const leaving = await this.deps.store.abortCheckout(holdId, now.getTime());
      if (leaving > 0) {
        await this.deps.returnUnsold(hold.organizationId, hold.offerId, leaving, hold.market);
      }
      throw error;
    }
    // Outside the payment's undo: the order is paid and durable whatever follows. If the store
    // cannot be told, its sweeper finds the pinned hold's order later and completes the sale.
    await this.deps.store.completeSale(holdId).catch((error: unknown) => {
      this.deps.logger?.error({ err: error, holdId }, 'sale not recorded in the offer store');
    });
    await this.paidOrders.announce(order);
    return { orderId: order.id, replay: false, profile: await this.keepProfile(order, checkout) };
  }

  /**
   * The details and payment to check out with: typed in, or a saved profile's in this hold's
   * shop. Refuses, before any charge, a profile the shop does not know and a payment method
   * that cannot be saved when the shopper asked to save it.
   */
  private async resolveCheckout(
    organizationId: string,
    input: CheckoutInput,
  ): Promise<ResolvedCheckout> {
    if (!('profile' in input)) {
      const { saveProfile, ...details } = input;
      const provider = this.deps.paymentProviders[details.payment.provider];
      if (!provider) throw new Error('unreachable: checkout started without a provider');
      if (saveProfile) this.deps.shopperProfiles.checkSavable(provider, details.payment.token);
      return { details, provider, savePayment: saveProfile === true, saved: null, profileId: null };
    }
    const saved = await this.deps.shopperProfiles.checkoutWith(organizationId, input.profile);
    const provider = this.deps.paymentProviders[saved.payment.provider];
    if (!provider) {
      throw new AppError(
        'invalid',
        `profile: the saved ${saved.payment.provider} payment method cannot be used in this shop now; check out with your details`,
        { field: 'profile' },
      );
    }
    const payment = { provider: saved.payment.provider, token: saved.payment.method };
    return {
      details: { ...saved.details, payment },
      provider,
      savePayment: false,
      saved: saved.payment,
      profileId: saved.profileId,
    };
  }

  /**
   * After the order is paid and durable: saves the details the shopper asked to keep (answering
   * the new token) or notes the profile's use. A failure here never fails the paid order.
   */
  private async keepProfile(
    order: OrderRow,
    checkout: ResolvedCheckout,
  ): Promise<string | undefined> {
    try {
      if (checkout.profileId) {
        await this.deps.shopperProfiles.markUsed(order.organizationId, checkout.profileId);
        return undefined;
      }
      if (!checkout.savePayment) return undefined;
      const { payment, ...details } = checkout.details;
      return await this.deps.shopperProfiles.saveCharged(
        order.organizationId,
        details,
        checkout.provider,
        { reference: order.paymentReference, token: payment.token },
      );
    } catch (error) {
      // The error may quote the row; never the token, which does not exist yet or is not kept.
      this.deps.logger?.error({ err: error, orderId: order.id }, 'shopper profile not saved');
      return undefined;
    }
  }

  /** What shoppers' pages offer to pay with: test cards, a provider's card form, or both. */
  paymentOptions(): ShopperPaymentOptions {
    return shopperPaymentOptions(this.deps.paymentProviders);
  }
}
