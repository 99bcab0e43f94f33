import type { Logger } from 'pino';
import type { NewRow } from '../../db/schema.js';
import { type Clock, turnEpochMs } from '../../lib/clock.js';
import { AppError, isAppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { EventPublisher } from '../notifications/index.js';
import { CheckoutAttempts, fingerprintOf } from './checkout-attempts.js';
import type { DropsRepository, OrderRow } from './drops.repository.js';
import { GroupCommitter } from './group-committer.js';
import type { ClaimRefusal } from './offer-book.js';
import type { OfferStore, StoreClaimOutcome, StoreHold } from './offer-store.js';
import { unitPriceFor } from './offer-terms.js';
import { orderEventData } from './order-events.js';
import {
  type PaymentProvider,
  PaymentUnavailableError,
  type ShopperPaymentOptions,
  shopperPaymentOptions,
  UnknownPaymentMethodError,
} from './payment-provider.js';
import { type FallbackOffer, type PublicOffer, PublicOffers } from './public-offer.js';
import {
  type SavedPayment,
  type ShopperDetails,
  ShopperProfiles,
  shopKeyOf,
} from './shopper-profiles.js';
import type { ShopperProfilesRepository } from './shopper-profiles.repository.js';

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

export interface ShopperDeps {
  repository: DropsRepository;
  store: OfferStore;
  clock: Clock;
  paymentProviders: Record<string, PaymentProvider>;
  events: EventPublisher;
  logger?: Logger | undefined;
  profiles: ShopperProfilesRepository;
  /** MYDROP_SECRET, for profile tokens' HMAC. */
  secret: string;
  /**
   * The show an offer sells in at `at` (the shows module decides among the shows that list
   * it), or null: orders carry their show for attribution.
   */
  showOfOffer(organizationId: string, offerId: string, at: Date): Promise<string | null>;
  /**
   * Returns offer units to the catalog's stock: a payment failed after its offer closed, so
   * its hold's units leave the offer.
   */
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

const refusalMessages: Record<ClaimRefusal, string> = {
  sold_out: 'Sold out: every reserved unit is held or sold',
  paused: 'The offer is paused; try again in a moment',
  closed: 'The offer has closed',
  limit_reached: 'You have reached the limit per buyer for this offer',
  not_live: 'The offer is not live yet',
  not_in_market: 'This offer is not reserved for your market',
};

interface ResolvedCheckout {
  details: CheckoutDetails;
  provider: PaymentProvider;
  /** The payment method to save once the order is paid; null unless the shopper opted in. */
  toSave: SavedPayment | null;
  /** The profile checked out with, in one click. */
  profileId: string | null;
}

interface PendingOrder {
  order: NewRow<'orders'>;
  written: OrderRow | undefined;
}

export interface ClaimInput {
  shopper: string;
  quantity: number;
  offerCode?: string | undefined;
  source?: string | undefined;
  /** The shopper's market (ISO country code, upper case). */
  market?: string | undefined;
}

export type ClaimDecision =
  | { ok: true; holdId: string; expiresAt: Date; replay: boolean }
  | { ok: false; code: ClaimRefusal; message: string };

// In a drop almost every answer is a refusal: one shared, frozen decision per code, so the
// hot path allocates nothing for them.
const refusalDecisions = Object.fromEntries(
  Object.entries(refusalMessages).map(([code, message]) => [
    code,
    Object.freeze({ ok: false, code, message }),
  ]),
) as Record<ClaimRefusal, ClaimDecision>;

function decisionOf(outcome: StoreClaimOutcome): ClaimDecision {
  if (!outcome.ok) return refusalDecisions[outcome.code];
  return {
    ok: true,
    holdId: outcome.holdId,
    expiresAt: new Date(outcome.expiresAt),
    replay: outcome.replay,
  };
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
 * The shopper's side of a drop: the live offer, claims that become cart holds, checkout that
 * turns a hold into an order, the waitlist. Claims are decided in the engine in one step.
 */
export class ShopperService {
  private readonly publicOffers: PublicOffers;
  private readonly orderWrites: GroupCommitter<PendingOrder>;
  private readonly checkoutAttempts: CheckoutAttempts<CheckoutResult>;
  /** Saved shopper profiles: one-click checkout, and the shopper's own read and erase. */
  readonly profiles: ShopperProfiles;

  constructor(private readonly deps: ShopperDeps) {
    this.publicOffers = new PublicOffers(deps);
    this.checkoutAttempts = new CheckoutAttempts({ clock: deps.clock });
    this.profiles = new ShopperProfiles({
      repository: deps.profiles,
      clock: deps.clock,
      secret: deps.secret,
    });
    this.orderWrites = new GroupCommitter((batch) => this.writeOrders(batch), 200);
  }

  /** The offer as shoppers see it; for one market's stock when `market` is given. */
  describeOffer(offerId: string, market: string | null = null): Promise<PublicOffer> {
    return this.publicOffers.describe(offerId, market);
  }

  fallbackFor(offerId: string): Promise<FallbackOffer | null> {
    return this.publicOffers.fallbackFor(offerId);
  }

  /**
   * Decides a claim and answers a refusal as a value: in a drop almost every answer is a
   * refusal, and the public claim route sends it without the cost of throwing.
   */
  decideClaim(
    offerId: string,
    input: ClaimInput,
    idempotencyKey: string | null,
  ): ClaimDecision | Promise<ClaimDecision> {
    const outcome = this.deps.store.claim(offerId, {
      shopperId: input.shopper,
      quantity: input.quantity,
      idempotencyKey,
      offerCode: input.offerCode ?? null,
      trafficSource: input.source ?? null,
      market: input.market ?? null,
      now: turnEpochMs(this.deps.clock),
    });
    // The embedded store answers a refusal in the same turn: no promise for the common answer.
    if (outcome !== undefined && !(outcome instanceof Promise)) return decisionOf(outcome);
    return this.settleClaim(offerId, outcome);
  }

  private async settleClaim(
    offerId: string,
    pending: Promise<StoreClaimOutcome | undefined> | undefined,
  ): Promise<ClaimDecision> {
    const outcome = await pending;
    return outcome ? decisionOf(outcome) : this.missingBook(offerId);
  }

  /** The same decision, with a refusal thrown as an AppError. */
  async claim(
    offerId: string,
    input: ClaimInput,
    idempotencyKey: string | null,
  ): Promise<{ holdId: string; expiresAt: Date; replay: boolean }> {
    const decision = await this.decideClaim(offerId, input, idempotencyKey);
    if (!decision.ok) throw new AppError(decision.code, decision.message, { offerId });
    return decision;
  }

  async releaseHold(holdId: string): Promise<void> {
    const released = await this.deps.store.releaseHold(holdId, this.deps.clock.now().getTime());
    if (!released) throw notFound('hold', holdId);
  }

  /** Joins the waitlist; a retry with the first join's Idempotency-Key gets its answer. */
  async joinWaitlist(
    offerId: string,
    input: { shopper: string; quantity: number; market?: string | undefined },
    idempotencyKey: string | null = null,
  ): Promise<{ position: number }> {
    const answer =
      (await this.deps.store.joinWaitlist(
        offerId,
        input.shopper,
        input.quantity,
        input.market ?? null,
        idempotencyKey,
      )) ?? (await this.missingBook(offerId));
    if (!answer.ok) throw new AppError(answer.code, refusalMessages[answer.code], { offerId });
    return { position: answer.position };
  }

  /** A shopper's place in the waitlist, or the hold it gave them once units came back. */
  async waitlistStanding(
    offerId: string,
    shopperId: string,
  ): Promise<{ position: number } | { holdId: string; expiresAt: Date } | undefined> {
    if ((await this.deps.store.counts(offerId)) === undefined) await this.missingBook(offerId);
    const standing = await this.deps.store.standing(offerId, shopperId);
    if (!standing || 'position' in standing) return standing;
    return { holdId: standing.holdId, expiresAt: new Date(standing.expiresAt) };
  }

  /** What became of a hold: still held, paid (with its order), or ended. */
  async describeHold(holdId: string): Promise<{
    holdId: string;
    offerId: string;
    quantity: number;
    expiresAt: Date;
    state: 'held' | 'checking_out' | 'checked_out' | 'expired' | 'released';
    orderId: string | null;
  }> {
    const live = await this.deps.store.hold(holdId);
    if (live) {
      return {
        holdId,
        offerId: live.offerId,
        quantity: live.quantity,
        expiresAt: new Date(live.expiresAt),
        state: live.state,
        orderId: null,
      };
    }
    const row = await this.deps.repository.findHold(holdId);
    if (!row) throw notFound('hold', holdId);
    const order =
      row.status === 'checked_out' ? await this.deps.repository.findOrderByHold(holdId) : undefined;
    const ended = row.status === 'held' ? 'expired' : row.status;
    return {
      holdId,
      offerId: row.offerId,
      quantity: row.quantity,
      expiresAt: row.expiresAt,
      state: ended as 'checked_out' | 'expired' | 'released',
      orderId: order?.id ?? null,
    };
  }

  /** The opaque key the offer page files this shop's saved profile under. */
  async shopKeyOf(offerId: string): Promise<string> {
    const { row } = await this.publicOffers.cached(offerId);
    return shopKeyOf(row.organizationId);
  }

  /**
   * Turns a hold into an order: pins the hold, charges, and records the order only if the
   * database still sees the hold as held. A retry for a hold already paid answers its order;
   * a retry with the same Idempotency-Key gets the first attempt's answer, waiting for it
   * while it runs.
   */
  async checkout(
    holdId: string,
    input: CheckoutInput,
    idempotencyKey: string | null = null,
  ): Promise<CheckoutResult> {
    if (idempotencyKey === null) return this.payForHold(holdId, input);
    return this.checkoutAttempts.run(holdId, idempotencyKey, fingerprintOf(input), () =>
      this.payForHold(holdId, input),
    );
  }

  private async payForHold(holdId: string, input: CheckoutInput): Promise<CheckoutResult> {
    // A profile names its provider once the hold's shop is known; typed details name theirs.
    const typed = 'profile' in input ? null : input;
    const provider = typed ? this.deps.paymentProviders[typed.payment.provider] : undefined;
    const now = this.deps.clock.now();
    // A hold the store still has open has no order yet: the common case reads nothing first.
    const started =
      !typed || provider ? await this.deps.store.beginCheckout(holdId, now.getTime()) : null;
    if (!started?.ok) {
      // A retry for a hold already paid answers its order.
      const previous = await this.deps.repository.findOrderByHold(holdId);
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
      if (started.reason === 'missing' && !(await this.deps.repository.findHold(holdId))) {
        throw notFound('hold', holdId);
      }
      throw new AppError('hold_expired', 'This hold has expired; claim again', { holdId });
    }
    const hold = started.hold;
    let order: OrderRow;
    let checkout: ResolvedCheckout;
    try {
      checkout = await this.resolveCheckout(hold.organizationId, input);
      const { details, provider } = checkout;
      checkMarket(hold, details.address.country);
      // Looked up while the payment runs; a missing show never holds up a paid order.
      const show = this.deps.showOfOffer(hold.organizationId, hold.offerId, now).catch((error) => {
        this.deps.logger?.error({ err: error, offerId: hold.offerId }, 'show of offer not found');
        return null;
      });
      const { row } = await this.publicOffers.cached(hold.offerId);
      const amountMinor =
        unitPriceFor(hold.quantity, row.priceMinor, row.priceTiers) * hold.quantity;
      const routing = await this.deps.routeOrder(
        hold.organizationId,
        details.address.country,
        amountMinor,
      );
      const totalMinor = routing?.totalMinor ?? amountMinor;
      const charge = await this.charge(provider, {
        amountMinor: totalMinor,
        currency: row.currency,
        token: details.payment.token,
        // One attempt per hold and payment method: a retry never charges twice, another card is a new attempt.
        idempotencyKey: `${holdId}:${details.payment.token}`,
        description: row.title,
      }).catch((error: unknown) => {
        // A saved method the provider no longer knows: the profile is what the shopper sent.
        if (!checkout.profileId || !isAppError(error) || error.details.field !== 'payment.token')
          throw error;
        throw new AppError(
          'invalid',
          'profile: the saved payment method is no longer accepted; check out with your details',
          { field: 'profile' },
        );
      });
      const inserted = await this.recordOrder({
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
      });
      if (!inserted) {
        await provider.refund(charge, totalMinor);
        throw new AppError(
          'hold_expired',
          'This hold ended before payment completed; the charge was refunded',
          { holdId },
        );
      }
      order = inserted;
    } catch (error) {
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
    await this.announcePaidOrder(order);
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
      const toSave = saveProfile
        ? this.profiles.savablePayment(provider.name, details.payment.token)
        : null;
      return { details, provider, toSave, profileId: null };
    }
    const saved = await this.profiles.checkoutWith(organizationId, input.profile);
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
      toSave: null,
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
        await this.profiles.markUsed(order.organizationId, checkout.profileId);
        return undefined;
      }
      if (!checkout.toSave) return undefined;
      const { payment: _payment, ...details } = checkout.details;
      return await this.profiles.saveProfile(order.organizationId, details, checkout.toSave);
    } catch (error) {
      // The error may quote the row; never the token, which does not exist yet or is not kept.
      this.deps.logger?.error({ err: error, orderId: order.id }, 'shopper profile not saved');
      return undefined;
    }
  }

  /**
   * Records the order through the checkout group commit: orders paid while a write is in
   * flight go into the next transaction together. Undefined when the database refused it.
   */
  private async recordOrder(order: NewRow<'orders'>): Promise<OrderRow | undefined> {
    const pending: PendingOrder = { order, written: undefined };
    await this.orderWrites.enqueue(pending);
    return pending.written;
  }

  private async writeOrders(batch: PendingOrder[]): Promise<void> {
    const written = await this.deps.repository.insertOrdersForHolds(
      batch.map((pending) => pending.order),
      this.deps.clock.now(),
    );
    const byHold = new Map(written.map((row) => [row.holdId, row]));
    for (const pending of batch) pending.written = byHold.get(pending.order.holdId);
  }

  /** `order.paid` for the organisation's webhooks (CRM tagging, fulfilment, analytics). */
  private async announcePaidOrder(order: OrderRow): Promise<void> {
    try {
      await this.deps.events.publish(order.organizationId, 'order.paid', orderEventData(order));
    } catch (error) {
      this.deps.logger?.error({ err: error, orderId: order.id }, 'order.paid event not queued');
    }
  }

  private async charge(
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
        throw new AppError(
          'payment_unavailable',
          `${error.message}; nothing was charged, try again`,
          { reason: error.reason },
        );
      }
      throw error;
    }
  }

  /** What shoppers' pages offer to pay with: test cards, a provider's card form, or both. */
  paymentOptions(): ShopperPaymentOptions {
    return shopperPaymentOptions(this.deps.paymentProviders);
  }

  /** An offer without a book is unknown, closed, or not armed yet. */
  private async missingBook(offerId: string): Promise<never> {
    const row = await this.deps.repository.findOfferById(offerId);
    if (!row) throw notFound('offer', offerId);
    const code: ClaimRefusal = row.status === 'closed' ? 'closed' : 'not_live';
    throw new AppError(code, refusalMessages[code], { offerId });
  }

  /** Forgets cached static fields, after an offer's terms or status change. */
  forget(offerId: string): void {
    this.publicOffers.forget(offerId);
  }
}
