import { z } from 'zod';
import {
  commonErrors,
  errorResponse,
  idParams,
  noContent,
  type Routes,
  secured,
  typed,
} from '../../http/route-context.js';
import {
  businessCalendarInput,
  businessCalendarSchema,
  campaignChanges,
  campaignInput,
  campaignSchema,
  matrixInput,
  matrixSchema,
} from './approvals.schemas.js';

/** Campaigns with their decisions, the approvals matrix per campaign, the business calendar. */
export const campaignsRoutes: Routes = (app, { services, auth }) => {
  const api = typed(app);
  const { campaigns, businessCalendar } = services;
  const tags = ['approvals'];

  api.get(
    '/api/v1/campaigns',
    {
      schema: {
        tags,
        summary: 'Campaigns (drops and 30-day programs), newest first',
        security: secured,
        querystring: z.object({ brandId: z.uuid('must be a UUID').optional() }),
        response: { 200: z.object({ items: z.array(campaignSchema) }), ...commonErrors },
      },
    },
    async (request) => ({
      items: await campaigns.list(await auth.requireActor(request), request.query),
    }),
  );

  api.post(
    '/api/v1/campaigns',
    {
      schema: {
        tags,
        summary: 'Create a campaign; its decisions pick the default approvals matrix',
        security: secured,
        body: campaignInput,
        response: { 201: campaignSchema, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await campaigns.create(await auth.requireActor(request), request.body)),
  );

  api.get(
    '/api/v1/campaigns/:id',
    {
      schema: {
        tags,
        summary: 'One campaign',
        security: secured,
        params: idParams,
        response: { 200: campaignSchema, ...commonErrors },
      },
    },
    async (request) => campaigns.get(await auth.requireActor(request), request.params.id),
  );

  api.patch(
    '/api/v1/campaigns/:id',
    {
      schema: {
        tags,
        summary: 'Change a campaign',
        description:
          'Changed decisions re-derive the approvals matrix unless it was edited; an edited matrix is kept.',
        security: secured,
        params: idParams,
        body: campaignChanges,
        response: { 200: campaignSchema, ...commonErrors },
      },
    },
    async (request) =>
      campaigns.update(await auth.requireActor(request), request.params.id, request.body),
  );

  api.delete(
    '/api/v1/campaigns/:id',
    {
      schema: {
        tags,
        summary: 'Delete a campaign that has no documents',
        security: secured,
        params: idParams,
        response: { 204: noContent, ...commonErrors, 409: errorResponse },
      },
    },
    async (request, reply) => {
      await campaigns.remove(await auth.requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/v1/campaigns/:id/matrix',
    {
      schema: {
        tags,
        summary: "The campaign's approvals matrix, with the playbook defaults for its decisions",
        security: secured,
        params: idParams,
        response: { 200: matrixSchema, ...commonErrors },
      },
    },
    async (request) => campaigns.getMatrix(await auth.requireActor(request), request.params.id),
  );

  api.put(
    '/api/v1/campaigns/:id/matrix',
    {
      schema: {
        tags,
        summary: "Replace the campaign's approvals matrix (one row per document type)",
        description:
          'Needs approvals.configure. Reviews under way keep the row they started with; the next submission follows the new one.',
        security: secured,
        params: idParams,
        body: matrixInput,
        response: { 200: matrixSchema, ...commonErrors },
      },
    },
    async (request) =>
      campaigns.setMatrix(await auth.requireActor(request), request.params.id, request.body.rows),
  );

  api.get(
    '/api/v1/settings/business-calendar',
    {
      schema: {
        tags,
        summary: 'Working days and holidays that business-day SLAs count on',
        security: secured,
        response: { 200: businessCalendarSchema, ...commonErrors },
      },
    },
    async (request) => businessCalendar.get(await auth.requireActor(request)),
  );

  api.put(
    '/api/v1/settings/business-calendar',
    {
      schema: {
        tags,
        summary: 'Replace the working days and holidays',
        description:
          "Days are counted in the organisation's timezone. Deadlines already set do not move.",
        security: secured,
        body: businessCalendarInput,
        response: { 200: businessCalendarSchema, ...commonErrors },
      },
    },
    async (request) => businessCalendar.set(await auth.requireActor(request), request.body),
  );
};
