import { turnEpochMs } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import {
  type CheckoutDeps,
  type CheckoutInput,
  type CheckoutResult,
  CheckoutService,
} from './checkout.service.js';
import type { ClaimRefusal } from './offer-book.js';
import type { StoreClaimOutcome } from './offer-store.js';
import type { OffersRepository } from './offers.repository.js';
import type { ShopperPaymentOptions } from './payment-provider.js';
import { type FallbackOffer, type PublicOffer, PublicOffers } from './public-offer.js';
import { type ProfileSummary, ShopperProfiles, shopKeyOf } from './shopper-profiles.js';
import type { ShopperProfilesRepository } from './shopper-profiles.repository.js';

export type { CheckoutDetails, CheckoutInput, CheckoutResult } from './checkout.service.js';

export type ShopperDeps = Omit<CheckoutDeps, 'publicOffers' | 'shopperProfiles'> & {
  /** The offers' rows, for the public view and for claims on an offer without a book. */
  offers: OffersRepository;
  profiles: ShopperProfilesRepository;
  /** MYDROP_SECRET, for profile tokens' HMAC. */
  secret: string;
};

const refusalMessages: Record<ClaimRefusal, string> = {
  sold_out: 'Sold out: every reserved unit is held or sold',
  paused: 'The offer is paused; try again in a moment',
  closed: 'The offer has closed',
  limit_reached: 'You have reached the limit per buyer for this offer',
  not_live: 'The offer is not live yet',
  not_in_market: 'This offer is not reserved for your market',
};

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
 * The shopper's side of a drop: the live offer, claims that become cart holds, the waitlist,
 * and checkout (checkout.service.ts) that turns a hold into an order. Claims are decided in
 * the engine in one step.
 */
export class ShopperService {
  private readonly publicOffers: PublicOffers;
  private readonly checkouts: CheckoutService;
  /** Saved shopper profiles: one-click checkout, and the shopper's own read and erase. */
  readonly profiles: ShopperProfiles;

  constructor(private readonly deps: ShopperDeps) {
    this.publicOffers = new PublicOffers(deps);
    this.profiles = new ShopperProfiles({
      repository: deps.profiles,
      clock: deps.clock,
      secret: deps.secret,
      paymentProviders: deps.paymentProviders,
      logger: deps.logger,
    });
    this.checkouts = new CheckoutService({
      ...deps,
      publicOffers: this.publicOffers,
      shopperProfiles: this.profiles,
    });
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
    const row = await this.deps.holds.findHold(holdId);
    if (!row) throw notFound('hold', holdId);
    const order =
      row.status === 'checked_out' ? await this.deps.orders.findOrderByHold(holdId) : undefined;
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

  /** The saved profile of `token`, masked, if it belongs to this offer's shop; else not_found. */
  async describeProfileFor(offerId: string, token: string): Promise<ProfileSummary> {
    const { row } = await this.publicOffers.cached(offerId);
    return this.profiles.describeProfile(token, row.organizationId);
  }

  /** The opaque key the offer page files this shop's saved profile under. */
  async shopKeyOf(offerId: string): Promise<string> {
    const { row } = await this.publicOffers.cached(offerId);
    return shopKeyOf(row.organizationId);
  }

  /**
   * Turns a hold into an order (see CheckoutService): a retry for a hold already paid answers
   * its order; a retry with the same Idempotency-Key gets the first attempt's answer.
   */
  checkout(
    holdId: string,
    input: CheckoutInput,
    idempotencyKey: string | null = null,
  ): Promise<CheckoutResult> {
    return this.checkouts.checkout(holdId, input, idempotencyKey);
  }

  /** What shoppers' pages offer to pay with: test cards, a provider's card form, or both. */
  paymentOptions(): ShopperPaymentOptions {
    return this.checkouts.paymentOptions();
  }

  /** An offer without a book is unknown, closed, or not armed yet. */
  private async missingBook(offerId: string): Promise<never> {
    const row = await this.deps.offers.findOfferById(offerId);
    if (!row) throw notFound('offer', offerId);
    const code: ClaimRefusal = row.status === 'closed' ? 'closed' : 'not_live';
    throw new AppError(code, refusalMessages[code], { offerId });
  }

  /** Forgets cached static fields, after an offer's terms or status change. */
  forget(offerId: string): void {
    this.publicOffers.forget(offerId);
  }
}
