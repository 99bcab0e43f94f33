import { Readable } from 'node:stream';
import { z } from 'zod';
import { commonErrors, type Routes, secured, timestamp, typed } from '../../http/route-context.js';
import { maxPageSize } from './audit.service.js';
import { exportFormats } from './audit-export.js';

const dateTime = z.coerce.date({ error: 'must be an ISO 8601 date-time' });

const entryFilters = z.object({
  action: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]+)+$/, 'must be a dotted action such as offer.paused')
    .optional(),
  subjectType: z.string().trim().min(1).max(60).optional(),
  subjectId: z.string().trim().min(1).max(200).optional(),
  from: dateTime.optional().meta({ description: 'Entries at or after this time (UTC)' }),
  to: dateTime.optional().meta({ description: 'Entries before this time (UTC)' }),
});

const entrySchema = z
  .object({
    id: z.string(),
    sequence: z.number().int(),
    occurredAt: timestamp,
    actor: z.object({
      kind: z.enum(['user', 'token', 'system']),
      id: z.string().nullable(),
      role: z.string().nullable(),
      name: z.string().nullable(),
    }),
    action: z.string(),
    subjectType: z.string(),
    subjectId: z.string(),
    reason: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

const verifyReport = z
  .discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), entries: z.number().int() }),
    z.object({
      ok: z.literal(false),
      firstBadSequence: z.number().int(),
      entryId: z.string().nullable(),
      reason: z.enum(['hash_mismatch', 'broken_link', 'gap']),
      entries: z.number().int(),
    }),
  ])
  .meta({ id: 'AuditVerifyReport' });

export const auditRoutes: Routes = (app, { services, auth }) => {
  const api = typed(app);
  const { audit, organizations } = services;

  api.get(
    '/api/v1/audit/entries',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit entries of the organisation, newest first',
        description:
          "Filter by action, subject and time; page with `cursor` (the previous answer's `nextCursor`). `timezone` is the organisation's, for showing times.",
        security: secured,
        querystring: entryFilters.extend({
          cursor: z
            .string()
            .regex(/^\d{1,10}$/, 'must be a nextCursor from a previous page')
            .optional(),
          limit: z.coerce.number().int().min(1).max(maxPageSize).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(entrySchema),
            nextCursor: z.string().nullable(),
            timezone: z.string(),
          }),
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const actor = await auth.requireActor(request);
      const page = await audit.list(actor, request.query);
      const organization = await organizations.findOrganization(actor.organizationId);
      return { ...page, timezone: organization?.timezone ?? 'UTC' };
    },
  );

  api.get(
    '/api/v1/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Check the hash chain and report the first entry that does not match',
        description:
          "Recomputes every entry's hash, checks each `prevHash` against the entry before and that sequences have no gaps. `gap`: a missing row; `broken_link`: a row replaced or moved; `hash_mismatch`: a row edited.",
        security: secured,
        response: { 200: verifyReport, ...commonErrors },
      },
    },
    async (request) => audit.verifyAs(await auth.requireActor(request)),
  );

  api.get(
    '/api/v1/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary: 'Download the audit log as CSV or JSON, oldest first',
        description:
          'CSV has a header row; `data` is a JSON column. The JSON export keeps every field exactly as hashed, so the chain can be checked outside Mydrop (format in docs/architecture.md).',
        security: secured,
        querystring: entryFilters.extend({ format: z.enum(exportFormats).default('csv') }),
      },
    },
    async (request, reply) => {
      const { format, ...filters } = request.query;
      const download = audit.export(await auth.requireActor(request), format, filters);
      return reply
        .type(download.mediaType)
        .header('content-disposition', `attachment; filename="${download.filename}"`)
        .send(Readable.from(download.chunks));
    },
  );
};
