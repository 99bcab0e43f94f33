import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { AuditRecorder } from '../audit/index.js';
import type { JobHandlerRegistry, JobScheduler } from '../notifications/index.js';
import { type DropsRepository, type OfferRow, StockShortError } from './drops.repository.js';
import { bookedStatuses } from './embedded-offer-store.js';
import { defaultMarketLowStockThreshold } from './market-threshold.js';
import type { OfferStatus } from './offer-book.js';
import { type Offer, type OfferInput, offerColumns, presentOffers } from './offer-model.js';
import type { OfferStore } from './offer-store.js';
import { validateOfferInput } from './offer-validation.js';

export type { ComponentInventory, Offer, OfferInput } from './offer-model.js';

/** One market's share when arming per market. */
export interface MarketReserveInput {
  market: string;
  units: number;
  /** Who answers for this market's units; the person arming when absent. */
  ownerId?: string | undefined;
  /** After this, the market's unused units go back to the catalog; never when null. */
  reserveTtlSeconds?: number | null | undefined;
  /**
   * Available units at or below which the market's owner is told it runs low; below `units`.
   * When absent, the offer's threshold scaled to the market's share (market-threshold.ts).
   */
  lowStockThreshold?: number | undefined;
}

export interface ArmInput {
  /** Offer units to reserve; with markets, their sum (it may then be left out). */
  units?: number | undefined;
  /** Applies to the whole reserve until the offer goes live. */
  reserveTtlSeconds: number | null;
  markets?: MarketReserveInput[] | undefined;
}

export interface OffersDeps {
  repository: DropsRepository;
  store: OfferStore;
  clock: Clock;
  audit: AuditRecorder;
  /** Closes offers whose window ends (a durable job, so it happens after a restart too). */
  scheduler: JobScheduler;
}

/** The job that closes an armed offer when its window (`endsAt`) ends. */
export const offerWindowJobKind = 'offer.window_ended';
const offerWindowJobKey = (offerId: string) => `offer-window:${offerId}`;

const frozenStatuses: readonly OfferStatus[] = ['armed', 'live', 'paused', 'closed'];

/**
 * Offers and their lifecycle: draft -> approved -> armed -> live <-> paused -> closed.
 * Approval freezes price and terms (a change sends the offer back to draft); arming takes the
 * reserve out of the catalog's stock; closing returns what was not sold.
 */
export class OffersService {
  constructor(private readonly deps: OffersDeps) {}

  /** Registers what runs the offers' jobs; once, at start-up. */
  registerJobs(registry: JobHandlerRegistry): void {
    registry.handle(offerWindowJobKind, async (job) => {
      const offerId = job.payload.offerId;
      if (typeof offerId === 'string') await this.closeEndedWindow(job.organizationId, offerId);
    });
  }

  async create(actor: Actor, input: OfferInput): Promise<Offer> {
    requirePermission(actor, 'offers.write');
    await validateOfferInput(this.deps.repository, actor.organizationId, input);
    const now = this.deps.clock.now();
    const id = newId();
    await this.deps.repository.insertOffer(
      {
        ...offerColumns(input),
        id,
        organizationId: actor.organizationId,
        brandId: input.brandId,
        status: 'draft',
        reservedUnits: 0,
        createdAt: now,
        updatedAt: now,
      },
      ...this.childRows(actor.organizationId, id, input),
    );
    return this.get(actor, id);
  }

  async list(actor: Actor, filter: { brandId?: string | undefined }): Promise<Offer[]> {
    requirePermission(actor, 'offers.read');
    const rows = await this.deps.repository.listOffers(actor.organizationId, filter.brandId);
    return presentOffers(this.deps.repository, this.deps.store, actor.organizationId, rows);
  }

  async get(actor: Actor, offerId: string): Promise<Offer> {
    requirePermission(actor, 'offers.read');
    return (
      await presentOffers(this.deps.repository, this.deps.store, actor.organizationId, [
        await this.findRow(actor, offerId),
      ])
    )[0] as Offer;
  }

  /** Edits terms. Approved offers go back to draft; armed or later offers are frozen. */
  async update(actor: Actor, offerId: string, input: OfferInput): Promise<Offer> {
    requirePermission(actor, 'offers.write');
    const row = await this.findRow(actor, offerId);
    if (frozenStatuses.includes(row.status as OfferStatus)) {
      throw new AppError(
        'conflict',
        `The offer is ${row.status}: its terms are frozen; close it and create a new one`,
        {
          status: row.status,
        },
      );
    }
    if (input.brandId !== row.brandId) {
      throw new AppError('invalid', 'brandId: an offer cannot move to another brand', {
        field: 'brandId',
      });
    }
    await validateOfferInput(this.deps.repository, actor.organizationId, input, offerId);
    const columns = offerColumns(input);
    const backToDraft = row.status === 'approved' && columns.termsHash !== row.approvedTermsHash;
    await this.deps.repository.replaceOffer(
      actor.organizationId,
      offerId,
      {
        ...columns,
        updatedAt: this.deps.clock.now(),
        ...(backToDraft ? { status: 'draft', approvedTermsHash: null, approvedAt: null } : {}),
      },
      ...this.childRows(actor.organizationId, offerId, input),
    );
    if (columns.termsHash !== row.termsHash) {
      const terms = (offer: { priceMinor: number; currency: string; termsHash: string }) => ({
        priceMinor: offer.priceMinor,
        currency: offer.currency,
        termsHash: offer.termsHash,
      });
      await this.recordOfferEvent(actor, 'offer.terms_changed', offerId, {
        before: { ...terms(row), priceTiers: row.priceTiers },
        after: { ...terms(columns), priceTiers: input.priceTiers },
        approvalVoided: backToDraft,
      });
    }
    return this.get(actor, offerId);
  }

  /**
   * Approves the terms as they are now. The approvals matrix (governance) will call this once
   * every required reviewer has signed; until then a brand approver or legal can.
   */
  async approve(actor: Actor, offerId: string): Promise<Offer> {
    requirePermission(actor, 'approvals.review');
    const row = await this.findRow(actor, offerId);
    const now = this.deps.clock.now();
    const updated = await this.deps.repository.updateOffer(
      actor.organizationId,
      offerId,
      { status: 'approved', approvedTermsHash: row.termsHash, approvedAt: now, updatedAt: now },
      ['draft'],
    );
    if (!updated) throw this.wrongStatus(row, 'approve', ['draft']);
    await this.recordOfferEvent(actor, 'offer.approved', offerId, {
      termsHash: row.termsHash,
      priceMinor: row.priceMinor,
      currency: row.currency,
    });
    return this.get(actor, offerId);
  }

  /**
   * The inventory lock: reserves `units` offers' worth of every component from stock,
   * optionally split by market (each share with its own owner and TTL; a claim then draws
   * from the shopper's market only).
   */
  async arm(actor: Actor, offerId: string, input: ArmInput): Promise<Offer> {
    requirePermission(actor, 'inventory.manage');
    const { units, shares: given } = await this.reserveToArm(actor, input);
    const row = await this.findRow(actor, offerId);
    if (row.status !== 'approved') throw this.wrongStatus(row, 'arm', ['approved']);
    if (row.approvedTermsHash !== row.termsHash) {
      throw new AppError('conflict', 'The terms changed since approval; approve them again', {
        rule: 'terms_changed',
      });
    }
    const components = await this.deps.repository.listComponents(actor.organizationId, [offerId]);
    const now = this.deps.clock.now();
    if (row.endsAt) {
      // Units reserved now would only go back at once.
      if (row.endsAt <= now) {
        throw new AppError(
          'conflict',
          `The offer's window ended at ${row.endsAt.toISOString()}: there is nothing to arm`,
          { rule: 'window_ended', endsAt: row.endsAt.toISOString() },
        );
      }
      // Before the reserve, so no armed offer is left without its job; the job does nothing
      // if arming fails. The window is frozen from approval on, so the job never moves.
      await this.deps.scheduler.schedule({
        organizationId: actor.organizationId,
        kind: offerWindowJobKind,
        key: offerWindowJobKey(offerId),
        runAt: row.endsAt,
        payload: { offerId },
      });
    }
    const shares = given.map((share) => ({
      ...share,
      lowStockThreshold:
        share.lowStockThreshold ??
        defaultMarketLowStockThreshold(row.lowStockThreshold, share.units, units),
    }));
    try {
      const armed = await this.deps.repository.reserveStock(
        actor.organizationId,
        offerId,
        components.map((component) => ({
          skuId: component.skuId,
          units: component.quantity * units,
        })),
        {
          status: 'armed',
          reservedUnits: units,
          reserveOwnerId: actor.userId,
          reserveExpiresAt: input.reserveTtlSeconds
            ? new Date(now.getTime() + input.reserveTtlSeconds * 1000)
            : null,
          armedAt: now,
          updatedAt: now,
        },
        shares.map((share) => ({
          organizationId: actor.organizationId,
          offerId,
          market: share.market,
          reservedUnits: share.units,
          ownerId: share.ownerId,
          expiresAt: share.reserveTtlSeconds
            ? new Date(now.getTime() + share.reserveTtlSeconds * 1000)
            : null,
          lowStockThreshold: share.lowStockThreshold,
        })),
      );
      if (armed) await this.deps.store.open(armed);
    } catch (error) {
      if (error instanceof StockShortError) {
        throw new AppError('conflict', `Not enough stock on hand to reserve ${units} units`, {
          rule: 'insufficient_stock',
          skuId: error.skuId,
        });
      }
      throw error;
    }
    if (shares.length > 0) {
      await this.recordOfferEvent(actor, 'offer.armed_by_market', offerId, {
        units,
        markets: shares.map((share) => ({
          market: share.market,
          units: share.units,
          ownerId: share.ownerId,
          reserveTtlSeconds: share.reserveTtlSeconds ?? null,
          lowStockThreshold: share.lowStockThreshold,
        })),
      });
    }
    return this.get(actor, offerId);
  }

  /** The units to arm and the markets' shares, each with its owner, checked. */
  private async reserveToArm(
    actor: Actor,
    input: ArmInput,
  ): Promise<{ units: number; shares: Array<MarketReserveInput & { ownerId: string }> }> {
    const markets = input.markets ?? [];
    if (markets.length === 0) {
      if (input.units === undefined) {
        throw new AppError('invalid', 'units: is required', { field: 'units' });
      }
      return { units: input.units, shares: [] };
    }
    const seen = new Set<string>();
    for (const [index, share] of markets.entries()) {
      if (seen.has(share.market)) {
        throw new AppError('invalid', `markets.${index}.market: ${share.market} is listed twice`, {
          field: `markets.${index}.market`,
        });
      }
      seen.add(share.market);
      // At or above its units the market would be "low" before its first sale.
      if (share.lowStockThreshold !== undefined && share.lowStockThreshold >= share.units) {
        const field = `markets.${index}.lowStockThreshold`;
        throw new AppError(
          'invalid',
          `${field}: must be less than the market's units (${share.units})`,
          { field },
        );
      }
    }
    const sum = markets.reduce((total, share) => total + share.units, 0);
    if (input.units !== undefined && input.units !== sum) {
      throw new AppError(
        'invalid',
        `units: must equal the sum of the markets' units (${sum}), or be left out`,
        { field: 'units' },
      );
    }
    const owners = [...new Set(markets.flatMap((share) => (share.ownerId ? [share.ownerId] : [])))];
    const members = await this.deps.repository.findMembers(actor.organizationId, owners);
    const shares = markets.map((share, index) => {
      const ownerId = share.ownerId ?? actor.userId;
      const field = `markets.${index}.ownerId`;
      if (ownerId === null) {
        throw new AppError('invalid', `${field}: is required when an API token arms the offer`, {
          field,
        });
      }
      if (share.ownerId && !members.has(share.ownerId)) {
        throw new AppError('invalid', `${field}: ${ownerId} is not a member of this organisation`, {
          field,
        });
      }
      return { ...share, ownerId };
    });
    return { units: sum, shares };
  }

  async goLive(actor: Actor, offerId: string): Promise<Offer> {
    requirePermission(actor, 'shows.go_live');
    return this.moveBook(actor, offerId, 'live', ['armed', 'paused'], 'offer.went_live');
  }

  /** The kill switch: new claims are answered "paused" from the next decision on. */
  async pause(actor: Actor, offerId: string, reason?: string): Promise<Offer> {
    requirePermission(actor, 'offers.kill');
    return this.moveBook(actor, offerId, 'paused', ['live', 'armed'], 'offer.paused', reason);
  }

  async resume(actor: Actor, offerId: string): Promise<Offer> {
    requirePermission(actor, 'offers.kill');
    return this.moveBook(actor, offerId, 'live', ['paused'], 'offer.resumed');
  }

  /** Closes at once: open holds end, unsold units go back to the catalog. */
  async close(actor: Actor, offerId: string, reason?: string): Promise<Offer> {
    requirePermission(actor, 'offers.kill');
    const row = await this.findRow(actor, offerId);
    if (row.status === 'closed') return this.get(actor, offerId);
    const unsold = await this.closeRow(row);
    await this.recordOfferEvent(
      actor,
      'offer.closed',
      offerId,
      { from: row.status, unsoldReturned: unsold },
      reason,
    );
    return this.get(actor, offerId);
  }

  /**
   * A time-limited offer's window ended: it closes as a manual close does (open holds end,
   * unsold units go back to stock, `offer.closed` in the audit trail). Run by the durable job
   * at `endsAt`, at least once: an offer already closed, or not armed, is left as it is.
   * Answers whether it closed the offer.
   */
  async closeEndedWindow(organizationId: string, offerId: string): Promise<boolean> {
    const row = await this.deps.repository.findOffer(organizationId, offerId);
    if (!row?.endsAt || !bookedStatuses.includes(row.status as OfferStatus)) return false;
    if (row.endsAt > this.deps.clock.now()) {
      // Early (a clock behind the one that scheduled it): the scheduler retries later.
      throw new Error(`The window of offer ${offerId} ends at ${row.endsAt.toISOString()}`);
    }
    const unsold = await this.closeRow(row);
    await this.deps.audit.record({
      organizationId,
      actor: null,
      action: 'offer.closed',
      subjectType: 'offer',
      subjectId: offerId,
      reason: "The offer's window ended",
      data: { from: row.status, unsoldReturned: unsold, endsAt: row.endsAt.toISOString() },
    });
    return true;
  }

  /**
   * Reserves whose TTL passed before the offer went live return to stock; so do the unused
   * units of a market whose own TTL passed (whatever the offer's status), and units its holds
   * gave back since. Answers how many offers were closed.
   */
  async releaseExpiredReserves(): Promise<number> {
    const now = this.deps.clock.now();
    await this.releaseExpiredMarkets(now);
    const armed = await this.deps.repository.listOffersInStatus(['armed']);
    const expired = armed.filter((row) => row.reserveExpiresAt && row.reserveExpiresAt <= now);
    for (const row of expired) {
      const unsold = await this.closeRow(row);
      await this.deps.audit.record({
        organizationId: row.organizationId,
        actor: null,
        action: 'offer.closed',
        subjectType: 'offer',
        subjectId: row.id,
        reason: 'The reserve expired before the offer went live',
        data: { from: row.status, unsoldReturned: unsold },
      });
    }
    return expired.length;
  }

  private async releaseExpiredMarkets(now: Date): Promise<void> {
    for (const share of await this.deps.repository.listDueMarketReserves(now)) {
      const units = await this.deps.store.releaseMarket(share.offerId, share.market);
      if (units === null || (units === 0 && share.releasedAt !== null)) continue;
      const components = await this.deps.repository.listComponents(share.organizationId, [
        share.offerId,
      ]);
      const first = await this.deps.repository.releaseMarketReserve(
        share.organizationId,
        share.offerId,
        share.market,
        units,
        components.map((component) => ({
          skuId: component.skuId,
          units: component.quantity * units,
        })),
        now,
      );
      if (!first) continue;
      await this.deps.audit.record({
        organizationId: share.organizationId,
        actor: null,
        action: 'offer.market_reserve_released',
        subjectType: 'offer',
        subjectId: share.offerId,
        reason: `The reserve for ${share.market} reached its TTL`,
        data: { market: share.market, ownerId: share.ownerId, unusedReturned: units },
      });
    }
  }

  /**
   * Units of a hold whose payment failed after its offer closed: they leave the offer's
   * reserve and go back to the catalog's stock.
   */
  async returnUnsold(
    organizationId: string,
    offerId: string,
    units: number,
    market: string | null = null,
  ): Promise<void> {
    const components = await this.deps.repository.listComponents(organizationId, [offerId]);
    await this.deps.repository.releaseReserve(
      organizationId,
      offerId,
      units,
      components.map((component) => ({
        skuId: component.skuId,
        units: component.quantity * units,
      })),
      this.deps.clock.now(),
      market,
    );
  }

  /** Returns how many unsold offer units went back to stock. */
  private async closeRow(row: OfferRow): Promise<number> {
    const now = this.deps.clock.now();
    const closed = await this.deps.store.close(row.id);
    const unsold = closed?.unsold ?? 0;
    const components = await this.deps.repository.listComponents(row.organizationId, [row.id]);
    await this.deps.repository.returnStock(
      row.organizationId,
      row.id,
      components.map((component) => ({
        skuId: component.skuId,
        units: component.quantity * unsold,
      })),
      {
        status: 'closed',
        reservedUnits: row.reservedUnits - unsold,
        closedAt: now,
        updatedAt: now,
      },
      closed?.unsoldByMarket,
    );
    return unsold;
  }

  private async moveBook(
    actor: Actor,
    offerId: string,
    to: OfferStatus,
    from: OfferStatus[],
    action: string,
    reason?: string,
  ): Promise<Offer> {
    const row = await this.findRow(actor, offerId);
    const now = this.deps.clock.now();
    const updated = await this.deps.repository.updateOffer(
      actor.organizationId,
      offerId,
      { status: to, updatedAt: now, ...(to === 'live' && !row.liveAt ? { liveAt: now } : {}) },
      from,
    );
    if (!updated) throw this.wrongStatus(row, to === 'paused' ? 'pause' : 'go live', from);
    await this.deps.store.setStatus(updated, to);
    await this.recordOfferEvent(actor, action, offerId, { from: row.status, to }, reason);
    return this.get(actor, offerId);
  }

  private async recordOfferEvent(
    actor: Actor,
    action: string,
    offerId: string,
    data: Record<string, unknown>,
    reason?: string,
  ): Promise<void> {
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action,
      subjectType: 'offer',
      subjectId: offerId,
      reason,
      data,
    });
  }

  private wrongStatus(row: OfferRow, action: string, from: readonly string[]): AppError {
    return new AppError(
      'conflict',
      `Cannot ${action} an offer that is ${row.status} (needs ${from.join(' or ')})`,
      {
        status: row.status,
      },
    );
  }

  /** The offer's component and code rows, for insert or replace. */
  private childRows(organizationId: string, offerId: string, input: OfferInput) {
    return [
      input.components.map((component) => ({ ...component, organizationId, offerId })),
      input.codes.map((code) => ({ organizationId, offerId, code })),
    ] as const;
  }

  private async findRow(actor: Actor, offerId: string): Promise<OfferRow> {
    const row = await this.deps.repository.findOffer(actor.organizationId, offerId);
    if (!row) throw notFound('offer', offerId);
    return row;
  }
}
