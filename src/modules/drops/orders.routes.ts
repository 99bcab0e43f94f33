import { z } from 'zod';
import {
  commonErrors,
  errorResponse,
  idParams,
  type Routes,
  secured,
  timestamp,
  typed,
} from '../../http/route-context.js';
import { fulfilmentStatuses } from './orders.service.js';

const orderSchema = z
  .object({
    id: z.string(),
    offerId: z.string(),
    holdId: z.string(),
    showId: z.string().nullable(),
    shopperId: z.string(),
    email: z.string(),
    name: z.string(),
    address: z.record(z.string(), z.string()),
    quantity: z.number().int(),
    amountMinor: z.number().int().meta({ description: "Goods at the offer's price" }),
    taxMinor: z.number().int(),
    taxRateBasisPoints: z.number().int(),
    totalMinor: z.number().int().meta({
      description: 'What was charged (tax added where prices exclude it); refunded whole',
    }),
    currency: z.string(),
    fulfilmentRegionId: z.string().nullable(),
    status: z.enum(['paid', 'cancelled', 'returned']),
    fulfilmentStatus: z.enum(fulfilmentStatuses),
    paymentProvider: z.string(),
    offerCode: z.string().nullable(),
    trafficSource: z.string().nullable(),
    market: z.string().nullable().meta({
      description: 'The market whose reserve the units came from (offers split by market)',
    }),
    saleNumber: z.number().int().meta({
      description:
        "The order's place among its offer's orders, 1 for the first; cancelled orders keep theirs",
    }),
    bonus: z.string().nullable().meta({
      description:
        "The urgency rule's bonus item, for the offer's first N orders placed (a cancelled order does not pass it on); null otherwise",
    }),
    packedAt: timestamp.nullable(),
    shippedAt: timestamp.nullable(),
    deliveredAt: timestamp.nullable(),
    refundedMinor: z.number().int().meta({
      description:
        'Refunded at the payment provider outside Mydrop (a Stripe dashboard refund, learnt from its charge.refunded webhook), up to totalMinor; 0 when none. Cancel and return show in status',
    }),
    refundedAt: timestamp.nullable().meta({
      description: 'When the payment provider last reported a refund of the order',
    }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Order' });

const filter = z.object({ offerId: z.uuid('must be a UUID').optional() });

export const ordersRoutes: Routes = (app, { services, auth }) => {
  const api = typed(app);
  const { orders } = services;

  api.get(
    '/api/v1/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'Orders, newest first',
        security: secured,
        querystring: filter,
        response: { 200: z.object({ items: z.array(orderSchema) }), ...commonErrors },
      },
    },
    async (request) => ({
      items: await orders.list(await auth.requireActor(request), request.query),
    }),
  );

  api.get(
    '/api/v1/orders.csv',
    {
      schema: {
        tags: ['orders'],
        summary: 'Orders as CSV',
        security: secured,
        querystring: filter,
      },
    },
    async (request, reply) => {
      const csv = await orders.exportCsv(await auth.requireActor(request), request.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="orders.csv"')
        .send(csv);
    },
  );

  api.get(
    '/api/v1/orders/:id',
    {
      schema: {
        tags: ['orders'],
        summary: 'One order',
        security: secured,
        params: idParams,
        response: { 200: orderSchema, ...commonErrors },
      },
    },
    async (request) => orders.get(await auth.requireActor(request), request.params.id),
  );

  for (const [action, kind] of [
    ['cancel', 'cancelled'],
    ['return', 'returned'],
  ] as const) {
    api.post(
      `/api/v1/orders/:id/${action}`,
      {
        schema: {
          tags: ['orders'],
          summary: `${action === 'cancel' ? 'Cancel' : 'Return'} a paid order and refund its whole charge (totalMinor); restock puts the units back`,
          security: secured,
          params: idParams,
          body: z.object({ restock: z.boolean() }),
          response: {
            200: orderSchema,
            ...commonErrors,
            409: errorResponse,
            502: errorResponse.meta({
              description: 'The refund failed at the payment provider; nothing changed, retry',
            }),
          },
        },
      },
      async (request) =>
        orders.end(await auth.requireActor(request), request.params.id, {
          kind,
          restock: request.body.restock,
        }),
    );
  }

  api.put(
    '/api/v1/orders/:id/fulfilment',
    {
      schema: {
        tags: ['orders'],
        summary: 'Set fulfilment status (packed, shipped, delivered)',
        security: secured,
        params: idParams,
        body: z.object({ status: z.enum(fulfilmentStatuses) }),
        response: { 200: orderSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request) =>
      orders.setFulfilment(
        await auth.requireActor(request),
        request.params.id,
        request.body.status,
      ),
  );
};
