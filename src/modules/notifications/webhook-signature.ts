import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Outbound webhook signatures: `Mydrop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">` keyed with the subscription's secret. The timestamp inside the signed
 * text lets receivers refuse replays older than a few minutes.
 */
export const signatureHeader = 'mydrop-signature';
export const eventIdHeader = 'mydrop-event-id';

export function signWebhookBody(secret: string, body: string, unixSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}

/**
 * What a receiver does, written here so tests and the operations guide share one recipe:
 * recompute the HMAC over the raw body, compare in constant time, bound the timestamp's age.
 */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string,
  nowUnixSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(nowUnixSeconds - timestamp) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
