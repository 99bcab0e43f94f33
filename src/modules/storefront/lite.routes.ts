import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { isAppError, statusForCode } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Services } from '../../services.js';
import { type CheckoutFields, parseCheckoutForm } from './checkout-form.js';
import {
  liteConfirmationPage,
  liteHoldPage,
  liteNotFoundPage,
  liteOfferPage,
  type Notice,
  paysOnlyByCard,
} from './lite-pages.js';
import type { Attribution, PublicOffer } from './offer-view.js';
import { sendPage } from './page-shell.js';
import {
  attributionFrom,
  dateFrom,
  formFields,
  isUuid,
  marketFrom,
  shopperIdFor,
} from './request-helpers.js';

const claimForm = z.object({
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

type Params = { offerId: string };
type HoldParams = { holdId: string };

/**
 * The no-JavaScript checkout: claim → hold page → pay → confirmation, each a plain form post
 * answered with a 303 on success, or the same page again with the reason and a 4xx status.
 * It calls the same ShopperService as the JSON API, so holds, limits and stock are shared.
 */
export function registerLiteRoutes(app: FastifyInstance, services: Services): void {
  const { shopper, clock } = services;
  const hidden = { schema: { hide: true } };

  const findOffer = async (
    offerId: unknown,
    market?: string | undefined,
  ): Promise<PublicOffer | undefined> => {
    if (!isUuid(offerId)) return undefined;
    try {
      return await shopper.describeOffer(offerId, market ?? null);
    } catch (error) {
      if (isAppError(error) && error.code === 'not_found') return undefined;
      throw error;
    }
  };

  /** The offer page again, with a fresh idempotency key: the last one already has its answer. */
  const offerAgain = async (
    reply: FastifyReply,
    offerId: string,
    status: number,
    notice?: Notice,
    attribution: Attribution = {},
  ) => {
    const offer = await findOffer(offerId, attribution.market);
    if (!offer) return sendPage(reply, liteNotFoundPage('Offer'), 404);
    const page = liteOfferPage(offer, {
      now: clock.now(),
      shopperId: shopperIdFor(reply.request, reply),
      idempotencyKey: newId(),
      attribution,
      notice,
      payment: shopper.paymentOptions(),
    });
    return sendPage(reply, page, status);
  };

  app.get<{ Params: Params }>('/o/:offerId/lite', hidden, async (request, reply) =>
    offerAgain(reply, request.params.offerId, 200, undefined, attributionFrom(request.query)),
  );

  app.post<{ Params: Params }>('/o/:offerId/lite/claim', hidden, async (request, reply) => {
    const { offerId } = request.params;
    if (!isUuid(offerId)) return sendPage(reply, liteNotFoundPage('Offer'), 404);
    const form = claimForm.safeParse(formFields(request.body));
    if (!form.success) {
      const notice: Notice = { tone: 'alert', text: 'That did not go through; please try again.' };
      return offerAgain(reply, offerId, 400, notice);
    }
    const { idempotencyKey, ...input } = form.data;
    try {
      const hold = await shopper.claim(offerId, input, idempotencyKey || null);
      const query = new URLSearchParams({ offer: offerId, until: hold.expiresAt.toISOString() });
      return reply.redirect(`/o/holds/${hold.holdId}/lite?${query}`, 303);
    } catch (error) {
      if (!isAppError(error)) throw error;
      const attribution = { code: input.offerCode, source: input.source, market: input.market };
      return offerAgain(
        reply,
        offerId,
        statusForCode(error.code),
        {
          tone: 'alert',
          text: error.message,
        },
        attribution,
      );
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
      return offerAgain(reply, offerId, 200, { tone: 'ok', text }, { market });
    } catch (error) {
      if (!isAppError(error)) throw error;
      const notice: Notice = { tone: 'alert', text: error.message };
      return offerAgain(reply, offerId, statusForCode(error.code), notice, { market });
    }
  });

  app.get<{ Params: HoldParams }>('/o/holds/:holdId/lite', hidden, async (request, reply) => {
    const { holdId } = request.params;
    if (!isUuid(holdId)) return sendPage(reply, liteNotFoundPage('Hold'), 404);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const page = liteHoldPage({
      holdId,
      now: clock.now(),
      offer: await findOffer(query.offer),
      expiresAt: dateFrom(query.until),
      payment: shopper.paymentOptions(),
    });
    return sendPage(reply, page);
  });

  app.post<{ Params: HoldParams }>(
    '/o/holds/:holdId/lite/checkout',
    hidden,
    async (request, reply) => {
      const { holdId } = request.params;
      if (!isUuid(holdId)) return sendPage(reply, liteNotFoundPage('Hold'), 404);
      const fields = formFields(request.body);
      const offer = await findOffer(fields.offer);
      const holdPage = (status: number, notice: Notice, errors = {}) => {
        // The card choice is kept; everything else the shopper typed is shown back to fix.
        const values: CheckoutFields = { ...fields };
        const expiresAt = dateFrom(fields.until);
        const page = liteHoldPage({
          holdId,
          now: clock.now(),
          offer,
          expiresAt,
          values,
          errors,
          notice,
          payment,
        });
        return sendPage(reply, page, status);
      };
      const payment = shopper.paymentOptions();
      if (paysOnlyByCard(payment)) {
        // No card can be typed here: the page itself says where to pay.
        return holdPage(400, {
          tone: 'alert',
          text: 'Nothing was charged: paying by card needs the full page.',
        });
      }
      const parsed = parseCheckoutForm(fields);
      if (!parsed.ok) {
        return holdPage(
          400,
          { tone: 'alert', text: `Please check: ${parsed.summary}.` },
          parsed.errors,
        );
      }
      try {
        const { orderId } = await shopper.checkout(holdId, parsed.input);
        const query = new URLSearchParams({
          order: orderId,
          ...(offer ? { offer: offer.id } : {}),
        });
        return reply.redirect(`/o/holds/${holdId}/lite/done?${query}`, 303);
      } catch (error) {
        if (!isAppError(error)) throw error;
        const status = statusForCode(error.code);
        if (error.code === 'not_found') return sendPage(reply, liteNotFoundPage('Hold'), 404);
        if (error.code === 'hold_expired' && offer) {
          return offerAgain(reply, offer.id, status, { tone: 'alert', text: error.message });
        }
        const field = typeof error.details.field === 'string' ? error.details.field : '';
        const errors =
          field === 'payment.token'
            ? { token: error.message }
            : field === 'address.country'
              ? { country: error.message }
              : {};
        return holdPage(status, { tone: 'alert', text: error.message }, errors);
      }
    },
  );

  app.get<{ Params: HoldParams }>('/o/holds/:holdId/lite/done', hidden, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    if (!isUuid(request.params.holdId) || !isUuid(query.order)) {
      return sendPage(reply, liteNotFoundPage('Order'), 404);
    }
    return sendPage(reply, liteConfirmationPage(query.order, await findOffer(query.offer)));
  });
}
