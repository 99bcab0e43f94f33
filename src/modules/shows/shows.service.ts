import type { RollbackContact } from '../../db/schema-shows.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type Actor, requirePermission } from '../access/index.js';
import { policyBundleDeadlineKey } from './show-jobs.js';
import type { ShowsDeps } from './show-ports.js';
import {
  defaultManualChecks,
  requireRecord,
  requireStatus,
  syncPolicyBundleDeadline,
  viewOf,
} from './show-records.js';
import type { Show, ShowSummary } from './show-view.js';
import type { ShowRow } from './shows.repository.js';

export interface ShowInput {
  brandId: string;
  campaignId: string | null;
  title: string;
  startsAt: Date;
  endsAt: Date;
  streamUrl: string | null;
  rollbackContacts: RollbackContact[];
  markets: string[];
}

export type ShowChanges = {
  [K in keyof Omit<ShowInput, 'brandId'>]?: ShowInput[K] | undefined;
};

function invalid(field: string, message: string): AppError {
  return new AppError('invalid', `${field}: ${message}`, { field });
}

/** Shows on the calendar: schedule, the offers they sell and the documents they read. */
export class ShowsService {
  constructor(private readonly deps: ShowsDeps) {}

  /** The calendar: shows overlapping a date range, earliest first. */
  async list(
    actor: Actor,
    filter: { from?: Date | undefined; to?: Date | undefined; brandId?: string | undefined },
  ): Promise<ShowSummary[]> {
    requirePermission(actor, 'calendar.read');
    if (filter.from && filter.to && filter.from >= filter.to)
      throw invalid('to', 'must be after from');
    const rows = await this.deps.repository.listShows(actor.organizationId, filter);
    const brands = new Map<string, { name: string; timezone: string } | undefined>();
    for (const brandId of new Set(rows.map((row) => row.brandId)))
      brands.set(brandId, await this.deps.brandOf(actor.organizationId, brandId));
    return rows.map((row) => ({
      id: row.id,
      brandId: row.brandId,
      brandName: brands.get(row.brandId)?.name ?? '',
      timezone: brands.get(row.brandId)?.timezone ?? 'UTC',
      title: row.title,
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      status: row.status,
    }));
  }

  async get(actor: Actor, showId: string): Promise<Show> {
    requirePermission(actor, 'calendar.read');
    return viewOf(this.deps, await requireRecord(this.deps, actor.organizationId, showId));
  }

  async create(actor: Actor, input: ShowInput): Promise<Show> {
    requirePermission(actor, 'calendar.write');
    if (!(await this.deps.brandOf(actor.organizationId, input.brandId)))
      throw invalid('brandId', 'no such brand in this organisation');
    await this.checkSchedule(actor, input);
    const now = this.deps.clock.now();
    const id = newId();
    const show = {
      id,
      organizationId: actor.organizationId,
      brandId: input.brandId,
      campaignId: input.campaignId,
      title: input.title,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      status: 'scheduled' as const,
      streamUrl: input.streamUrl,
      rollbackContacts: JSON.stringify(input.rollbackContacts),
      markets: JSON.stringify(normaliseMarkets(input.markets)),
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.repository.insertShow(
      show,
      defaultManualChecks.map((check, position) => ({
        organizationId: actor.organizationId,
        showId: id,
        ...check,
        position,
      })),
    );
    const record = await requireRecord(this.deps, actor.organizationId, id);
    await syncPolicyBundleDeadline(this.deps, record.show);
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: 'show.created',
      subjectType: 'show',
      subjectId: id,
      data: {
        title: input.title,
        brandId: input.brandId,
        campaignId: input.campaignId,
        startsAt: input.startsAt.toISOString(),
        endsAt: input.endsAt.toISOString(),
      },
    });
    return viewOf(this.deps, record);
  }

  async update(actor: Actor, showId: string, changes: ShowChanges): Promise<Show> {
    requirePermission(actor, 'calendar.write');
    const { show } = await requireRecord(this.deps, actor.organizationId, showId);
    requireStatus(show, ['scheduled', 'live'], 'change the show');
    const moves =
      changes.startsAt !== undefined ||
      changes.endsAt !== undefined ||
      changes.campaignId !== undefined;
    if (moves && show.status !== 'scheduled')
      throw new AppError('conflict', 'A live show cannot move or change campaign', {
        status: show.status,
      });
    const merged = {
      campaignId: changes.campaignId === undefined ? show.campaignId : changes.campaignId,
      startsAt: changes.startsAt ?? show.startsAt,
      endsAt: changes.endsAt ?? show.endsAt,
    };
    await this.checkSchedule(actor, merged);
    const updated = await this.deps.repository.updateShow(actor.organizationId, showId, {
      ...merged,
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.streamUrl !== undefined ? { streamUrl: changes.streamUrl } : {}),
      ...(changes.rollbackContacts !== undefined
        ? { rollbackContacts: JSON.stringify(changes.rollbackContacts) }
        : {}),
      ...(changes.markets !== undefined
        ? { markets: JSON.stringify(normaliseMarkets(changes.markets)) }
        : {}),
      updatedAt: this.deps.clock.now(),
    });
    if (!updated) throw notFound('show', showId);
    if (moves) await syncPolicyBundleDeadline(this.deps, updated);
    return this.get(actor, showId);
  }

  /** Takes a show that has not gone live off the calendar, with its pending jobs. */
  async remove(actor: Actor, showId: string): Promise<void> {
    requirePermission(actor, 'calendar.write');
    const { show } = await requireRecord(this.deps, actor.organizationId, showId);
    requireStatus(show, ['scheduled'], 'delete the show');
    await this.deps.repository.deleteShow(actor.organizationId, showId);
    await this.deps.scheduler.cancel(actor.organizationId, policyBundleDeadlineKey(showId));
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: 'show.deleted',
      subjectType: 'show',
      subjectId: showId,
      data: { title: show.title, startsAt: show.startsAt.toISOString() },
    });
  }

  /** The offers the show sells; each must be of the show's brand. */
  async setOffers(actor: Actor, showId: string, offerIds: string[]): Promise<Show> {
    requirePermission(actor, 'calendar.write');
    const { show } = await requireRecord(this.deps, actor.organizationId, showId);
    requireStatus(show, ['scheduled'], 'change the offers');
    const unique = [...new Set(offerIds)];
    const found = await this.deps.commerce.offersOf(actor.organizationId, unique);
    unique.forEach((offerId, index) => {
      const offer = found.find((candidate) => candidate.id === offerId);
      if (!offer) throw invalid(`offerIds.${index}`, 'no such offer in this organisation');
      if (offer.brandId !== show.brandId)
        throw invalid(`offerIds.${index}`, "the offer belongs to another brand than the show's");
    });
    await this.deps.repository.replaceOffers(actor.organizationId, showId, unique);
    await this.touch(show);
    return this.get(actor, showId);
  }

  /**
   * The documents the show reads (script, copy), each at a pinned version or at whatever is
   * current. A pin must be the current or the approved version: the ones approvals can vouch for.
   */
  async setDocuments(
    actor: Actor,
    showId: string,
    documents: Array<{ documentId: string; versionId: string | null }>,
  ): Promise<Show> {
    requirePermission(actor, 'calendar.write');
    const { show } = await requireRecord(this.deps, actor.organizationId, showId);
    requireStatus(show, ['scheduled'], 'change the documents');
    const ids = documents.map((document) => document.documentId);
    if (new Set(ids).size !== ids.length) throw invalid('documents', 'lists a document twice');
    const states = await this.deps.documentApprovals.approvalStatesOf(actor.organizationId, ids);
    documents.forEach((document, index) => {
      const state = states.find((candidate) => candidate.documentId === document.documentId);
      if (!state)
        throw invalid(`documents.${index}.documentId`, 'no such document in this organisation');
      if (
        document.versionId &&
        document.versionId !== state.currentVersionId &&
        document.versionId !== state.approvedVersionId
      ) {
        throw invalid(
          `documents.${index}.versionId`,
          "is neither the document's current nor its approved version",
        );
      }
    });
    await this.deps.repository.replaceDocuments(actor.organizationId, showId, documents);
    await this.touch(show);
    return this.get(actor, showId);
  }

  private async checkSchedule(
    actor: Actor,
    input: { campaignId: string | null; startsAt: Date; endsAt: Date },
  ): Promise<void> {
    if (input.endsAt <= input.startsAt) throw invalid('endsAt', 'must be after startsAt');
    if (input.campaignId && !(await this.deps.campaignOf(actor.organizationId, input.campaignId)))
      throw invalid('campaignId', 'no such campaign in this organisation');
  }

  private async touch(show: ShowRow): Promise<void> {
    await this.deps.repository.updateShow(show.organizationId, show.id, {
      updatedAt: this.deps.clock.now(),
    });
  }
}

function normaliseMarkets(markets: string[]): string[] {
  return [...new Set(markets.map((market) => market.toUpperCase()))];
}
