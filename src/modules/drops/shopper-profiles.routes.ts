import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errorResponse, noContent, typed } from '../../http/route-context.js';
import type { Services } from '../../services.js';

/**
 * The shopper's own profile, named by the token in this header: a header rather than
 * `Authorization`, which belongs to members' API tokens, and rather than the URL, which logs
 * and caches keep.
 */
export const profileHeader = 'x-shopper-profile';

const profileHeaders = z.object({
  [profileHeader]: z.string().min(1, 'is required').max(200).meta({
    description: 'The profile token a checkout with saveProfile answered',
  }),
});

const profileSummary = z
  .object({
    name: z.string(),
    email: z.string().meta({ description: 'Masked, such as j***@example.com' }),
    city: z.string(),
    country: z.string(),
    paymentLabel: z.string().meta({ description: 'Such as "Visa ending 4242"' }),
  })
  .meta({ id: 'ShopperProfile' });

/** A saved shopper profile as its owner sees it, and its erasure. */
export function profileRoutes(app: FastifyInstance, services: Services): void {
  const api = typed(app);
  const { profiles } = services.shopper;

  api.get(
    '/api/v1/public/profiles/me',
    {
      schema: {
        tags: ['shopper'],
        summary: 'The saved profile for one-click checkout: name, masked e-mail, payment label',
        headers: profileHeaders,
        response: { 200: profileSummary, 400: errorResponse, 404: errorResponse },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return profiles.describeProfile(request.headers[profileHeader]);
    },
  );

  api.delete(
    '/api/v1/public/profiles/me',
    {
      schema: {
        tags: ['shopper'],
        summary: 'Forget the saved profile: its details and payment method are deleted',
        headers: profileHeaders,
        response: { 204: noContent, 400: errorResponse, 404: errorResponse },
      },
    },
    async (request, reply) => {
      await profiles.forgetProfile(request.headers[profileHeader]);
      return reply.status(204).send(null);
    },
  );
}
