import { createHmac } from 'node:crypto';

/**
 * Session, invitation and API tokens are random secrets stored only as an HMAC keyed with
 * MYDROP_SECRET: a leaked database alone cannot be replayed against the API.
 */
export function hashSecretToken(secret: string, token: string): string {
  return createHmac('sha256', secret).update(token).digest('base64url');
}
