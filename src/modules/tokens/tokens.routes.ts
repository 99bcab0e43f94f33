import { z } from 'zod';
import {
  commonErrors,
  idParams,
  noContent,
  type Routes,
  roleSchema,
  secured,
  timestamp,
  typed,
} from '../../http/route-context.js';

const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    prefix: z.string().meta({ description: 'The first characters, to recognise the token' }),
    createdAt: timestamp,
    lastUsedAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'ApiToken' });

export const tokensRoutes: Routes = (app, { services, auth }) => {
  const api = typed(app);

  api.get(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: "The organisation's API tokens (never the secrets)",
        security: secured,
        response: { 200: z.object({ items: z.array(tokenSchema) }), ...commonErrors },
      },
    },
    async (request) => ({ items: await services.tokens.list(await auth.requireActor(request)) }),
  );

  api.post(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; the secret is in this answer and never again',
        security: secured,
        body: z.object({
          name: z.string().trim().min(1, 'is required').max(120),
          role: roleSchema,
        }),
        response: { 201: tokenSchema.extend({ token: z.string() }), ...commonErrors },
      },
    },
    async (request, reply) => {
      const { apiToken, token } = await services.tokens.create(
        await auth.requireActor(request),
        request.body,
      );
      return reply.status(201).send({ ...apiToken, token });
    },
  );

  api.delete(
    '/api/v1/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token at once',
        security: secured,
        params: idParams,
        response: { 204: noContent, ...commonErrors },
      },
    },
    async (request, reply) => {
      await services.tokens.revoke(await auth.requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
