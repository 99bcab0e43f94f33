import type { FastifyInstance } from 'fastify';
import { isAppError, statusForCode } from '../../lib/errors.js';
import type { Services } from '../../services.js';
import { claimForm, formKey, type LiteFlow } from './lite-flow.js';
import { liteNotFoundPage, type Notice } from './lite-pages.js';
import { sendPage } from './page-shell.js';
import { clearProfileToken, readProfileToken } from './profile-cookie.js';
import { attributionFrom, dateFrom, formFields, isUuid } from './request-helpers.js';

type Params = { offerId: string };
type HoldParams = { holdId: string };

const noProfile: Notice = {
  tone: 'alert',
  text: 'Your saved details are not on this device any more; nothing was charged. Claim and pay with your details.',
};

/**
 * One-click checkout on the no-JavaScript pages, with the profile token kept in this shop's
 * cookie (profile-cookie.ts). Buy now on the offer page claims and pays in one post; on the
 * hold page it pays the hold. A double submit buys once: the claim's idempotency key gives the
 * same hold back, and the checkout, sent with the same key, answers the first attempt's order
 * (waiting for it while it runs); a paid hold answers its order anyway.
 */
export function registerOneClickRoutes(
  app: FastifyInstance,
  services: Services,
  flow: LiteFlow,
): void {
  const { shopper } = services;
  const hidden = { schema: { hide: true } };

  app.post<{ Params: Params }>('/o/:offerId/lite/buy-now', hidden, async (request, reply) => {
    const { offerId } = request.params;
    if (!isUuid(offerId)) return sendPage(reply, liteNotFoundPage('Offer'), 404);
    const form = claimForm.safeParse(formFields(request.body));
    if (!form.success || !form.data.idempotencyKey) {
      const notice: Notice = { tone: 'alert', text: 'That did not go through; please try again.' };
      return flow.offerAgain(reply, offerId, 400, notice);
    }
    const { idempotencyKey, ...input } = form.data;
    const attribution = { code: input.offerCode, source: input.source, market: input.market };
    // Checked before claiming: without the cookie (gone, or a cross-site post, which SameSite
    // keeps it from) nothing is held or paid.
    const saved = await flow.savedProfile(request, reply, offerId);
    if (!saved) return flow.offerAgain(reply, offerId, 400, noProfile, attribution, false);
    let hold: { holdId: string; expiresAt: Date };
    try {
      hold = await shopper.claim(offerId, input, idempotencyKey);
    } catch (error) {
      if (!isAppError(error)) throw error;
      const notice: Notice = { tone: 'alert', text: error.message };
      return flow.offerAgain(reply, offerId, statusForCode(error.code), notice, attribution);
    }
    const state = {
      holdId: hold.holdId,
      offer: await flow.findOffer(offerId, input.market),
      expiresAt: hold.expiresAt,
    };
    try {
      const { orderId } = await shopper.checkout(
        hold.holdId,
        { profile: saved.token },
        idempotencyKey,
      );
      return reply.redirect(
        `/o/holds/${hold.holdId}/lite/done?${doneQuery(orderId, offerId)}`,
        303,
      );
    } catch (error) {
      return flow.checkoutFailed(reply, error, state, saved);
    }
  });

  app.post<{ Params: HoldParams }>(
    '/o/holds/:holdId/lite/buy-now',
    hidden,
    async (request, reply) => {
      const { holdId } = request.params;
      if (!isUuid(holdId)) return sendPage(reply, liteNotFoundPage('Hold'), 404);
      const fields = formFields(request.body);
      // The shop is the hold's own, whatever offer the page's link named.
      const offerId = await flow.offerOfHold(holdId);
      if (!offerId) return sendPage(reply, liteNotFoundPage('Hold'), 404);
      const state = {
        holdId,
        offer: await flow.findOffer(offerId),
        expiresAt: dateFrom(fields.until),
      };
      const saved = await flow.savedProfile(request, reply, offerId);
      if (!saved) {
        const text =
          'Your saved details are not on this device any more; nothing was charged. Pay with your details below.';
        return flow.holdAgain(reply, { ...state, notice: { tone: 'alert', text } }, 400, false);
      }
      try {
        const { orderId } = await shopper.checkout(
          holdId,
          { profile: saved.token },
          formKey(fields.idempotencyKey),
        );
        return reply.redirect(`/o/holds/${holdId}/lite/done?${doneQuery(orderId, offerId)}`, 303);
      } catch (error) {
        return flow.checkoutFailed(reply, error, state, saved);
      }
    },
  );

  /**
   * "Forget my details": erases the profile on the server (as DELETE /profiles/me does) and
   * clears the cookie, then shows the page it came from with the plain form. A cross-site post
   * arrives without the cookie (SameSite) and forgets nothing.
   */
  app.post<{ Params: Params }>('/o/:offerId/lite/forget', hidden, async (request, reply) => {
    const { offerId } = request.params;
    const shop = isUuid(offerId) ? await flow.shopOf(offerId) : undefined;
    if (!shop) return sendPage(reply, liteNotFoundPage('Offer'), 404);
    const token = readProfileToken(request, shop);
    if (token) {
      await shopper.profiles.forgetProfile(token).catch((error: unknown) => {
        if (!isAppError(error) || error.code !== 'not_found') throw error;
      });
    }
    clearProfileToken(request, reply, shop);
    const fields = formFields(request.body);
    const notice: Notice = {
      tone: 'ok',
      text: token
        ? 'Your saved details and payment method are deleted; this device no longer keeps them.'
        : 'This device keeps no saved details for this shop.',
    };
    if (isUuid(fields.hold)) {
      const state = {
        holdId: fields.hold,
        offer: await flow.findOffer(fields.offer),
        expiresAt: dateFrom(fields.until),
        notice,
      };
      return flow.holdAgain(reply, state, 200, false);
    }
    const attribution = attributionFrom({
      code: fields.offerCode,
      src: fields.source,
      market: fields.market,
    });
    return flow.offerAgain(reply, offerId, 200, notice, attribution, false);
  });
}

function doneQuery(orderId: string, offerId: string): URLSearchParams {
  return new URLSearchParams({ order: orderId, offer: offerId });
}
