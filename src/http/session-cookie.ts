import type { FastifyReply, FastifyRequest } from 'fastify';
import { sessionLifetimeMs } from '../modules/identity/index.js';

export const sessionCookieName = 'mydrop_session';

/**
 * The session cookie is HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site
 * POSTs) and Secure whenever the request came over TLS, directly or through a trusted proxy.
 */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
): void {
  reply.setCookie(sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
    maxAge: Math.floor(sessionLifetimeMs / 1000),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
  });
}

export function readSessionToken(request: FastifyRequest): string | undefined {
  return request.cookies[sessionCookieName];
}
