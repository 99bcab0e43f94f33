import { z } from 'zod';
import type { FastCheck } from '../../http/fast-validation.js';
import { timestamp } from '../../http/route-context.js';

// The public shopper API's inputs and answers. The claim and offer routes have hand-written
// checks beside their zod schemas (the fast path of a drop); both must accept the same input.

export const offerParams = z.object({ offerId: z.uuid('must be a UUID') });
export const holdParams = z.object({ holdId: z.uuid('must be a UUID') });

export const publicOffer = z
  .object({
    id: z.string(),
    title: z.string(),
    kind: z.string(),
    state: z.enum(['upcoming', 'live', 'paused', 'sold_out', 'closed']),
    price: z.number().int().meta({ description: 'Unit price in minor units of currency' }),
    currency: z.string(),
    priceTiers: z.array(
      z.object({ minQuantity: z.number().int(), unitPriceMinor: z.number().int() }),
    ),
    stockLeft: z.number().int(),
    lowStock: z.boolean(),
    startsAt: timestamp.nullable(),
    endsAt: timestamp.nullable(),
    endsWithStream: z.boolean(),
    perBuyerLimit: z.number().int().nullable(),
    holdTtlSeconds: z.number().int(),
    messages: z.array(z.string()).meta({ description: 'Staged urgency messages to show now' }),
    items: z.array(
      z.object({ title: z.string(), skuCode: z.string(), quantity: z.number().int() }),
    ),
    fallback: z
      .object({ offerId: z.string(), title: z.string(), stockLeft: z.number().int() })
      .nullable()
      .meta({ description: 'While sold out or closed: the fallback bundle, when it is live' }),
    markets: z.array(z.string()).meta({
      description:
        'Markets the reserve is split into and still served; a claim must name one of them (empty: not split)',
    }),
    market: z
      .string()
      .nullable()
      .meta({ description: 'The market stockLeft and state are for (from ?market=), if served' }),
  })
  .meta({ id: 'PublicOffer' });

export const market = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'must be a 2-letter ISO 3166 country code')
  .transform((code) => code.toUpperCase());
export const shopperId = z.string().trim().min(1, 'is required').max(200);
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'A retry with the same key gets the first answer' }),
});

export const claimBody = z.object({
  shopper: shopperId,
  quantity: z.number().int().min(1, 'must be at least 1').max(100).default(1),
  offerCode: z.string().max(40).optional(),
  source: z.string().max(100).optional().meta({ description: 'Traffic source, e.g. tiktok_live' }),
  market: market.optional().meta({
    description:
      "The shopper's market (ISO 3166 country code); required by offers reserved per market",
  }),
});

const uuidPattern = z.regexes.uuid();
const marketPattern = /^[A-Za-z]{2}$/;

/**
 * The claim route's input as zod would parse it, checked by hand for the well-formed claims of
 * a drop; anything unusual (a bad field, a shopper with spaces to trim past the limit) goes to
 * zod. Params and headers are kept as parsed: zod would only drop keys the route never reads.
 */
export const claimRequest = { params: offerParams, headers: idempotencyHeaders, body: claimBody };

export const claimChecks = {
  params(data) {
    const offerId = (data as { offerId?: unknown } | null)?.offerId;
    return typeof offerId === 'string' && uuidPattern.test(offerId) ? true : undefined;
  },
  headers(data) {
    const key = (data as Record<string, unknown> | null)?.['idempotency-key'];
    if (key === undefined) return true;
    return typeof key === 'string' && key.length >= 1 && key.length <= 200 ? true : undefined;
  },
  body(data) {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
    const { shopper, quantity = 1, offerCode, source, market } = data as Record<string, unknown>;
    if (typeof shopper !== 'string' || shopper.length > 200) return undefined;
    const trimmed = shopper.trim();
    if (trimmed.length === 0) return undefined;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity)) return undefined;
    if (quantity < 1 || quantity > 100) return undefined;
    const value: z.output<typeof claimBody> = { shopper: trimmed, quantity };
    if (offerCode !== undefined) {
      if (typeof offerCode !== 'string' || offerCode.length > 40) return undefined;
      value.offerCode = offerCode;
    }
    if (source !== undefined) {
      if (typeof source !== 'string' || source.length > 100) return undefined;
      value.source = source;
    }
    if (market !== undefined) {
      if (typeof market !== 'string' || !marketPattern.test(market)) return undefined;
      value.market = market.toUpperCase();
    }
    return { value };
  },
} satisfies Record<string, FastCheck>;

export const offerQuery = z.object({
  market: market.optional().meta({
    description: 'Counts stock for this market (offers reserved per market)',
  }),
});

/** The offer query as zod would parse it, for the well-formed market codes pages send. */
export const offerQueryCheck: FastCheck = (data) => {
  const code = (data as { market?: unknown } | null)?.market;
  if (code === undefined) return { value: {} };
  return typeof code === 'string' && marketPattern.test(code)
    ? { value: { market: code.toUpperCase() } }
    : undefined;
};

/**
 * The offer URLs as Fastify routes them, without a query or with only a plain `market`, whose
 * id needs no decoding: the direct route's pattern. Anything else goes to Fastify.
 */
export const offerUrl = /^\/api\/v1\/public\/offers\/([^/?#%]{1,100})(?:\?market=([^&#%+=]*))?$/;

/**
 * The claim route's URLs as Fastify routes them (with or without a query string) whose offer id
 * needs no decoding and is within Fastify's parameter length: the direct route's pattern.
 */
export const claimUrl = /^\/api\/v1\/public\/offers\/([^/?#%]{1,100})\/claims(?:\?|$)/;
