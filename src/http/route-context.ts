import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roles } from '../modules/access/index.js';
import type { Services } from '../services.js';
import type { Authenticator } from './authenticate.js';
import type { DirectRoutes } from './direct-routes.js';

export interface RouteContext {
  services: Services;
  auth: Authenticator;
  baseUrl: string;
  /** Routes answered ahead of Fastify's pipeline (each also registered with Fastify). */
  direct: DirectRoutes;
}

export type Routes = (app: FastifyInstance, context: RouteContext) => void;

export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

/** Shared pieces of the API's schemas. */
export const errorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()),
    }),
  })
  .meta({ id: 'Error' });

export const idParams = z.object({ id: z.uuid('must be a UUID') });
export const roleSchema = z.enum(roles);
export const timestamp = z.date().meta({ description: 'UTC timestamp, ISO 8601' });
export const emailSchema = z.email('must be an e-mail address').max(254);

/** The error responses most authenticated routes can give, for the OpenAPI document. */
export const commonErrors = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
};

export const secured = [{ session: [] }, { bearer: [] }];

export const noContent = z.null().meta({ description: 'No content' });
