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
import type { Show } from './show-view.js';
import {
  calendarQuery,
  documentsInput,
  offersInput,
  showChanges,
  showInput,
  showSchema,
  showSummarySchema,
} from './shows.schemas.js';

/** The show with each offer's commerce link: the storefront URL the broadcast shows. */
export function withLinks(show: Show, baseUrl: string) {
  return {
    ...show,
    offers: show.offers.map((offer) => ({
      ...offer,
      link: `${baseUrl}/o/${offer.offerId}${offer.code ? `?code=${encodeURIComponent(offer.code)}` : ''}`,
    })),
  };
}

const tags = ['shows'];

/** Shows on the calendar: create, move, list by date range, attach offers and documents. */
export const showsRoutes: Routes = (app, { services, auth, baseUrl }) => {
  const api = typed(app);
  const { calendar } = services.shows;

  api.get(
    '/api/v1/shows',
    {
      schema: {
        tags,
        summary: 'The calendar: shows overlapping a date range, earliest first',
        description: 'Times are UTC; each show carries its brand timezone for display.',
        security: secured,
        querystring: calendarQuery,
        response: { 200: z.object({ items: z.array(showSummarySchema) }), ...commonErrors },
      },
    },
    async (request) => ({
      items: await calendar.list(await auth.requireActor(request), request.query),
    }),
  );

  api.post(
    '/api/v1/shows',
    {
      schema: {
        tags,
        summary: 'Schedule a show',
        description:
          'Starts with the default manual checks (host ready, camera framing, CTAs queued). A show in an agency-managed campaign gets a policy-bundle deadline 72 hours before it starts.',
        security: secured,
        body: showInput,
        response: { 201: showSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const show = await calendar.create(await auth.requireActor(request), request.body);
      return reply.status(201).send(withLinks(show, baseUrl));
    },
  );

  api.get(
    '/api/v1/shows/:id',
    {
      schema: {
        tags,
        summary: 'A show with its offers, documents, checks, link tests and alerts',
        security: secured,
        params: idParams,
        response: { 200: showSchema, ...commonErrors },
      },
    },
    async (request) =>
      withLinks(await calendar.get(await auth.requireActor(request), request.params.id), baseUrl),
  );

  api.patch(
    '/api/v1/shows/:id',
    {
      schema: {
        tags,
        summary: 'Change a show (a live show keeps its time and campaign)',
        security: secured,
        params: idParams,
        body: showChanges,
        response: { 200: showSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request) =>
      withLinks(
        await calendar.update(await auth.requireActor(request), request.params.id, request.body),
        baseUrl,
      ),
  );

  api.delete(
    '/api/v1/shows/:id',
    {
      schema: {
        tags,
        summary: 'Take a show that has not gone live off the calendar',
        security: secured,
        params: idParams,
        response: { 204: noContent, ...commonErrors, 409: errorResponse },
      },
    },
    async (request, reply) => {
      await calendar.remove(await auth.requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  api.put(
    '/api/v1/shows/:id/offers',
    {
      schema: {
        tags,
        summary: "Replace the offers the show sells (of the show's brand)",
        security: secured,
        params: idParams,
        body: offersInput,
        response: { 200: showSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request) =>
      withLinks(
        await calendar.setOffers(
          await auth.requireActor(request),
          request.params.id,
          request.body.offerIds,
        ),
        baseUrl,
      ),
  );

  api.put(
    '/api/v1/shows/:id/documents',
    {
      schema: {
        tags,
        summary: 'Replace the documents the show reads, each pinned or at its current version',
        description:
          'versionId null means "whatever is current when the show goes live"; a pin must be the current or the approved version.',
        security: secured,
        params: idParams,
        body: documentsInput,
        response: { 200: showSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request) =>
      withLinks(
        await calendar.setDocuments(
          await auth.requireActor(request),
          request.params.id,
          request.body.documents,
        ),
        baseUrl,
      ),
  );
};
