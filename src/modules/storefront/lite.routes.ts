import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAppError, statusForCode } from '../../lib/errors.js';
import type { Services } from '../../services.js';
import { parseCheckoutForm, savesProfile } from './checkout-form.js';
import { claimForm, formKey, LiteFlow } from './lite-flow.js';
import { registerOneClickRoutes } from './lite-one-click.js';
import {
  liteConfirmationPage,
  liteNotFoundPage,
  type Notice,
  paysOnlyByCard,
} from './lite-pages.js';
import { sendPage } from './page-shell.js';
import { keepProfileToken, readProfileToken } from './profile-cookie.js';
import {
  attributionFrom,
  dateFrom,
  formFields,
  isUuid,
  marketFrom,
  shopperIdFor,
} from './request-helpers.js';

type Params = { offerId: string };
type HoldParams = { holdId: string };

/**
 * The no-JavaScript checkout: claim → hold page → pay → confirmation, each a plain form post
 * answered with a 303 on success, or the same page again with the reason and a 4xx status.
 * It calls the same ShopperService as the JSON API, so holds, limits and stock are shared.
 * A shopper who saved their details buys in one click (lite-one-click.ts).
 */
export function registerLiteRoutes(app: FastifyInstance, services: Services): void {
  const { shopper } = services;
  const flow = new LiteFlow(services);
  const hidden = { schema: { hide: true } };

  app.get<{ Params: Params }>('/o/:offerId/lite', hidden, async (request, reply) =>
    flow.offerAgain(reply, request.params.offerId, 200, undefined, attributionFrom(request.query)),
  );

  app.post<{ Params: Params }>('/o/:offerId/lite/claim', hidden, async (request, reply) => {
    const { offerId } = request.params;
    if (!isUuid(offerId)) return sendPage(reply, liteNotFoundPage('Offer'), 404);
    const fields = formFields(request.body);
    const form = claimForm.safeParse(fields);
    if (!form.success) {
      const notice: Notice = { tone: 'alert', text: 'That did not go through; please try again.' };
      return flow.offerAgain(reply, offerId, 400, notice);
    }
    const { idempotencyKey, ...input } = form.data;
    try {
      const hold = await shopper.claim(offerId, input, idempotencyKey || null);
      const query = new URLSearchParams({ offer: offerId, until: hold.expiresAt.toISOString() });
      // Claimed with "Use different details": the hold page opens on the typed-details form.
      if (fields.details === '1') query.set('details', '1');
      return reply.redirect(`/o/holds/${hold.holdId}/lite?${query}`, 303);
    } catch (error) {
      if (!isAppError(error)) throw error;
      const attribution = { code: input.offerCode, source: input.source, market: input.market };
      const notice: Notice = { tone: 'alert', text: error.message };
      return flow.offerAgain(reply, offerId, statusForCode(error.code), notice, attribution);
    }
  });

  app.post<{ Params: Params }>('/o/:offerId/lite/waitlist', hidden, async (request, reply) => {
    const { offerId } = request.params;
    if (!isUuid(offerId)) return sendPage(reply, liteNotFoundPage('Offer'), 404);
    const fields = formFields(request.body);
    const shopperId = fields.shopper?.trim() || shopperIdFor(request, reply);
    const market = marketFrom(fields.market);
    try {
      const { position } = await shopper.joinWaitlist(offerId, {
        shopper: shopperId.slice(0, 200),
        quantity: 1,
        market,
      });
      const text = `You are number ${position} on the waitlist. Keep this page open and refresh it: a released unit becomes your hold.`;
      return flow.offerAgain(reply, offerId, 200, { tone: 'ok', text }, { market });
    } catch (error) {
      if (!isAppError(error)) throw error;
      const notice: Notice = { tone: 'alert', text: error.message };
      return flow.offerAgain(reply, offerId, statusForCode(error.code), notice, { market });
    }
  });

  app.get<{ Params: HoldParams }>('/o/holds/:holdId/lite', hidden, async (request, reply) => {
    const { holdId } = request.params;
    if (!isUuid(holdId)) return sendPage(reply, liteNotFoundPage('Hold'), 404);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const state = {
      holdId,
      offer: await flow.findOffer(query.offer),
      expiresAt: dateFrom(query.until),
      detailsOpen: query.details === '1',
    };
    return flow.holdAgain(reply, state, 200);
  });

  app.post<{ Params: HoldParams }>(
    '/o/holds/:holdId/lite/checkout',
    hidden,
    async (request, reply) => {
      const { holdId } = request.params;
      if (!isUuid(holdId)) return sendPage(reply, liteNotFoundPage('Hold'), 404);
      const fields = formFields(request.body);
      // The card choice is kept; everything else the shopper typed is shown back to fix.
      const state = {
        holdId,
        offer: await flow.findOffer(fields.offer),
        expiresAt: dateFrom(fields.until),
        values: { ...fields },
        saveProfile: savesProfile(fields),
        detailsOpen: true,
      };
      if (paysOnlyByCard(shopper.paymentOptions())) {
        // No card can be typed here: the page itself says where to pay.
        const text = 'Nothing was charged: paying by card needs the full page.';
        return flow.holdAgain(reply, { ...state, notice: { tone: 'alert', text } }, 400);
      }
      const parsed = parseCheckoutForm(fields);
      if (!parsed.ok) {
        const notice: Notice = { tone: 'alert', text: `Please check: ${parsed.summary}.` };
        return flow.holdAgain(reply, { ...state, notice, errors: parsed.errors }, 400);
      }
      try {
        const result = await shopper.checkout(holdId, parsed.input, formKey(fields.idempotencyKey));
        const saved = result.profile
          ? await keepSavedProfile(request, reply, holdId, result.profile)
          : false;
        const query = new URLSearchParams({
          order: result.orderId,
          ...(state.offer ? { offer: state.offer.id } : {}),
          ...(saved ? { saved: '1' } : {}),
        });
        return reply.redirect(`/o/holds/${holdId}/lite/done?${query}`, 303);
      } catch (error) {
        return flow.checkoutFailed(reply, error, state);
      }
    },
  );

  app.get<{ Params: HoldParams }>('/o/holds/:holdId/lite/done', hidden, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    if (!isUuid(request.params.holdId) || !isUuid(query.order)) {
      return sendPage(reply, liteNotFoundPage('Order'), 404);
    }
    const offer = await flow.findOffer(query.offer);
    return sendPage(reply, liteConfirmationPage(query.order, offer, query.saved === '1'));
  });

  /**
   * Keeps a newly saved profile's token in this shop's cookie; the profile it replaces is
   * forgotten on the server, as the full page does. The order is paid whatever happens here:
   * a failure only costs the shopper their one click next time.
   */
  async function keepSavedProfile(
    request: FastifyRequest,
    reply: FastifyReply,
    holdId: string,
    token: string,
  ): Promise<boolean> {
    try {
      const offerId = await flow.offerOfHold(holdId);
      const shop = offerId ? await flow.shopOf(offerId) : undefined;
      if (!shop) return false;
      const previous = readProfileToken(request, shop);
      keepProfileToken(request, reply, shop, token);
      if (previous && previous !== token) await forgetQuietly(request, previous);
      return true;
    } catch (error) {
      // Never the token: the log names the hold only.
      request.log.error({ err: error, holdId }, 'saved profile not kept in a cookie');
      return false;
    }
  }

  /** Erases a replaced profile; one already gone is fine, and a failure is only logged. */
  async function forgetQuietly(request: FastifyRequest, token: string): Promise<void> {
    try {
      await shopper.profiles.forgetProfile(token);
    } catch (error) {
      if (isAppError(error) && error.code === 'not_found') return;
      request.log.error({ err: error }, 'replaced shopper profile not forgotten');
    }
  }

  registerOneClickRoutes(app, services, flow);
}
