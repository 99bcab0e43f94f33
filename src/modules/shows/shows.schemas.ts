import { z } from 'zod';
import { timestamp } from '../../http/route-context.js';
import { streamUrlSchemes } from './stream-probe.js';

const uuid = z.uuid('must be a UUID');
const country = z.string().regex(/^[A-Za-z]{2}$/, 'must be a 2-letter ISO 3166 country code');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000);

export const streamUrl = z
  .string()
  .trim()
  .max(2000)
  .refine(
    (value) => {
      try {
        return (streamUrlSchemes as readonly string[]).includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: 'must be an http(s) playback URL or an rtmp(s) ingest URL' },
  );

export const rollbackContact = z
  .object({
    name: z.string().trim().min(1, 'is required').max(120),
    role: z.string().trim().max(120).default(''),
    phone: z.string().trim().min(3).max(40).nullable().default(null),
    email: z.email('must be an e-mail address').max(254).nullable().default(null),
  })
  .refine((contact) => contact.phone !== null || contact.email !== null, {
    message: 'needs a phone or an e-mail',
    path: ['phone'],
  });

const showFields = {
  campaignId: uuid.nullable(),
  title: z.string().trim().min(1, 'is required').max(200),
  startsAt: z.coerce.date(),
  endsAt: z.coerce.date(),
  streamUrl: streamUrl.nullable(),
  rollbackContacts: z.array(rollbackContact).max(20),
  markets: z.array(country).max(100),
};

export const showInput = z.object({
  brandId: uuid,
  ...showFields,
  campaignId: showFields.campaignId.default(null),
  streamUrl: showFields.streamUrl.default(null),
  rollbackContacts: showFields.rollbackContacts.default([]),
  markets: showFields.markets.default([]),
});

export const showChanges = z.object(showFields).partial();

export const calendarQuery = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  brandId: uuid.optional(),
});

export const offersInput = z.object({ offerIds: z.array(uuid).max(20) });

export const documentsInput = z.object({
  documents: z
    .array(z.object({ documentId: uuid, versionId: uuid.nullable().default(null) }))
    .max(20),
});

export const linkTestInput = z.object({ offerId: uuid, orderId: uuid });

export const crmConfirmationInput = z.object({
  confirmedBy: z
    .string()
    .trim()
    .min(1, 'name the person who saw the tag in the CRM')
    .max(120)
    .optional()
    .meta({ description: 'Required when a person confirms; an API token confirms as itself' }),
  crmTag: z.string().trim().min(1).max(200).optional(),
});

export const crmCallbackInput = z.object({
  orderId: uuid,
  crmTag: z.string().trim().min(1).max(200).optional(),
});

export const goLiveInput = z
  .object({
    override: z
      .object({
        reason: z
          .string({ error: 'is required' })
          .trim()
          .min(1, 'is required: say why the show goes live anyway')
          .max(2000),
      })
      .optional()
      .meta({
        description:
          'Emergency override: goes live despite failing checks. Needs shows.override (the owner); audited; schedules hourly checkout sampling for six hours.',
      }),
  })
  .nullish();

export const policyBundleInput = z.object({
  finalCopyDocumentId: uuid,
  finalCopyVersionId: uuid.optional(),
  checkoutScreenshotUrl: httpUrl,
  legalExceptionUrl: httpUrl.nullable().optional(),
  note: z.string().trim().max(2000).nullable().optional(),
});

export const checkNameParams = z.object({
  id: uuid,
  name: z.string().regex(/^[a-z_]{1,60}$/, 'must be a check name such as host_ready'),
});

export const offerParams = z.object({ id: uuid, offerId: uuid });

export const preflightCheckSchema = z.object({
  name: z.string(),
  label: z.string(),
  kind: z.enum(['automatic', 'manual']),
  passed: z.boolean(),
  detail: z.string(),
  role: z.string().optional(),
});

export const preflightSchema = z
  .object({
    showId: z.string(),
    ready: z.boolean(),
    failing: z.array(z.string()),
    checks: z.array(preflightCheckSchema),
    checkedAt: timestamp,
  })
  .meta({ id: 'Preflight' });

export const showSummarySchema = z
  .object({
    id: z.string(),
    brandId: z.string(),
    brandName: z.string(),
    timezone: z.string(),
    title: z.string(),
    startsAt: timestamp,
    endsAt: timestamp,
    status: z.enum(['scheduled', 'live', 'ended']),
  })
  .meta({ id: 'ShowSummary' });

export const showSchema = showSummarySchema
  .extend({
    campaignId: z.string().nullable(),
    operatingModel: z.string().nullable(),
    streamUrl: z.string().nullable(),
    rollbackContacts: z.array(
      z.object({
        name: z.string(),
        role: z.string(),
        phone: z.string().nullable(),
        email: z.string().nullable(),
      }),
    ),
    markets: z.array(z.string()),
    offers: z.array(
      z.object({
        offerId: z.string(),
        title: z.string(),
        status: z.string(),
        code: z.string().nullable(),
        link: z.string().meta({ description: 'The storefront URL the broadcast shows' }),
      }),
    ),
    documents: z.array(z.object({ documentId: z.string(), versionId: z.string().nullable() })),
    manualChecks: z.array(
      z.object({
        name: z.string(),
        role: z.string(),
        label: z.string(),
        confirmedByName: z.string().nullable(),
        confirmedAt: timestamp.nullable(),
      }),
    ),
    linkTests: z.array(
      z.object({
        offerId: z.string(),
        orderId: z.string(),
        paymentCleared: z.boolean(),
        recordedAt: timestamp,
        crmTag: z.string().nullable(),
        crmConfirmedVia: z.enum(['integration', 'manual']).nullable(),
        crmConfirmedBy: z.string().nullable(),
        crmConfirmedAt: timestamp.nullable(),
      }),
    ),
    policyBundle: z.object({
      required: z.boolean(),
      dueAt: timestamp,
      submitted: z
        .object({
          finalCopyDocumentId: z.string(),
          finalCopyVersionId: z.string(),
          checkoutScreenshotUrl: z.string(),
          legalExceptionUrl: z.string().nullable(),
          note: z.string().nullable(),
          submittedAt: timestamp,
        })
        .nullable(),
    }),
    alerts: z.array(
      z.object({ id: z.string(), kind: z.string(), message: z.string(), createdAt: timestamp }),
    ),
    checkoutSamples: z.array(
      z.object({
        sampleNumber: z.number().int(),
        sampledAt: timestamp,
        ok: z.boolean(),
        results: z.array(
          z.object({ offerId: z.string(), ok: z.boolean(), state: z.string(), detail: z.string() }),
        ),
      }),
    ),
    wentLiveAt: timestamp.nullable(),
    endedAt: timestamp.nullable(),
    override: z
      .object({ reason: z.string(), byUserId: z.string().nullable(), failing: z.array(z.string()) })
      .nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Show' });
