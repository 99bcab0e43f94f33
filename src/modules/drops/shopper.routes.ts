import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { DirectAnswer } from '../../http/direct-routes.js';
import { directValidator, fastPathValidator } from '../../http/fast-validation.js';
import {
  errorResponse,
  noContent,
  type Routes,
  timestamp,
  typed,
} from '../../http/route-context.js';
import { AppError } from '../../lib/errors.js';
import { checkoutAnswer, checkoutBody, checkoutValidator } from './checkout.schemas.js';
import { noFallback } from './public-offer.js';
import { RefusalBodies } from './refusal-bodies.js';
import {
  claimBody,
  claimChecks,
  claimRequest,
  claimUrl,
  holdParams,
  idempotencyHeaders,
  market,
  offerParams,
  offerQuery,
  offerQueryCheck,
  offerUrl,
  publicOffer,
  shopperId,
} from './shopper.schemas.js';
import type { ClaimDecision } from './shopper.service.js';
import { profileRoutes } from './shopper-profiles.routes.js';

const jsonContentType = 'application/json; charset=utf-8';
/** The offer's state changes by the second: no cache may keep it. */
const noStore = { 'cache-control': 'no-store' };

/**
 * The public shopper API: a stable contract that stream overlays, players and the offer page
 * call without signing in. Offer and hold ids are unguessable UUIDs.
 */
export const shopperRoutes: Routes = (app, { services, direct }) => {
  const api = typed(app);
  const { shopper } = services;
  const refusals = new RefusalBodies();
  const checkParams = directValidator('params', offerParams, claimChecks.params);

  const answerOf = (
    offerId: string,
    decision: ClaimDecision,
  ): DirectAnswer | Promise<DirectAnswer> => {
    if (decision.ok) {
      const body = JSON.stringify({ holdId: decision.holdId, expiresAt: decision.expiresAt });
      return { status: 201, body };
    }
    const { code, message } = decision;
    const fallback =
      code === 'sold_out' || code === 'closed' ? shopper.fallbackFor(offerId) : noFallback;
    if (fallback === noFallback) {
      return { status: 409, body: refusals.body(offerId, code, message) };
    }
    return fallback.then((found) => {
      const details = found ? { offerId, fallbackOfferId: found.offerId } : { offerId };
      return { status: 409, body: JSON.stringify({ error: { code, message, details } }) };
    });
  };

  /** The offer's live state as JSON, for the Fastify route and its direct twin alike. */
  const describe = async (
    offerId: string,
    marketCode: string | undefined,
  ): Promise<DirectAnswer> => {
    const view = await shopper.describeOffer(offerId, marketCode ?? null);
    return { status: 200, body: JSON.stringify(view), headers: noStore };
  };

  /**
   * The claim, for the Fastify route and its direct twin alike. A refusal is decided and
   * answered in the same turn, without a promise; only a winner (its hold's write) or a
   * fallback lookup answers later.
   */
  const claim = (
    offerId: string,
    input: z.output<typeof claimBody>,
    idempotencyKey: string | undefined,
  ): DirectAnswer | Promise<DirectAnswer> => {
    const decision = shopper.decideClaim(offerId, input, idempotencyKey ?? null);
    if (decision instanceof Promise) {
      return decision.then((settled) => answerOf(offerId, settled));
    }
    return answerOf(offerId, decision);
  };

  api.get(
    '/api/v1/public/offers/:offerId',
    {
      schema: {
        tags: ['shopper'],
        summary: 'Live state of an offer: price, stock left, countdown, urgency messages',
        params: offerParams,
        querystring: offerQuery,
        response: { 200: publicOffer, 400: errorResponse, 404: errorResponse },
      },
    },
    async (request, reply) => {
      const answer = await describe(request.params.offerId, request.query.market);
      (reply as FastifyReply)
        .headers(answer.headers ?? {})
        .header('content-type', jsonContentType)
        .send(answer.body);
    },
  );

  // The same route ahead of Fastify's pipeline: every viewer's page and overlay polls it.
  const checkOfferQuery = directValidator('querystring', offerQuery, offerQueryCheck);
  direct.get(offerUrl, async (request) => {
    const params = checkParams({ offerId: request.params[0] }) as z.output<typeof offerParams>;
    const marketCode = request.params[1];
    const query = checkOfferQuery(marketCode === undefined ? {} : { market: marketCode });
    return describe(params.offerId, (query as z.output<typeof offerQuery>).market);
  });

  api.post(
    '/api/v1/public/offers/:offerId/claims',
    {
      // The answers are built here from typed values; re-checking each with zod cost about a
      // tenth of a claim's CPU in a drop (--cpu-prof under bench:drop).
      serializerCompiler: () => (data) => JSON.stringify(data),
      validatorCompiler: fastPathValidator(claimChecks),
      schema: {
        tags: ['shopper'],
        summary: 'Claim units: a cart hold that expires unless checked out',
        ...claimRequest,
        response: {
          201: z.object({ holdId: z.string(), expiresAt: timestamp }),
          400: errorResponse,
          404: errorResponse,
          409: errorResponse.meta({
            description: 'sold_out, paused, closed, limit_reached, not_live or not_in_market',
          }),
        },
      },
    },
    // Not async: a refusal is sent in the same turn, without a promise for Fastify to wait on.
    (request, reply) => {
      // The answer is already JSON; the route's schema documents it.
      const untyped = reply as FastifyReply;
      const send = (answer: DirectAnswer) => {
        untyped.status(answer.status).header('content-type', jsonContentType).send(answer.body);
      };
      const answer = claim(
        request.params.offerId,
        request.body,
        request.headers['idempotency-key'],
      );
      if (answer instanceof Promise) return answer.then(send);
      send(answer);
      return undefined;
    },
  );

  // The same route ahead of Fastify's pipeline: a drop sends it by the hundred thousand.
  const checkBody = directValidator('body', claimBody, claimChecks.body);
  const checkHeaders = directValidator('headers', idempotencyHeaders, claimChecks.headers);
  direct.post(claimUrl, (request) => {
    const params = checkParams({ offerId: request.params[0] }) as z.output<typeof offerParams>;
    const body = checkBody(request.body) as z.output<typeof claimBody>;
    const headers = checkHeaders(request.headers) as z.output<typeof idempotencyHeaders>;
    return claim(params.offerId, body, headers['idempotency-key']);
  });

  api.post(
    '/api/v1/public/offers/:offerId/waitlist',
    {
      schema: {
        tags: ['shopper'],
        summary: 'Join the waitlist: released units go to the next in line as a fresh hold',
        description:
          'Answered once the entry is durable. A retry with the same Idempotency-Key gets the first answer (the place in line it was told) and adds no second entry.',
        params: offerParams,
        headers: idempotencyHeaders,
        body: z.object({
          shopper: shopperId,
          quantity: z.number().int().min(1).max(100).default(1),
          market: market.optional().meta({
            description: "The shopper's market; required by offers reserved per market",
          }),
        }),
        response: {
          201: z.object({ position: z.number().int() }),
          400: errorResponse,
          404: errorResponse,
          409: errorResponse.meta({
            description: 'paused, closed, not_in_market or limit_reached',
          }),
        },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'] ?? null;
      const answer = await shopper.joinWaitlist(request.params.offerId, request.body, key);
      return reply.status(201).send(answer);
    },
  );

  api.get(
    '/api/v1/public/offers/:offerId/waitlist/:shopper',
    {
      schema: {
        tags: ['shopper'],
        summary: "A shopper's place in the waitlist, or the hold it gave them",
        params: offerParams.extend({ shopper: shopperId }),
        response: {
          200: z.union([
            z.object({ position: z.number().int() }),
            z.object({ holdId: z.string(), expiresAt: timestamp }),
          ]),
          404: errorResponse,
          409: errorResponse,
        },
      },
    },
    async (request) => {
      const standing = await shopper.waitlistStanding(
        request.params.offerId,
        request.params.shopper,
      );
      if (!standing)
        throw new AppError('not_found', 'This shopper is neither waiting nor holding units');
      return standing;
    },
  );

  api.get(
    '/api/v1/public/holds/:holdId',
    {
      schema: {
        tags: ['shopper'],
        summary:
          'What became of a hold: held, being paid, paid (with its order), expired or released',
        params: holdParams,
        response: {
          200: z.object({
            holdId: z.string(),
            offerId: z.string(),
            quantity: z.number().int(),
            expiresAt: timestamp,
            state: z.enum(['held', 'checking_out', 'checked_out', 'expired', 'released']),
            orderId: z.string().nullable(),
          }),
          404: errorResponse,
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return shopper.describeHold(request.params.holdId);
    },
  );

  api.post(
    '/api/v1/public/holds/:holdId/checkout',
    {
      validatorCompiler: checkoutValidator,
      schema: {
        tags: ['shopper'],
        summary:
          "Pay for a hold and place the order: with the shopper's details, or in one click with a saved profile",
        params: holdParams,
        headers: idempotencyHeaders,
        body: checkoutBody,
        response: {
          201: checkoutAnswer,
          400: errorResponse,
          402: errorResponse.meta({
            description:
              "payment_declined: the hold stays until it expires. payment_requires_action: the card asks for 3-D Secure; nothing was charged, `details.clientSecret` is the PaymentIntent's client secret for `stripe.handleCardAction`, then send the checkout again with the same payment token (and a new Idempotency-Key)",
          }),
          404: errorResponse,
          409: errorResponse,
          410: errorResponse.meta({ description: 'hold_expired' }),
          502: errorResponse.meta({
            description:
              'payment_unavailable: the provider did not answer; retry (the same card is never charged twice; a payment that does not become an order is refunded)',
          }),
        },
      },
    },
    async (request, reply) => {
      const { orderId, profile } = await shopper.checkout(
        request.params.holdId,
        request.body,
        request.headers['idempotency-key'] ?? null,
      );
      return reply.status(201).send(profile ? { orderId, profile } : { orderId });
    },
  );

  profileRoutes(app, services);

  api.delete(
    '/api/v1/public/holds/:holdId',
    {
      schema: {
        tags: ['shopper'],
        summary: 'Give a hold back before it expires',
        params: holdParams,
        response: { 204: noContent, 404: errorResponse },
      },
    },
    async (request, reply) => {
      await shopper.releaseHold(request.params.holdId);
      return reply.status(204).send(null);
    },
  );
};
