import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/**
 * The API documents itself: an OpenAPI 3.1 document generated from the same zod schemas
 * that validate requests, at /api/openapi.json, and a readable reference at /api/docs.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Mydrop API',
        version,
        description:
          'Live-commerce operations: plan, govern, sell, run the show, measure. Every error answers `{"error":{"code","message","details"}}`. Authenticate with the session cookie (console) or `Authorization: Bearer <API token>` (integrations).',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'mydrop_session' },
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (mdp_...)' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
