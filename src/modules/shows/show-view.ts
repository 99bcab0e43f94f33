import type { CheckoutSampleResult, RollbackContact } from '../../db/schema-shows.js';
import { policyBundleDueAt } from './show-jobs.js';
import type { ShowRecord, ShowRow } from './shows.repository.js';

export type ShowStatus = ShowRow['status'];

/** A show as the API gives it: schedule, what it sells and reads, and its gate's state. */
export interface Show {
  id: string;
  brandId: string;
  brandName: string;
  /** The brand's timezone, for display; stored times are UTC. */
  timezone: string;
  campaignId: string | null;
  operatingModel: string | null;
  title: string;
  startsAt: Date;
  endsAt: Date;
  status: ShowStatus;
  streamUrl: string | null;
  rollbackContacts: RollbackContact[];
  markets: string[];
  offers: Array<{ offerId: string; title: string; status: string; code: string | null }>;
  documents: Array<{ documentId: string; versionId: string | null }>;
  manualChecks: Array<{
    name: string;
    role: string;
    label: string;
    confirmedByName: string | null;
    confirmedAt: Date | null;
  }>;
  linkTests: Array<{
    offerId: string;
    orderId: string;
    paymentCleared: boolean;
    recordedAt: Date;
    crmTag: string | null;
    crmConfirmedVia: 'integration' | 'manual' | null;
    crmConfirmedBy: string | null;
    crmConfirmedAt: Date | null;
  }>;
  policyBundle: {
    required: boolean;
    dueAt: Date;
    submitted: {
      finalCopyDocumentId: string;
      finalCopyVersionId: string;
      checkoutScreenshotUrl: string;
      legalExceptionUrl: string | null;
      note: string | null;
      submittedAt: Date;
    } | null;
  };
  alerts: Array<{ id: string; kind: string; message: string; createdAt: Date }>;
  checkoutSamples: Array<{
    sampleNumber: number;
    sampledAt: Date;
    ok: boolean;
    results: CheckoutSampleResult[];
  }>;
  wentLiveAt: Date | null;
  endedAt: Date | null;
  override: { reason: string; byUserId: string | null; failing: string[] } | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A row of the calendar: the schedule without the gate's details. */
export interface ShowSummary {
  id: string;
  brandId: string;
  brandName: string;
  timezone: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  status: ShowStatus;
}

export interface ShowContext {
  brand: { name: string; timezone: string } | undefined;
  operatingModel: string | null;
  policyBundleRequired: boolean;
  offers: Map<string, { title: string; status: string; codes: string[] }>;
}

export function presentShow(record: ShowRecord, context: ShowContext): Show {
  const { show } = record;
  const bundle = record.policyBundle;
  return {
    id: show.id,
    brandId: show.brandId,
    brandName: context.brand?.name ?? '',
    timezone: context.brand?.timezone ?? 'UTC',
    campaignId: show.campaignId,
    operatingModel: context.operatingModel,
    title: show.title,
    startsAt: show.startsAt,
    endsAt: show.endsAt,
    status: show.status,
    streamUrl: show.streamUrl,
    rollbackContacts: show.rollbackContacts,
    markets: show.markets,
    offers: record.offers.map(({ offerId }) => {
      const offer = context.offers.get(offerId);
      return {
        offerId,
        title: offer?.title ?? 'Deleted offer',
        status: offer?.status ?? 'missing',
        code: offer?.codes[0] ?? null,
      };
    }),
    documents: record.documents.map(({ documentId, versionId }) => ({ documentId, versionId })),
    manualChecks: record.manualChecks.map(
      ({ name, role, label, confirmedByName, confirmedAt }) => ({
        name,
        role,
        label,
        confirmedByName,
        confirmedAt,
      }),
    ),
    linkTests: record.linkTests.map((test) => ({
      offerId: test.offerId,
      orderId: test.orderId,
      paymentCleared: test.paymentCleared,
      recordedAt: test.recordedAt,
      crmTag: test.crmTag,
      crmConfirmedVia: test.crmConfirmedVia,
      crmConfirmedBy: test.crmConfirmedBy,
      crmConfirmedAt: test.crmConfirmedAt,
    })),
    policyBundle: {
      required: context.policyBundleRequired,
      dueAt: policyBundleDueAt(show.startsAt),
      submitted: bundle
        ? {
            finalCopyDocumentId: bundle.finalCopyDocumentId,
            finalCopyVersionId: bundle.finalCopyVersionId,
            checkoutScreenshotUrl: bundle.checkoutScreenshotUrl,
            legalExceptionUrl: bundle.legalExceptionUrl,
            note: bundle.note,
            submittedAt: bundle.submittedAt,
          }
        : null,
    },
    alerts: record.alerts.map(({ id, kind, message, createdAt }) => ({
      id,
      kind,
      message,
      createdAt,
    })),
    checkoutSamples: record.samples.map(({ sampleNumber, sampledAt, ok, results }) => ({
      sampleNumber,
      sampledAt,
      ok,
      results,
    })),
    wentLiveAt: show.wentLiveAt,
    endedAt: show.endedAt,
    override: show.overrideReason
      ? {
          reason: show.overrideReason,
          byUserId: show.overrideBy,
          failing: show.overrideFailing ?? [],
        }
      : null,
    createdAt: show.createdAt,
    updatedAt: show.updatedAt,
  };
}
