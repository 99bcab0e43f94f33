import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isAppError, statusForCode } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Services } from '../../services.js';
import type { CheckoutFields, FieldErrors } from './checkout-form.js';
import type { OneClick } from './lite-one-click-view.js';
import { liteHoldPage, liteNotFoundPage, liteOfferPage, type Notice } from './lite-pages.js';
import type { Attribution, PublicOffer } from './offer-view.js';
import { sendPage } from './page-shell.js';
import { clearProfileToken, hasProfileCookie, readProfileToken } from './profile-cookie.js';
import { isUuid, shopperIdFor } from './request-helpers.js';

/** A claim as the lite offer page's forms send it (Claim and Buy now alike). */
export const claimForm = z.object({
  shopper: z.string().trim().min(1).max(200),
  idempotencyKey: z.string().max(200).optional(),
  quantity: z.coerce.number().int().min(1).max(100).default(1),
  offerCode: z.string().max(40).optional(),
  source: z.string().max(100).optional(),
  market: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .transform((code) => code.toUpperCase())
    .optional(),
});

/** A hidden idempotency key as the page rendered it; anything else counts as none. */
export function formKey(value: string | undefined): string | null {
  return value && value.length <= 200 ? value : null;
}

/** The profile a shopper's cookie keeps for a shop, confirmed by the profiles service. */
export interface SavedProfile extends OneClick {
  shop: string;
  token: string;
}

export interface HoldPageState {
  holdId: string;
  offer: PublicOffer | undefined;
  expiresAt: Date | undefined;
  values?: CheckoutFields | undefined;
  errors?: FieldErrors | undefined;
  notice?: Notice | undefined;
  detailsOpen?: boolean | undefined;
  saveProfile?: boolean | undefined;
}

const profileGone =
  'Your saved details can no longer be used here, so this device forgot them; nothing was charged. Your units are still held: pay with your details below.';

/**
 * What the lite routes share: finding offers, holds' shops and saved profiles, and showing a
 * page again with the reason and a status. Every page shown again gets a fresh idempotency key:
 * the one it was sent with already has its answer.
 */
export class LiteFlow {
  constructor(private readonly services: Services) {}

  async findOffer(offerId: unknown, market?: string | undefined) {
    if (!isUuid(offerId)) return undefined;
    return this.orUndefined(() => this.services.shopper.describeOffer(offerId, market ?? null));
  }

  /** The offer a hold was claimed from, as the store knows it: a link's `offer` may be wrong. */
  async offerOfHold(holdId: string): Promise<string | undefined> {
    const hold = await this.orUndefined(() => this.services.shopper.describeHold(holdId));
    return hold?.offerId;
  }

  async shopOf(offerId: string): Promise<string | undefined> {
    return this.orUndefined(() => this.services.shopper.shopKeyOf(offerId));
  }

  /**
   * The profile the shopper's cookie keeps for this offer's shop. A token the service does not
   * know (forgotten, or never one) is dropped: the cookie is cleared and the page shows the
   * plain form, never an error. Shoppers without a profile cookie cost no lookup.
   */
  async savedProfile(
    request: FastifyRequest,
    reply: FastifyReply,
    offerId: string,
  ): Promise<SavedProfile | undefined> {
    if (!hasProfileCookie(request)) return undefined;
    const shop = await this.shopOf(offerId);
    const token = shop ? readProfileToken(request, shop) : undefined;
    if (!shop || !token) return undefined;
    try {
      const profile = await this.services.shopper.describeProfileFor(offerId, token);
      return { shop, token, offerId, profile };
    } catch (error) {
      if (!isAppError(error) || error.code !== 'not_found') throw error;
      clearProfileToken(request, reply, shop);
      return undefined;
    }
  }

  /** The offer page again; with `withProfile` false (just forgotten), the plain claim form. */
  async offerAgain(
    reply: FastifyReply,
    offerId: string,
    status: number,
    notice?: Notice,
    attribution: Attribution = {},
    withProfile = true,
  ): Promise<FastifyReply> {
    const { request } = reply;
    const offer = await this.findOffer(offerId, attribution.market);
    if (!offer) return sendPage(reply, liteNotFoundPage('Offer'), 404);
    const saved = withProfile ? await this.savedProfile(request, reply, offer.id) : undefined;
    const page = liteOfferPage(offer, {
      now: this.services.clock.now(),
      shopperId: shopperIdFor(request, reply),
      idempotencyKey: newId(),
      attribution,
      notice,
      payment: this.services.shopper.paymentOptions(),
      oneClick: saved && { profile: saved.profile, offerId: saved.offerId },
    });
    return sendPage(reply, page, status);
  }

  /** The hold page again; the one-click card shows for the shop the hold was claimed in. */
  async holdAgain(
    reply: FastifyReply,
    state: HoldPageState,
    status: number,
    withProfile = true,
  ): Promise<FastifyReply> {
    const { request } = reply;
    const profileOffer =
      withProfile && hasProfileCookie(request) ? await this.offerOfHold(state.holdId) : undefined;
    const saved = profileOffer ? await this.savedProfile(request, reply, profileOffer) : undefined;
    const page = liteHoldPage({
      ...state,
      now: this.services.clock.now(),
      payment: this.services.shopper.paymentOptions(),
      idempotencyKey: newId(),
      oneClick: saved && { profile: saved.profile, offerId: saved.offerId },
    });
    return sendPage(reply, page, status);
  }

  /**
   * A checkout that did not go through, typed or in one click: the hold page with the reason
   * and the error's status (the offer page once the hold has expired). A saved profile the shop
   * no longer accepts is dropped from the device and the typed form takes over.
   */
  async checkoutFailed(
    reply: FastifyReply,
    error: unknown,
    state: HoldPageState,
    saved?: SavedProfile,
  ): Promise<FastifyReply> {
    if (!isAppError(error)) throw error;
    const status = statusForCode(error.code);
    const failed = { ...state, detailsOpen: true };
    if (error.code === 'not_found') return sendPage(reply, liteNotFoundPage('Hold'), 404);
    if (error.code === 'hold_expired' && state.offer) {
      return this.offerAgain(reply, state.offer.id, status, { tone: 'alert', text: error.message });
    }
    const field = typeof error.details.field === 'string' ? error.details.field : '';
    if (field === 'profile' && saved) {
      clearProfileToken(reply.request, reply, saved.shop);
      return this.holdAgain(reply, { ...failed, notice: alert(profileGone) }, status, false);
    }
    if (field === 'idempotency-key') {
      // The page was sent before with other details (a Back button): this is a new attempt.
      const text = 'This form was already sent with other details; check them and pay again.';
      return this.holdAgain(reply, { ...failed, notice: alert(text) }, status);
    }
    const errors: FieldErrors =
      field === 'payment.token'
        ? { token: error.message }
        : field === 'address.country'
          ? { country: error.message }
          : {};
    return this.holdAgain(reply, { ...failed, errors, notice: alert(error.message) }, status);
  }

  private async orUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (isAppError(error) && error.code === 'not_found') return undefined;
      throw error;
    }
  }
}

function alert(text: string): Notice {
  return { tone: 'alert', text };
}
