import type { FastifyInstance } from 'fastify';
import type { SeededOrganization } from './test-app.js';

export const shopperDetails = {
  email: 'shopper@example.com',
  name: 'Sam Shopper',
  address: { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
};

export function payWith(token: string) {
  return { ...shopperDetails, payment: { provider: 'sandbox', token } };
}

/** Creates, approves, arms and opens a single-SKU offer on the seeded product's SKU. */
export async function liveOffer(
  app: FastifyInstance,
  org: SeededOrganization,
  options: {
    units: number;
    stock?: number;
    perBuyerLimit?: number | null;
    holdTtlSeconds?: number;
    code?: string;
    fallbackOfferId?: string;
    endsWithStream?: boolean;
  },
): Promise<{ offerId: string; skuId: string }> {
  const headers = { cookie: org.ownerCookie };
  const product = await app.inject({
    method: 'POST',
    url: '/api/v1/products',
    headers,
    payload: {
      brandId: org.brandId,
      title: `Drop item ${Math.random()}`,
      skus: [
        {
          code: `DROP-${Math.random().toString(36).slice(2)}`,
          priceMinor: 2900,
          currency: 'EUR',
          stockOnHand: options.stock ?? options.units,
        },
      ],
    },
  });
  const skuId = product.json().skus[0].id as string;
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/offers',
    headers,
    payload: {
      brandId: org.brandId,
      title: 'Live drop',
      kind: 'single_sku',
      components: [{ skuId, quantity: 1 }],
      priceMinor: 1900,
      currency: 'EUR',
      perBuyerLimit: options.perBuyerLimit ?? null,
      holdTtlSeconds: options.holdTtlSeconds ?? 600,
      codes: [options.code ?? `CODE${Math.random().toString(36).slice(2, 8)}`],
      ...(options.fallbackOfferId ? { fallbackOfferId: options.fallbackOfferId } : {}),
      ...(options.endsWithStream ? { endsWithStream: true } : {}),
    },
  });
  if (created.statusCode !== 201) throw new Error(`offer not created: ${created.body}`);
  const offerId = created.json().id as string;
  for (const [action, payload] of [
    ['approve', undefined],
    ['arm', { units: options.units }],
    ['go-live', undefined],
  ] as const) {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/offers/${offerId}/${action}`,
      headers,
      ...(payload ? { payload } : {}),
    });
    if (response.statusCode !== 200) throw new Error(`${action} failed: ${response.body}`);
  }
  return { offerId, skuId };
}

export async function claim(
  app: FastifyInstance,
  offerId: string,
  shopper: string,
  options: { key?: string; quantity?: number } = {},
) {
  return app.inject({
    method: 'POST',
    url: `/api/v1/public/offers/${offerId}/claims`,
    headers: options.key ? { 'idempotency-key': options.key } : {},
    payload: { shopper, quantity: options.quantity ?? 1 },
  });
}
