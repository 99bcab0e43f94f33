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
import type { Actor } from '../access/index.js';
import { offerKinds } from './offer-terms.js';
import type { Offer } from './offers.service.js';
import { maxUrgencyMessageLength, maxUrgencyStages } from './urgency-stages.js';

const counts = {
  reserved: z.number().int(),
  available: z.number().int(),
  held: z.number().int(),
  sold: z.number().int(),
};

export const offerSchema = z
  .object({
    id: z.string(),
    brandId: z.string(),
    title: z.string(),
    kind: z.enum(offerKinds),
    status: z.enum(['draft', 'approved', 'armed', 'live', 'paused', 'closed']),
    components: z.array(z.object({ skuId: z.string(), quantity: z.number().int() })),
    priceMinor: z.number().int(),
    currency: z.string(),
    priceTiers: z.array(
      z.object({ minQuantity: z.number().int(), unitPriceMinor: z.number().int() }),
    ),
    perBuyerLimit: z.number().int().nullable(),
    holdTtlSeconds: z.number().int(),
    lowStockThreshold: z.number().int(),
    urgencyRule: z.object({ firstOrders: z.number().int(), bonus: z.string() }).nullable(),
    startsAt: timestamp.nullable(),
    endsAt: timestamp.nullable(),
    endsWithStream: z.boolean(),
    codes: z.array(z.string()),
    fallbackOfferId: z.string().nullable(),
    substitutions: z.array(z.object({ skuId: z.string(), substituteSkuId: z.string() })),
    urgencyStages: z
      .array(z.object({ atOrBelow: z.number().int(), message: z.string() }))
      .meta({ description: 'Urgency messages by units left, tightest threshold first' }),
    termsHash: z.string(),
    approvedTermsHash: z.string().nullable(),
    reservedUnits: z.number().int(),
    reserveOwnerId: z.string().nullable(),
    reserveExpiresAt: timestamp.nullable(),
    markets: z
      .array(
        z.object({
          market: z.string(),
          ownerId: z.string(),
          expiresAt: timestamp.nullable(),
          releasedAt: timestamp.nullable(),
          lowStockThreshold: z.number().int(),
          lowStockFlaggedAt: timestamp.nullable().meta({
            description: 'When the market was flagged low on stock (offer.market_low_stock)',
          }),
          ...counts,
        }),
      )
      .meta({
        description:
          'The reserve split by market, each share with its owner, TTL, low-stock threshold and live counts (offer units)',
      }),
    inventory: z
      .object({
        ...counts,
        waitlist: z.number().int(),
        components: z.array(z.object({ skuId: z.string(), quantity: z.number().int(), ...counts })),
      })
      .nullable(),
    approvedAt: timestamp.nullable(),
    armedAt: timestamp.nullable(),
    liveAt: timestamp.nullable(),
    closedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Offer' });

const minorUnits = z.number().int('must be whole minor units').min(0, 'must not be negative');

const offerInput = z.object({
  brandId: z.uuid('must be a UUID'),
  title: z.string().trim().min(1, 'is required').max(200),
  kind: z.enum(offerKinds),
  components: z
    .array(
      z.object({
        skuId: z.uuid('must be a UUID'),
        quantity: z.number().int().min(1).max(100).default(1),
      }),
    )
    .min(1, 'needs at least one SKU')
    .max(20),
  priceMinor: minorUnits,
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO 4217 code such as EUR'),
  priceTiers: z
    .array(z.object({ minQuantity: z.number().int().min(2), unitPriceMinor: minorUnits }))
    .max(10)
    .default([]),
  perBuyerLimit: z.number().int().min(1).nullable().default(null),
  holdTtlSeconds: z.number().int().min(10).max(86_400).default(600),
  lowStockThreshold: z.number().int().min(0).default(20),
  urgencyRule: z
    .object({ firstOrders: z.number().int().min(1), bonus: z.string().trim().min(1).max(200) })
    .nullable()
    .default(null),
  startsAt: z.coerce.date().nullable().default(null),
  endsAt: z.coerce.date().nullable().default(null),
  endsWithStream: z.boolean().default(false),
  codes: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{2,40}$/, 'must be 2-40 letters, digits, _ or -'))
    .min(1, 'needs at least one offer code for attribution')
    .max(20),
  fallbackOfferId: z.uuid('must be a UUID').nullable().default(null),
  substitutions: z
    .array(z.object({ skuId: z.uuid('must be a UUID'), substituteSkuId: z.uuid('must be a UUID') }))
    .max(20)
    .default([]),
  urgencyStages: z
    .array(
      z.object({
        atOrBelow: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(1_000_000),
        message: z
          .string()
          .trim()
          .min(1, 'is required')
          .max(maxUrgencyMessageLength, `must be at most ${maxUrgencyMessageLength} characters`),
      }),
    )
    .max(maxUrgencyStages, `at most ${maxUrgencyStages} stages`)
    .default([])
    .meta({
      description:
        "Messages shown on the live offer by units left: the tightest stage reached shows ('{left}' becomes the units left). Thresholds are distinct. None: 'Only N left' at lowStockThreshold",
    }),
});

const lifecycle = [
  ['approve', 'Approve the terms as they are (freezes price and terms)'],
  ['go-live', 'Open the offer to claims'],
  ['pause', 'Kill switch: stop new claims at once'],
  ['resume', 'Reopen a paused offer'],
  ['close', 'Close at once: end open holds, return unsold units to stock'],
] as const;

export const offersRoutes: Routes = (app, { services, auth }) => {
  const api = typed(app);
  const { offers } = services;

  api.get(
    '/api/v1/offers',
    {
      schema: {
        tags: ['offers'],
        summary: 'Offers, optionally for one brand, with live inventory counts',
        security: secured,
        querystring: z.object({ brandId: z.uuid('must be a UUID').optional() }),
        response: { 200: z.object({ items: z.array(offerSchema) }), ...commonErrors },
      },
    },
    async (request) => ({
      items: await offers.list(await auth.requireActor(request), request.query),
    }),
  );

  api.post(
    '/api/v1/offers',
    {
      schema: {
        tags: ['offers'],
        summary: 'Create an offer (draft)',
        security: secured,
        body: offerInput,
        response: { 201: offerSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const offer = await offers.create(await auth.requireActor(request), request.body);
      return reply.status(201).send(offer);
    },
  );

  api.get(
    '/api/v1/offers/:id',
    {
      schema: {
        tags: ['offers'],
        summary: 'One offer',
        security: secured,
        params: idParams,
        response: { 200: offerSchema, ...commonErrors },
      },
    },
    async (request) => offers.get(await auth.requireActor(request), request.params.id),
  );

  api.put(
    '/api/v1/offers/:id',
    {
      schema: {
        tags: ['offers'],
        summary:
          'Replace the terms of a draft or approved offer (an approved one returns to draft)',
        security: secured,
        params: idParams,
        body: offerInput,
        response: { 200: offerSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request) => {
      const offer = await offers.update(
        await auth.requireActor(request),
        request.params.id,
        request.body,
      );
      services.shopper.forget(offer.id);
      return offer;
    },
  );

  api.post(
    '/api/v1/offers/:id/arm',
    {
      schema: {
        tags: ['offers'],
        summary: 'Reserve units from stock on hand (the inventory lock)',
        security: secured,
        params: idParams,
        body: z.object({
          units: z
            .number()
            .int()
            .min(1, 'must be at least 1')
            .max(1_000_000)
            .optional()
            .meta({ description: "Required unless markets are given (then their units' sum)" }),
          reserveTtlSeconds: z.number().int().min(60).nullable().default(null),
          markets: z
            .array(
              z.object({
                market: z
                  .string()
                  .regex(/^[A-Za-z]{2}$/, 'must be a 2-letter ISO 3166 country code')
                  .transform((code) => code.toUpperCase()),
                units: z.number().int().min(1, 'must be at least 1').max(1_000_000),
                ownerId: z.uuid('must be a UUID').optional(),
                reserveTtlSeconds: z.number().int().min(60).nullable().default(null),
                lowStockThreshold: z
                  .number()
                  .int('must be a whole number')
                  .min(0, 'must not be negative')
                  .optional()
                  .meta({
                    description:
                      "Available units at or below which the market's owner is told it runs low; less than its units. Default: the offer's lowStockThreshold scaled to the market's share of the units, rounded up (and below its units)",
                  }),
              }),
            )
            .max(100)
            .optional()
            .meta({
              description:
                "Splits the reserve by market: each share has its owner and TTL, and shoppers claim from their own market's units",
            }),
        }),
        response: { 200: offerSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request) =>
      offers.arm(await auth.requireActor(request), request.params.id, request.body),
  );

  // The kill switch (pause, close) keeps the reason given with it in the audit trail.
  const actions: Record<
    (typeof lifecycle)[number][0],
    (actor: Actor, offerId: string, reason?: string) => Promise<Offer>
  > = {
    approve: (actor, offerId) => offers.approve(actor, offerId),
    'go-live': (actor, offerId) => offers.goLive(actor, offerId),
    pause: (actor, offerId, reason) => offers.pause(actor, offerId, reason),
    resume: (actor, offerId) => offers.resume(actor, offerId),
    close: (actor, offerId, reason) => offers.close(actor, offerId, reason),
  };
  for (const [action, summary] of lifecycle) {
    api.post(
      `/api/v1/offers/:id/${action}`,
      {
        schema: {
          tags: ['offers'],
          summary,
          security: secured,
          params: idParams,
          body: z
            .object({ reason: z.string().trim().min(1, 'must not be empty').max(500).optional() })
            .nullish(),
          response: { 200: offerSchema, ...commonErrors, 409: errorResponse },
        },
      },
      async (request) => {
        const offer = await actions[action](
          await auth.requireActor(request),
          request.params.id,
          request.body?.reason,
        );
        services.shopper.forget(offer.id);
        return offer;
      },
    );
  }
};
