import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The no-JavaScript pages keep a saved profile's token in a cookie, as the full page keeps it
 * in localStorage. One cookie per shop, named by the shop's opaque key (ShopperService
 * .shopKeyOf), like the full page's `mydrop.profile.<shop>`: a shopper who saved details in two
 * shops keeps both, a shop's pages read only their own shop's token (checkout refuses another
 * shop's anyway), and the name shows no organisation id. One shared name would keep a single
 * shop's profile and let a checkout elsewhere overwrite it.
 *
 * HttpOnly (no script reads it), SameSite=Lax (a cross-site form post arrives without it, so
 * another site cannot buy in one click for the shopper), Secure over TLS, scoped to /o where
 * the lite pages live (a path cannot name both /o/{offer}/lite and /o/holds/{hold}/lite).
 * The token is a bearer secret: it goes in no URL and no page, and the logger redacts cookies.
 */
const cookiePrefix = 'mydrop_profile_';
const shopKeyPattern = /^[0-9a-f]{8,64}$/;

/** About six months, as long as a returning shopper is likely to come back within. */
export const profileCookieMaxAgeSeconds = 180 * 24 * 3600;

function cookieName(shop: string): string {
  if (!shopKeyPattern.test(shop)) throw new Error(`not a shop key: ${shop}`);
  return `${cookiePrefix}${shop}`;
}

function cookieOptions(request: FastifyRequest) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: request.protocol === 'https',
    path: '/o',
  };
}

/** Whether the request carries a profile for any shop: without one, pages look nothing up. */
export function hasProfileCookie(request: FastifyRequest): boolean {
  return Object.keys(request.cookies).some((name) => name.startsWith(cookiePrefix));
}

/** The token kept for this shop, as sent: the profiles service decides whether it names one. */
export function readProfileToken(request: FastifyRequest, shop: string): string | undefined {
  return request.cookies[cookieName(shop)] || undefined;
}

export function keepProfileToken(
  request: FastifyRequest,
  reply: FastifyReply,
  shop: string,
  token: string,
): void {
  reply.setCookie(cookieName(shop), token, {
    ...cookieOptions(request),
    maxAge: profileCookieMaxAgeSeconds,
  });
}

export function clearProfileToken(request: FastifyRequest, reply: FastifyReply, shop: string) {
  reply.clearCookie(cookieName(shop), cookieOptions(request));
}
