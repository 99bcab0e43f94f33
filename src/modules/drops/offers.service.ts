import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { AuditRecorder } from '../audit/index.js';
import type { JobHandlerRegistry, JobScheduler } from '../notifications/index.js';
import type { OfferStatus } from './offer-book.js';
import { type Offer, type OfferInput, offerColumns, presentOffers } from './offer-model.js';
import { type ArmInput, OfferReserves } from './offer-reserves.js';
import type { OfferStockRepository } from './offer-stock.repository.js';
import type { OfferStore } from './offer-store.js';
import { validateOfferInput } from './offer-validation.js';
import { OfferWindows } from './offer-windows.js';
import type { OfferRow, OffersRepository } from './offers.repository.js';

export type { ComponentInventory, Offer, OfferInput } from './offer-model.js';

export interface OffersDeps {
  offers: OffersRepository;
  /** The reserve's stock moves (arming, closing, TTLs) and its markets' shares. */
  stock: OfferStockRepository;
  store: OfferStore;
  clock: Clock;
  audit: AuditRecorder;
  /** Closes offers whose window ends (a durable job, so it happens after a restart too). */
  scheduler: JobScheduler;
}

const frozenStatuses: readonly OfferStatus[] = ['armed', 'live', 'paused', 'closed'];

/**
 * Offers and their lifecycle: draft -> approved -> armed -> live <-> paused -> closed.
 * Approval freezes price and terms (a change sends the offer back to draft); arming takes the
 * reserve out of the catalog's stock; closing returns what was not sold.
 */
export class OffersService {
  private readonly reserves: OfferReserves;
  private readonly windows: OfferWindows;

  constructor(private readonly deps: OffersDeps) {
    this.reserves = new OfferReserves(deps);
    this.windows = new OfferWindows({ ...deps, reserves: this.reserves });
  }

  /** Registers what runs the offers' jobs; once, at start-up. */
  registerJobs(registry: JobHandlerRegistry): void {
    this.windows.registerJobs(registry);
  }

  /** At start-up: every armed offer with a window has its close scheduled. */
  scheduleWindowCloses(): Promise<number> {
    return this.windows.scheduleMissing();
  }

  async create(actor: Actor, input: OfferInput): Promise<Offer> {
    requirePermission(actor, 'offers.write');
    await validateOfferInput(this.deps.offers, actor.organizationId, input);
    const now = this.deps.clock.now();
    const id = newId();
    await this.deps.offers.insertOffer(
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
    const rows = await this.deps.offers.listOffers(actor.organizationId, filter.brandId);
    return presentOffers(this.deps, actor.organizationId, rows);
  }

  async get(actor: Actor, offerId: string): Promise<Offer> {
    requirePermission(actor, 'offers.read');
    return (
      await presentOffers(this.deps, actor.organizationId, [await this.findRow(actor, offerId)])
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
    await validateOfferInput(this.deps.offers, actor.organizationId, input, offerId);
    const columns = offerColumns(input);
    const backToDraft = row.status === 'approved' && columns.termsHash !== row.approvedTermsHash;
    await this.deps.offers.replaceOffer(
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
    const updated = await this.deps.offers.updateOffer(
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
    const plan = await this.reserves.plan(actor, input);
    const row = await this.findRow(actor, offerId);
    if (row.status !== 'approved') throw this.wrongStatus(row, 'arm', ['approved']);
    if (row.approvedTermsHash !== row.termsHash) {
      throw new AppError('conflict', 'The terms changed since approval; approve them again', {
        rule: 'terms_changed',
      });
    }
    await this.windows.scheduleClose(row);
    await this.reserves.reserve(actor, row, plan);
    return this.get(actor, offerId);
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
    const unsold = await this.reserves.returnOnClose(row);
    await this.recordOfferEvent(
      actor,
      'offer.closed',
      offerId,
      { from: row.status, unsoldReturned: unsold },
      reason,
    );
    return this.get(actor, offerId);
  }

  /** Run by the window's job; see OfferWindows.closeEnded. */
  closeEndedWindow(organizationId: string, offerId: string): Promise<boolean> {
    return this.windows.closeEnded(organizationId, offerId);
  }

  /** Returns expired reserves to stock; answers how many offers closed. */
  releaseExpiredReserves(): Promise<number> {
    return this.reserves.releaseExpired();
  }

  /** Units of a hold whose payment failed after its offer closed go back to stock. */
  returnUnsold(
    organizationId: string,
    offerId: string,
    units: number,
    market: string | null = null,
  ): Promise<void> {
    return this.reserves.returnUnsold(organizationId, offerId, units, market);
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
    const updated = await this.deps.offers.updateOffer(
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
    const row = await this.deps.offers.findOffer(actor.organizationId, offerId);
    if (!row) throw notFound('offer', offerId);
    return row;
  }
}
