import { z } from 'zod';
import { errorResponse, type Routes, typed } from '../../http/route-context.js';
import { AppError } from '../../lib/errors.js';

/**
 * Stripe calls this endpoint with payment events. Stripe signs the exact bytes it sends, so
 * this route reads the body raw: the JSON parser is swapped for a buffer parser inside an
 * encapsulated scope, and every other route keeps the usual JSON parsing.
 *
 * The answer is 200 only once the event's effect is durable (a payment settled, a refund
 * recorded on its order); any failure answers 5xx, so Stripe sends the event again.
 */
export const stripeWebhookRoutes: Routes = (app, { services }) => {
  app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );

    typed(scope).post(
      '/api/v1/webhooks/stripe',
      {
        schema: {
          tags: ['payments'],
          summary:
            'Receive Stripe events (signed with the endpoint secret STRIPE_WEBHOOK_SECRET): payment_intent.succeeded settles the payment (refunded when its hold ended without an order), charge.refunded records a refund made outside Mydrop on its order',
          headers: z.object({
            'stripe-signature': z
              .string()
              .optional()
              .meta({ description: 'Set by Stripe: t=<timestamp>,v1=<HMAC-SHA256 of the body>' }),
          }),
          response: {
            200: z.object({ received: z.literal(true) }),
            400: errorResponse.meta({ description: 'The signature is missing or does not verify' }),
            404: errorResponse.meta({ description: 'Stripe is not configured' }),
            502: errorResponse.meta({
              description: 'Stripe did not answer while settling the payment; Stripe retries',
            }),
          },
        },
      },
      async (request) => {
        const receiver = services.stripeWebhooks;
        if (!receiver) throw new AppError('not_found', 'Stripe is not configured');
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const receipt = await receiver.receive(rawBody, request.headers['stripe-signature']);
        if (receipt.handled) {
          request.log.info(
            {
              stripeEvent: receipt.eventId,
              paymentIntent: receipt.paymentIntentId,
              outcome: receipt.outcome,
            },
            `stripe webhook ${receipt.type}`,
          );
        } else {
          request.log.debug(
            { stripeEvent: receipt.eventId },
            `stripe webhook ${receipt.type} ignored`,
          );
        }
        return { received: true as const };
      },
    );
  });
};
