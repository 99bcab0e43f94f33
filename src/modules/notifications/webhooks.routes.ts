import { z } from 'zod';
import {
  commonErrors,
  errorResponse,
  idParams,
  noContent,
  type Routes,
  secured,
  timestamp,
  typed,
} from '../../http/route-context.js';
import { eventTypePattern } from './webhooks.service.js';

const subscriptionSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    eventTypes: z.array(z.string()),
    description: z.string(),
    active: z.boolean(),
    secretHint: z.string().meta({ description: 'The first characters of the signing secret' }),
    createdAt: timestamp,
  })
  .meta({ id: 'WebhookSubscription' });

const deliverySchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    type: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: timestamp.nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: timestamp,
    deliveredAt: timestamp.nullable(),
    payload: z.record(z.string(), z.unknown()).meta({ description: 'The JSON body POSTed' }),
  })
  .meta({ id: 'WebhookDelivery' });

const subscriptionInput = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2000),
  eventTypes: z
    .array(
      z
        .string()
        .max(120)
        .regex(eventTypePattern, 'must be *, prefix.* or a dotted type such as approval.overdue'),
    )
    .min(1, 'needs at least one event type (* for all)')
    .max(50)
    .default(['*']),
  description: z.string().trim().max(200).optional(),
});

export const webhooksRoutes: Routes = (app, { services, auth }) => {
  const api = typed(app);
  const { webhooks } = services;

  api.get(
    '/api/v1/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: "The organisation's outbound webhook subscriptions (never the secrets)",
        security: secured,
        response: { 200: z.object({ items: z.array(subscriptionSchema) }), ...commonErrors },
      },
    },
    async (request) => ({ items: await webhooks.list(await auth.requireActor(request)) }),
  );

  api.post(
    '/api/v1/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to events; the signing secret is in this answer and never again',
        description:
          'Each event is POSTed as JSON `{id, type, organizationId, occurredAt, data}` with `Mydrop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` and `Mydrop-Event-Id`. A 2xx answer within 5 s delivers it; anything else is retried with exponential backoff. See docs/operations.md for verifying the signature.',
        security: secured,
        body: subscriptionInput,
        response: {
          201: subscriptionSchema.extend({
            secret: z.string().meta({ description: 'whsec_…; shown once' }),
          }),
          ...commonErrors,
          409: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const { subscription, secret } = await webhooks.create(
        await auth.requireActor(request),
        request.body,
      );
      return reply.status(201).send({ ...subscription, secret });
    },
  );

  api.delete(
    '/api/v1/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Remove a subscription and its delivery history',
        security: secured,
        params: idParams,
        response: { 204: noContent, ...commonErrors },
      },
    },
    async (request, reply) => {
      await webhooks.remove(await auth.requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/api/v1/webhooks/:id/test',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a webhook.test event to this subscription, to check the receiver',
        security: secured,
        params: idParams,
        response: { 202: z.object({ eventId: z.string() }), ...commonErrors },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await webhooks.sendTest(await auth.requireActor(request), request.params.id)),
  );

  api.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Recent deliveries to a subscription, newest first',
        security: secured,
        params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(deliverySchema) }), ...commonErrors },
      },
    },
    async (request) => ({
      items: await webhooks.listDeliveries(
        await auth.requireActor(request),
        request.params.id,
        request.query.limit,
      ),
    }),
  );
};
