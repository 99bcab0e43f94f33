import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type ZodRouteSchema = Parameters<typeof validatorCompiler>[0];

/** The public contract's checkout body: the shopper's details and payment. */
export const checkoutDetailsBody = z.object({
  email: z.email('must be an e-mail address').max(254),
  name: z.string().trim().min(1, 'is required').max(200),
  address: z.object({
    line1: z.string().trim().min(1, 'is required').max(200),
    line2: z.string().max(200).optional(),
    city: z.string().trim().min(1, 'is required').max(100),
    postalCode: z.string().trim().min(1, 'is required').max(20),
    country: z.string().regex(/^[A-Za-z]{2}$/, 'must be a 2-letter ISO 3166 country code'),
  }),
  payment: z.object({
    provider: z.string().min(1).default('sandbox'),
    token: z.string().min(1, 'is required').max(200),
  }),
  saveProfile: z.boolean().optional().meta({
    description:
      'Save these details and the payment method for one-click checkout; the answer then carries the profile token',
  }),
});

/** One-click checkout: a saved profile's token instead of the details. */
export const profileCheckoutBody = z.object({
  profile: z.string().min(1, 'is required').max(200).meta({
    description: 'The token a checkout with saveProfile answered',
  }),
});

export const checkoutBody = z.union([checkoutDetailsBody, profileCheckoutBody]);

export const checkoutAnswer = z.object({
  orderId: z.string(),
  profile: z.string().optional().meta({
    description:
      'With saveProfile: the new profile token for one-click checkout, shown only in this answer',
  }),
});

const detailFields = ['email', 'name', 'address', 'payment', 'saveProfile'] as const;

/**
 * The checkout body's validator. A union's failure would name no field, so a body with
 * `profile` is checked as a one-click checkout and any other as the details form: each
 * problem names its field as the rest of the API does.
 */
export const checkoutValidator: FastifySchemaCompiler<unknown> = (route) => {
  const compile = (schema: unknown) =>
    validatorCompiler({ ...route, schema } as unknown as ZodRouteSchema);
  if (route.httpPart !== 'body') return compile(route.schema);
  const withDetails = compile(checkoutDetailsBody);
  const withProfile = compile(profileCheckoutBody);
  return (data) => {
    if (typeof data !== 'object' || data === null || !('profile' in data)) {
      return withDetails(data);
    }
    const mixed = detailFields.filter((field) => field in data);
    if (mixed.length > 0) {
      const message = `cannot be combined with ${mixed.join(', ')}: send a profile or the details`;
      return { error: [{ instancePath: '/profile', message }] as never };
    }
    return withProfile(data);
  };
};
