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
  commentSchema,
  diffQuery,
  diffSchema,
  documentFilter,
  documentInput,
  documentSchema,
  documentSummarySchema,
  reviewInput,
  reviewRoundSchema,
  submitInput,
  versionInput,
  versionParams,
  versionSchema,
  waitingQuery,
  waitingSchema,
} from './approvals.schemas.js';

/** Versioned documents, their line diffs, review rounds and the waiting dashboard. */
export const documentsRoutes: Routes = (app, { services, auth }) => {
  const api = typed(app);
  const { documents, reviews } = services;
  const tags = ['approvals'];
  const conflict = { 409: errorResponse };

  api.get(
    '/api/v1/documents',
    {
      schema: {
        tags,
        summary: 'Documents with their status and whom they wait on',
        security: secured,
        querystring: documentFilter,
        response: { 200: z.object({ items: z.array(documentSummarySchema) }), ...commonErrors },
      },
    },
    async (request) => ({
      items: await documents.list(await auth.requireActor(request), request.query),
    }),
  );

  api.post(
    '/api/v1/documents',
    {
      schema: {
        tags,
        summary: 'Create a document; its text becomes version 1',
        security: secured,
        body: documentInput,
        response: { 201: documentSchema, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await documents.create(await auth.requireActor(request), request.body)),
  );

  api.get(
    '/api/v1/documents/:id',
    {
      schema: {
        tags,
        summary: 'A document: current version, approval and its newest review round',
        security: secured,
        params: idParams,
        response: { 200: documentSchema, ...commonErrors },
      },
    },
    async (request) => documents.get(await auth.requireActor(request), request.params.id),
  );

  api.patch(
    '/api/v1/documents/:id',
    {
      schema: {
        tags,
        summary: 'Rename a document (the approval is bound to the text, not the title)',
        security: secured,
        params: idParams,
        body: z.object({ title: z.string().trim().min(1, 'is required').max(200) }),
        response: { 200: documentSchema, ...commonErrors },
      },
    },
    async (request) =>
      documents.rename(await auth.requireActor(request), request.params.id, request.body.title),
  );

  api.delete(
    '/api/v1/documents/:id',
    {
      schema: {
        tags,
        summary: 'Delete a document never submitted for review',
        security: secured,
        params: idParams,
        response: { 204: noContent, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => {
      await documents.remove(await auth.requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/api/v1/documents/:id/versions',
    {
      schema: {
        tags,
        summary: 'Save a new version',
        description:
          'Every save is a version. It voids the review under way and any approval: an approval is bound to the content hash of the version approved.',
        security: secured,
        params: idParams,
        body: versionInput,
        response: { 201: versionSchema, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await documents.saveVersion(
            await auth.requireActor(request),
            request.params.id,
            request.body,
          ),
        ),
  );

  api.get(
    '/api/v1/documents/:id/versions',
    {
      schema: {
        tags,
        summary: 'Versions, newest first (without their text)',
        security: secured,
        params: idParams,
        response: {
          200: z.object({ items: z.array(versionSchema.omit({ content: true })) }),
          ...commonErrors,
        },
      },
    },
    async (request) => ({
      items: await documents.versions(await auth.requireActor(request), request.params.id),
    }),
  );

  api.get(
    '/api/v1/documents/:id/versions/:versionId',
    {
      schema: {
        tags,
        summary: "A version's text with the line comments reviewers left on it",
        security: secured,
        params: versionParams,
        response: {
          200: versionSchema.extend({ comments: z.array(commentSchema) }),
          ...commonErrors,
        },
      },
    },
    async (request) =>
      documents.version(
        await auth.requireActor(request),
        request.params.id,
        request.params.versionId,
      ),
  );

  api.get(
    '/api/v1/documents/:id/diff',
    {
      schema: {
        tags,
        summary: 'Line-by-line diff between two versions, by version number',
        security: secured,
        params: idParams,
        querystring: diffQuery,
        response: { 200: diffSchema, ...commonErrors },
      },
    },
    async (request) =>
      documents.diff(
        await auth.requireActor(request),
        request.params.id,
        request.query.from,
        request.query.to,
      ),
  );

  api.post(
    '/api/v1/documents/:id/submit',
    {
      schema: {
        tags,
        summary: "Submit the current version for review along the campaign's matrix",
        description:
          'Opens the first stage: each role gets an assignment due at the end of the SLA window (24 hours when the document was returned).',
        security: secured,
        params: idParams,
        body: submitInput,
        response: { 201: reviewRoundSchema, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await reviews.submit(
            await auth.requireActor(request),
            request.params.id,
            request.body ?? {},
          ),
        ),
  );

  api.post(
    '/api/v1/documents/:id/reviews',
    {
      schema: {
        tags,
        summary: 'Approve the version under review, or return it with line comments',
        description:
          'Only the role the open stage names may decide. A generated version is approved only by a signed-in person, never an API token.',
        security: secured,
        params: idParams,
        body: reviewInput,
        response: { 200: reviewRoundSchema, ...commonErrors, ...conflict },
      },
    },
    async (request) =>
      reviews.review(await auth.requireActor(request), request.params.id, request.body),
  );

  api.get(
    '/api/v1/documents/:id/reviews',
    {
      schema: {
        tags,
        summary: 'Review rounds, newest first, with every decision',
        security: secured,
        params: idParams,
        response: { 200: z.object({ items: z.array(reviewRoundSchema) }), ...commonErrors },
      },
    },
    async (request) => ({
      items: await reviews.history(await auth.requireActor(request), request.params.id),
    }),
  );

  api.get(
    '/api/v1/approvals/waiting',
    {
      schema: {
        tags,
        summary: 'What is waiting on whom, and how late',
        security: secured,
        querystring: waitingQuery,
        response: { 200: waitingSchema, ...commonErrors },
      },
    },
    async (request) => reviews.waiting(await auth.requireActor(request), request.query),
  );
};
