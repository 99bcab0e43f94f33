import type { FastifyReply, FastifyRequest } from 'fastify';
import { newId } from '../../lib/ids.js';
import type { Attribution } from './offer-view.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}

const shopperCookie = 'mydrop_shopper';

/**
 * A shopper without JavaScript keeps one id across pages in a cookie, so the per-buyer limit
 * counts their claims together. Scoped to /o; it identifies a cart, not an account.
 */
export function shopperIdFor(request: FastifyRequest, reply: FastifyReply): string {
  const known = request.cookies[shopperCookie];
  if (known && /^[\w-]{8,64}$/.test(known)) return known;
  const id = newId();
  reply.setCookie(shopperCookie, id, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/o',
    maxAge: 30 * 24 * 3600,
  });
  return id;
}

function shortText(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}

/**
 * The offer code, traffic source and market a stream link carries
 * (`?code=GLOW19&src=tiktok_live&market=GB`); a market that is not a country code is ignored.
 */
export function attributionFrom(query: unknown): Attribution {
  const fields = (query ?? {}) as Record<string, unknown>;
  return {
    code: shortText(fields.code, 40),
    source: shortText(fields.src, 100),
    market: marketFrom(fields.market),
  };
}

/** A 2-letter market code, upper case; undefined for anything else. */
export function marketFrom(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z]{2}$/.test(value) ? value.toUpperCase() : undefined;
}

/** A submitted form as text fields; anything else (a repeated field, JSON) is read leniently. */
export function formFields(body: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!body || typeof body !== 'object') return fields;
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') fields[name] = value;
    else if (typeof value === 'number') fields[name] = String(value);
  }
  return fields;
}

/** A deadline carried in a link or hidden field; ignored when it does not parse. */
export function dateFrom(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
