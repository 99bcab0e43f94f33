import { z } from 'zod';
import {
  commonErrors,
  emailSchema,
  errorResponse,
  type Routes,
  roleSchema,
  timestamp,
  typed,
} from '../http/route-context.js';
import { clearSessionCookie, setSessionCookie } from '../http/session-cookie.js';
import { permissions } from '../modules/access/index.js';
import {
  acceptInvitation,
  describeInvitation,
  describeMe,
  signIn,
  switchContext,
} from './account.workflow.js';

const meSchema = z
  .object({
    user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
    organizations: z.array(
      z.object({ id: z.string(), name: z.string(), slug: z.string(), role: roleSchema }),
    ),
    activeOrganizationId: z.string().nullable(),
    activeBrandId: z.string().nullable(),
    role: roleSchema.nullable(),
    permissions: z.array(z.enum(permissions)),
  })
  .meta({ id: 'Me' });

const passwordInput = z.string().min(1, 'is required').max(1024);

export const accountRoutes: Routes = (app, { services, auth }) => {
  const api = typed(app);

  api.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['account'],
        summary: 'Sign in with e-mail and password; sets the session cookie',
        body: z.object({ email: emailSchema, password: passwordInput }),
        response: { 200: meSchema, 400: errorResponse, 401: errorResponse, 429: errorResponse },
      },
    },
    async (request, reply) => {
      const { me, token } = await signIn(services, { ...request.body, address: request.ip });
      setSessionCookie(request, reply, token);
      return me;
    },
  );

  api.post(
    '/api/v1/auth/logout',
    { schema: { tags: ['account'], summary: 'Sign out and end the session' } },
    async (request, reply) => {
      const signedIn = await auth.signedInUser(request);
      if (signedIn) await services.identity.endSession(signedIn.token);
      clearSessionCookie(request, reply);
      return reply.status(204).send();
    },
  );

  api.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['account'],
        summary: 'The signed-in user, their organisations and the active context',
        response: { 200: meSchema, 401: errorResponse },
      },
    },
    async (request) => {
      const { user, session } = await auth.requireSignedIn(request);
      return describeMe(services, user, session);
    },
  );

  api.put(
    '/api/v1/me/context',
    {
      schema: {
        tags: ['account'],
        summary: 'Switch the organisation and brand this session works in',
        body: z.object({
          organizationId: z.uuid('must be a UUID'),
          brandId: z.uuid('must be a UUID').nullable().default(null),
        }),
        response: { 200: meSchema, ...commonErrors },
      },
    },
    async (request) => {
      const { user, session } = await auth.requireSignedIn(request);
      return switchContext(services, { user, sessionId: session.id }, request.body);
    },
  );

  const tokenParams = z.object({ token: z.string().min(10).max(200) });

  api.get(
    '/api/v1/public/invitations/:token',
    {
      schema: {
        tags: ['account'],
        summary: 'What an invitation link offers',
        params: tokenParams,
        response: {
          200: z.object({
            email: z.string(),
            role: roleSchema,
            organizationName: z.string(),
            expiresAt: timestamp,
          }),
          404: errorResponse,
        },
      },
    },
    async (request) => describeInvitation(services, request.params.token),
  );

  api.post(
    '/api/v1/public/invitations/:token/accept',
    {
      schema: {
        tags: ['account'],
        summary: 'Accept an invitation: join the organisation and sign in',
        params: tokenParams,
        body: z.object({
          name: z.string().trim().min(1, 'is required').max(200),
          password: passwordInput,
        }),
        response: { 200: meSchema, ...commonErrors, 409: errorResponse, 429: errorResponse },
      },
    },
    async (request, reply) => {
      const { me, token } = await acceptInvitation(services, {
        token: request.params.token,
        ...request.body,
        address: request.ip,
      });
      setSessionCookie(request, reply, token);
      return me;
    },
  );
};
