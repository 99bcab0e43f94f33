import { AppError, notFound } from '../../lib/errors.js';
import type { Role } from '../access/index.js';
import {
  policyBundleDeadlineKey,
  policyBundleDeadlineKind,
  policyBundleDueAt,
} from './show-jobs.js';
import { agencyOperatingModels, type ShowsDeps } from './show-ports.js';
import { presentShow, type Show } from './show-view.js';
import type { ShowRecord, ShowRow } from './shows.repository.js';

/**
 * Loading and presenting shows, shared by the services of this module. The playbook's actor
 * checklist (seed 004) gives the default manual checks and who confirms each.
 */
export const defaultManualChecks: ReadonlyArray<{ name: string; role: Role; label: string }> = [
  { name: 'host_ready', role: 'host', label: 'Host ready: opening line, demo bullets, CTA read' },
  { name: 'camera_framing', role: 'producer', label: 'Camera framing and switcher scene' },
  { name: 'ctas_queued', role: 'comms', label: 'CTAs queued: post copy and links' },
];

export async function requireRecord(
  deps: ShowsDeps,
  organizationId: string,
  showId: string,
): Promise<ShowRecord> {
  const record = await deps.repository.loadRecord(organizationId, showId);
  if (!record) throw notFound('show', showId);
  return record;
}

export function requireStatus(
  show: ShowRow,
  allowed: readonly ShowRow['status'][],
  action: string,
) {
  if (!allowed.includes(show.status)) {
    throw new AppError('conflict', `Cannot ${action}: the show is ${show.status}`, {
      status: show.status,
    });
  }
}

export async function operatingModelOf(
  deps: ShowsDeps,
  show: Pick<ShowRow, 'organizationId' | 'campaignId'>,
): Promise<string | null> {
  if (!show.campaignId) return null;
  const campaign = await deps.campaignOf(show.organizationId, show.campaignId);
  return campaign?.operatingModel ?? null;
}

export function needsPolicyBundle(operatingModel: string | null): boolean {
  return operatingModel !== null && agencyOperatingModels.includes(operatingModel);
}

/**
 * Puts the T-72h policy-bundle deadline on the scheduler for agency-managed shows, moves it
 * when the show moves, and takes it off when the show no longer needs one.
 */
export async function syncPolicyBundleDeadline(deps: ShowsDeps, show: ShowRow): Promise<void> {
  const key = policyBundleDeadlineKey(show.id);
  const required = needsPolicyBundle(await operatingModelOf(deps, show));
  if (!required || show.status !== 'scheduled') {
    await deps.scheduler.cancel(show.organizationId, key);
    return;
  }
  await deps.scheduler.schedule({
    organizationId: show.organizationId,
    kind: policyBundleDeadlineKind,
    key,
    runAt: policyBundleDueAt(show.startsAt),
    payload: { showId: show.id },
  });
}

export async function viewOf(deps: ShowsDeps, record: ShowRecord): Promise<Show> {
  const { show } = record;
  const [brand, operatingModel, offers] = await Promise.all([
    deps.brandOf(show.organizationId, show.brandId),
    operatingModelOf(deps, show),
    deps.commerce.offersOf(
      show.organizationId,
      record.offers.map((offer) => offer.offerId),
    ),
  ]);
  return presentShow(record, {
    brand,
    operatingModel,
    policyBundleRequired: needsPolicyBundle(operatingModel),
    offers: new Map(offers.map((offer) => [offer.id, offer])),
  });
}
