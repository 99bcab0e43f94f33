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
import { fulfilmentStatuses } from '../drops/index.js';
import { capabilities } from './fulfilment.service.js';

const country = z.string().regex(/^[A-Za-z]{2}$/, 'must be a 2-letter ISO 3166 country code');

const regionInput = z.object({
  name: z.string().trim().min(1, 'is required').max(120),
  countries: z.array(country).min(1, 'needs at least one country').max(100),
  capabilities: z.array(z.enum(capabilities)).min(1, 'needs at least one capability'),
  pricesIncludeTax: z.boolean().default(true),
  priority: z.number().int().min(0).max(1000).default(100),
  taxRates: z
    .array(
      z.object({
        country,
        rateBasisPoints: z.number().int().min(0).max(10_000).meta({ description: '2000 = 20%' }),
      }),
    )
    .default([]),
});

const regionSchema = regionInput
  .extend({ id: z.string(), createdAt: timestamp, updatedAt: timestamp })
  .meta({ id: 'FulfilmentRegion' });

const percentiles = z.object({ p50: z.number().nullable(), p90: z.number().nullable() });

export const fulfilmentRoutes: Routes = (app, { services, auth }) => {
  const api = typed(app);
  const { fulfilment, orders } = services;

  api.get(
    '/api/v1/fulfilment/regions',
    {
      schema: {
        tags: ['fulfilment'],
        summary: 'Fulfilment regions, their capabilities and tax tables',
        security: secured,
        response: { 200: z.object({ items: z.array(regionSchema) }), ...commonErrors },
      },
    },
    async (request) => ({ items: await fulfilment.list(await auth.requireActor(request)) }),
  );

  api.post(
    '/api/v1/fulfilment/regions',
    {
      schema: {
        tags: ['fulfilment'],
        summary: 'Create a region',
        security: secured,
        body: regionInput,
        response: { 201: regionSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await fulfilment.save(await auth.requireActor(request), request.body)),
  );

  api.put(
    '/api/v1/fulfilment/regions/:id',
    {
      schema: {
        tags: ['fulfilment'],
        summary: 'Replace a region and its tax table',
        security: secured,
        params: idParams,
        body: regionInput,
        response: { 200: regionSchema, ...commonErrors },
      },
    },
    async (request) =>
      fulfilment.save(await auth.requireActor(request), request.body, request.params.id),
  );

  api.delete(
    '/api/v1/fulfilment/regions/:id',
    {
      schema: {
        tags: ['fulfilment'],
        summary: 'Delete a region (its orders keep their history)',
        security: secured,
        params: idParams,
        response: { 204: noContent, ...commonErrors },
      },
    },
    async (request, reply) => {
      await fulfilment.remove(await auth.requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/api/v1/fulfilment/events',
    {
      schema: {
        tags: ['fulfilment'],
        summary: 'Carrier or warehouse webhook: packed, shipped, delivered events for orders',
        description:
          'Authenticate with an API token whose role may manage orders. Each event is applied on its own; the answer lists the outcome of each.',
        security: secured,
        body: z.object({
          events: z
            .array(
              z.object({
                orderId: z.uuid('must be a UUID'),
                status: z.enum(fulfilmentStatuses),
                occurredAt: z.coerce.date().optional(),
              }),
            )
            .min(1)
            .max(1000),
        }),
        response: {
          200: z.object({
            results: z.array(
              z.object({ orderId: z.string(), ok: z.boolean(), error: z.string().optional() }),
            ),
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const actor = await auth.requireActor(request);
      const results = [];
      for (const event of request.body.events) {
        try {
          await orders.setFulfilment(actor, event.orderId, event.status, event.occurredAt);
          results.push({ orderId: event.orderId, ok: true });
        } catch (error) {
          results.push({ orderId: event.orderId, ok: false, error: (error as Error).message });
        }
      }
      return { results };
    },
  );

  api.get(
    '/api/v1/fulfilment/time-to-fulfil',
    {
      schema: {
        tags: ['fulfilment'],
        summary: 'Hours from order to shipped and delivered, per region',
        security: secured,
        querystring: z.object({ offerId: z.uuid('must be a UUID').optional() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                regionId: z.string().nullable(),
                orders: z.number().int(),
                shipped: z.number().int(),
                delivered: z.number().int(),
                hoursToShip: percentiles,
                hoursToDeliver: percentiles,
              }),
            ),
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => ({
      items: await fulfilment.timeToFulfil(await auth.requireActor(request), request.query),
    }),
  );
};
