import type { Json, Timestamp } from './column-types.js';

/** Kysely table types for the shows migration (camelCase columns; see schema.ts). */
export interface ShowsTables {
  shows: ShowsTable;
  showOffers: ShowOffersTable;
  showDocuments: ShowDocumentsTable;
  showLinkTests: ShowLinkTestsTable;
  showManualChecks: ShowManualChecksTable;
  showPolicyBundles: ShowPolicyBundlesTable;
  showAlerts: ShowAlertsTable;
  showCheckoutSamples: ShowCheckoutSamplesTable;
}

export interface RollbackContact {
  name: string;
  role: string;
  phone: string | null;
  email: string | null;
}

export interface ShowsTable {
  id: string;
  organizationId: string;
  brandId: string;
  campaignId: string | null;
  title: string;
  startsAt: Timestamp;
  endsAt: Timestamp;
  status: 'scheduled' | 'live' | 'ended';
  /** Ingest (rtmp) or playback (https) URL the stream-health check probes. */
  streamUrl: string | null;
  rollbackContacts: Json<RollbackContact[]>;
  /** ISO country codes the show sells into; empty = every country the regions serve. */
  markets: Json<string[]>;
  createdBy: string | null;
  wentLiveAt: Timestamp | null;
  wentLiveBy: string | null;
  endedAt: Timestamp | null;
  overrideReason: string | null;
  overrideBy: string | null;
  overrideFailing: Json<string[]> | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface ShowOffersTable {
  organizationId: string;
  showId: string;
  offerId: string;
  position: number;
}

export interface ShowDocumentsTable {
  organizationId: string;
  showId: string;
  documentId: string;
  /** The version the show will use; null = whatever is current when it goes live. */
  versionId: string | null;
  position: number;
}

export interface ShowLinkTestsTable {
  organizationId: string;
  showId: string;
  offerId: string;
  orderId: string;
  paymentCleared: boolean;
  recordedBy: string | null;
  recordedAt: Timestamp;
  crmTag: string | null;
  crmConfirmedVia: 'integration' | 'manual' | null;
  /** The person (manual) or API token name (integration) that saw the tag land. */
  crmConfirmedBy: string | null;
  crmConfirmedAt: Timestamp | null;
}

export interface ShowManualChecksTable {
  organizationId: string;
  showId: string;
  name: string;
  role: string;
  label: string;
  position: number;
  confirmedBy: string | null;
  confirmedByName: string | null;
  confirmedAt: Timestamp | null;
}

export interface ShowPolicyBundlesTable {
  organizationId: string;
  showId: string;
  finalCopyDocumentId: string;
  finalCopyVersionId: string;
  checkoutScreenshotUrl: string;
  legalExceptionUrl: string | null;
  note: string | null;
  submittedBy: string | null;
  submittedAt: Timestamp;
}

export interface ShowAlertsTable {
  id: string;
  organizationId: string;
  showId: string;
  kind: string;
  message: string;
  createdAt: Timestamp;
}

export interface ShowCheckoutSamplesTable {
  id: string;
  organizationId: string;
  showId: string;
  sampleNumber: number;
  sampledAt: Timestamp;
  ok: boolean;
  results: Json<CheckoutSampleResult[]>;
}

export interface CheckoutSampleResult {
  offerId: string;
  ok: boolean;
  state: string;
  detail: string;
}
