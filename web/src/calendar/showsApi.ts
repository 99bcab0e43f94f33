import { api } from '../api/client';

/** Shows and their go/no-go gate, as /api/v1/shows answers. Times are ISO strings in UTC. */

export type ShowStatus = 'scheduled' | 'live' | 'ended';

export interface ShowSummary {
  id: string;
  brandId: string;
  brandName: string;
  timezone: string;
  title: string;
  startsAt: string;
  endsAt: string;
  status: ShowStatus;
}

export interface ManualCheck {
  name: string;
  role: string;
  label: string;
  confirmedByName: string | null;
  confirmedAt: string | null;
}

export interface LinkTest {
  offerId: string;
  orderId: string;
  paymentCleared: boolean;
  recordedAt: string;
  crmTag: string | null;
  crmConfirmedVia: 'integration' | 'manual' | null;
  crmConfirmedBy: string | null;
  crmConfirmedAt: string | null;
}

export interface Show extends ShowSummary {
  campaignId: string | null;
  operatingModel: string | null;
  streamUrl: string | null;
  rollbackContacts: Array<{
    name: string;
    role: string;
    phone: string | null;
    email: string | null;
  }>;
  markets: string[];
  offers: Array<{
    offerId: string;
    title: string;
    status: string;
    code: string | null;
    link: string;
  }>;
  documents: Array<{ documentId: string; versionId: string | null }>;
  manualChecks: ManualCheck[];
  linkTests: LinkTest[];
  policyBundle: {
    required: boolean;
    dueAt: string;
    submitted: {
      checkoutScreenshotUrl: string;
      legalExceptionUrl: string | null;
      submittedAt: string;
    } | null;
  };
  alerts: Array<{ id: string; kind: string; message: string; createdAt: string }>;
  checkoutSamples: Array<{ sampleNumber: number; sampledAt: string; ok: boolean }>;
  wentLiveAt: string | null;
  endedAt: string | null;
  override: { reason: string; byUserId: string | null; failing: string[] } | null;
}

export interface PreflightCheck {
  name: string;
  label: string;
  kind: 'automatic' | 'manual';
  passed: boolean;
  detail: string;
  role?: string;
}

export interface Preflight {
  showId: string;
  ready: boolean;
  failing: string[];
  checks: PreflightCheck[];
  checkedAt: string;
}

export interface GoLiveResult {
  show: Show;
  overridden: boolean;
  failing: string[];
}

export const ShowPermission = {
  write: 'calendar.write',
  run: 'shows.run',
  goLive: 'shows.go_live',
  override: 'shows.override',
} as const;

export const showPath = (id: string) => `/api/v1/shows/${encodeURIComponent(id)}`;
export const preflightPath = (id: string) => `${showPath(id)}/preflight`;

export const calendarHref = {
  list: '/calendar',
  create: '/calendar?view=new',
  show: (id: string) => `/calendar/shows/${encodeURIComponent(id)}`,
};

export function calendarPath(from: Date, to: Date, brandId: string | null): string {
  const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
  if (brandId) query.set('brandId', brandId);
  return `/api/v1/shows?${query}`;
}

export function createShow(input: {
  brandId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  streamUrl: string | null;
  rollbackContacts: Array<{
    name: string;
    role: string;
    phone: string | null;
    email: string | null;
  }>;
  markets: string[];
}): Promise<Show> {
  return api<Show>('/api/v1/shows', { method: 'POST', body: input });
}

export function setManualCheck(showId: string, name: string, confirmed: boolean): Promise<Show> {
  return api<Show>(`${showPath(showId)}/manual-checks/${encodeURIComponent(name)}/confirmation`, {
    method: confirmed ? 'POST' : 'DELETE',
  });
}

export function recordLinkTest(showId: string, offerId: string, orderId: string): Promise<Show> {
  return api<Show>(`${showPath(showId)}/link-tests`, {
    method: 'POST',
    body: { offerId, orderId },
  });
}

export function confirmCrmTag(showId: string, offerId: string, confirmedBy: string): Promise<Show> {
  return api<Show>(
    `${showPath(showId)}/link-tests/${encodeURIComponent(offerId)}/crm-confirmation`,
    { method: 'POST', body: { confirmedBy } },
  );
}

export function goLive(showId: string, overrideReason?: string): Promise<GoLiveResult> {
  return api<GoLiveResult>(`${showPath(showId)}/go-live`, {
    method: 'POST',
    body: overrideReason === undefined ? {} : { override: { reason: overrideReason } },
  });
}

export function endShow(showId: string): Promise<Show> {
  return api<Show>(`${showPath(showId)}/end`, { method: 'POST' });
}

/** "Tue 3 Mar, 18:00" in the show's (brand's) timezone. */
export function formatInZone(iso: string, timeZone: string, withDay = true): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    ...(withDay ? { weekday: 'short', day: 'numeric', month: 'short' } : {}),
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** The calendar day (YYYY-MM-DD) a moment falls on in a timezone. */
export function dayInZone(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

export const statusLabels: Record<ShowStatus, string> = {
  scheduled: 'Scheduled',
  live: 'Live',
  ended: 'Ended',
};
