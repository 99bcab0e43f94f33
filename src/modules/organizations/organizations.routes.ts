import { z } from 'zod';
import {
  commonErrors,
  emailSchema,
  errorResponse,
  idParams,
  noContent,
  type Routes,
  roleSchema,
  secured,
  timestamp,
  typed,
} from '../../http/route-context.js';
import { permissions, roleDescriptions, rolePermissions, roles } from '../access/index.js';

const brandSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    currency: z.string(),
    timezone: z.string(),
    createdAt: timestamp,
  })
  .meta({ id: 'Brand' });

const timezoneSchema = z
  .string()
  .refine((zone) => Intl.supportedValuesOf('timeZone').includes(zone) || zone === 'UTC', {
    message: 'must be an IANA time zone such as Europe/Paris',
  });

const brandInput = z.object({
  name: z.string().trim().min(1, 'is required').max(120),
  slug: z
    .string()
    .regex(/^[a-z0-9-]{1,60}$/, 'must be lowercase letters, digits and dashes')
    .optional(),
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO 4217 code such as EUR'),
  timezone: timezoneSchema.default('UTC'),
});

// No defaults here: a field left out of a PATCH stays as it is.
const brandChanges = z.object({
  name: brandInput.shape.name.optional(),
  currency: brandInput.shape.currency.optional(),
  timezone: timezoneSchema.optional(),
});

const memberSchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    role: roleSchema,
    createdAt: timestamp,
  })
  .meta({ id: 'Member' });

const invitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: roleSchema,
    createdAt: timestamp,
    expiresAt: timestamp,
    acceptedAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'Invitation' });

const userParams = z.object({ userId: z.uuid('must be a UUID') });

export const organizationsRoutes: Routes = (app, { services, auth, baseUrl }) => {
  const api = typed(app);
  const { organizations, invitations, identity } = services;

  api.get(
    '/api/v1/roles',
    {
      schema: {
        tags: ['organisation'],
        summary: 'The roles and what each may do',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                role: roleSchema,
                description: z.string(),
                permissions: z.array(z.enum(permissions)),
              }),
            ),
          }),
        },
      },
    },
    async () => ({
      items: roles.map((role) => ({
        role,
        description: roleDescriptions[role],
        permissions: [...rolePermissions[role]],
      })),
    }),
  );

  api.get(
    '/api/v1/brands',
    {
      schema: {
        tags: ['organisation'],
        summary: 'Brands of the organisation',
        security: secured,
        response: { 200: z.object({ items: z.array(brandSchema) }), ...commonErrors },
      },
    },
    async (request) => ({
      items: await organizations.listBrands(await auth.requireActor(request)),
    }),
  );

  api.post(
    '/api/v1/brands',
    {
      schema: {
        tags: ['organisation'],
        summary: 'Create a brand',
        security: secured,
        body: brandInput,
        response: { 201: brandSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request, reply) => {
      const brand = await organizations.createBrand(await auth.requireActor(request), request.body);
      return reply.status(201).send(brand);
    },
  );

  api.get(
    '/api/v1/brands/:id',
    {
      schema: {
        tags: ['organisation'],
        summary: 'One brand',
        security: secured,
        params: idParams,
        response: { 200: brandSchema, ...commonErrors },
      },
    },
    async (request) => organizations.getBrand(await auth.requireActor(request), request.params.id),
  );

  api.patch(
    '/api/v1/brands/:id',
    {
      schema: {
        tags: ['organisation'],
        summary: 'Rename a brand or change its currency or time zone',
        security: secured,
        params: idParams,
        body: brandChanges,
        response: { 200: brandSchema, ...commonErrors },
      },
    },
    async (request) =>
      organizations.updateBrand(await auth.requireActor(request), request.params.id, request.body),
  );

  api.get(
    '/api/v1/members',
    {
      schema: {
        tags: ['organisation'],
        summary: 'People in the organisation and their roles',
        security: secured,
        response: { 200: z.object({ items: z.array(memberSchema) }), ...commonErrors },
      },
    },
    async (request) => {
      const members = await organizations.listMembers(await auth.requireActor(request));
      const users = await identity.findUsersByIds(members.map((member) => member.userId));
      const byId = new Map(users.map((user) => [user.id, user]));
      return {
        items: members.map((member) => ({
          ...member,
          email: byId.get(member.userId)?.email ?? '',
          name: byId.get(member.userId)?.name ?? '',
        })),
      };
    },
  );

  api.patch(
    '/api/v1/members/:userId',
    {
      schema: {
        tags: ['organisation'],
        summary: "Change a member's role",
        security: secured,
        params: userParams,
        body: z.object({ role: roleSchema }),
        response: { 200: memberSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request) => {
      const actor = await auth.requireActor(request);
      const member = await organizations.changeMemberRole(
        actor,
        request.params.userId,
        request.body.role,
      );
      const [user] = await identity.findUsersByIds([member.userId]);
      return { ...member, email: user?.email ?? '', name: user?.name ?? '' };
    },
  );

  api.delete(
    '/api/v1/members/:userId',
    {
      schema: {
        tags: ['organisation'],
        summary: 'Remove a member from the organisation',
        security: secured,
        params: userParams,
        response: { 204: noContent, ...commonErrors, 409: errorResponse },
      },
    },
    async (request, reply) => {
      await organizations.removeMember(await auth.requireActor(request), request.params.userId);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/v1/invitations',
    {
      schema: {
        tags: ['organisation'],
        summary: 'Invitations sent by the organisation',
        security: secured,
        response: { 200: z.object({ items: z.array(invitationSchema) }), ...commonErrors },
      },
    },
    async (request) => ({ items: await invitations.list(await auth.requireActor(request)) }),
  );

  api.post(
    '/api/v1/invitations',
    {
      schema: {
        tags: ['organisation'],
        summary: 'Invite a person with a role; the accept link is returned once',
        security: secured,
        body: z.object({ email: emailSchema, role: roleSchema }),
        response: {
          201: invitationSchema.extend({ acceptUrl: z.string() }),
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const { invitation, token } = await invitations.invite(
        await auth.requireActor(request),
        request.body,
      );
      return reply.status(201).send({ ...invitation, acceptUrl: `${baseUrl}/invite/${token}` });
    },
  );

  api.delete(
    '/api/v1/invitations/:id',
    {
      schema: {
        tags: ['organisation'],
        summary: 'Revoke an invitation',
        security: secured,
        params: idParams,
        response: { 204: noContent, ...commonErrors, 409: errorResponse },
      },
    },
    async (request, reply) => {
      await invitations.revoke(await auth.requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
