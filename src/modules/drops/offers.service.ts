import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { DropEngine } from './drop-engine.js';
import { type DropsRepository, type OfferRow, StockShortError } from './drops.repository.js';
import type { BookCounts, OfferStatus } from './offer-book.js';
import { hashOfferTerms, type OfferKind, type OfferTerms, type PriceTier } from './offer-terms.js';

export interface OfferInput {
  brandId: string;
  title: string;
  kind: OfferKind;
  components: Array<{ skuId: string; quantity: number }>;
  priceMinor: number;
  currency: string;
  priceTiers: PriceTier[];
  perBuyerLimit: number | null;
  holdTtlSeconds: number;
  lowStockThreshold: number;
  urgencyRule: { firstOrders: number; bonus: string } | null;
  startsAt: Date | null;
  endsAt: Date | null;
  endsWithStream: boolean;
  codes: string[];
  fallbackOfferId: string | null;
  substitutions: Array<{ skuId: string; substituteSkuId: string }>;
}

export interface ComponentInventory extends BookCounts {
  skuId: string;
  quantity: number;
}

export interface Offer extends Omit<OfferInput, 'codes'> {
  id: string;
  status: OfferStatus;
  codes: string[];
  termsHash: string;
  approvedTermsHash: string | null;
  reservedUnits: number;
  reserveOwnerId: string | null;
  reserveExpiresAt: Date | null;
  /** Live counts in offer units, and per component in SKU units; null before arming. */
  inventory: (BookCounts & { waitlist: number; components: ComponentInventory[] }) | null;
  approvedAt: Date | null;
  armedAt: Date | null;
  liveAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface OffersDeps {
  repository: DropsRepository;
  engine: DropEngine;
  clock: Clock;
}

const frozenStatuses: readonly OfferStatus[] = ['armed', 'live', 'paused', 'closed'];

function termsOf(
  input: Omit<OfferInput, 'codes' | 'brandId' | 'holdTtlSeconds' | 'lowStockThreshold'>,
): OfferTerms {
  return {
    title: input.title,
    kind: input.kind,
    components: input.components,
    priceMinor: input.priceMinor,
    currency: input.currency.toUpperCase(),
    priceTiers: input.priceTiers,
    perBuyerLimit: input.perBuyerLimit,
    urgencyRule: input.urgencyRule,
    startsAt: input.startsAt?.toISOString() ?? null,
    endsAt: input.endsAt?.toISOString() ?? null,
    endsWithStream: input.endsWithStream,
    substitutions: input.substitutions,
    fallbackOfferId: input.fallbackOfferId,
  };
}

/**
 * Offers and their lifecycle: draft -> approved -> armed -> live <-> paused -> closed.
 * Approval freezes price and terms (a change sends the offer back to draft); arming takes the
 * reserve out of the catalog's stock; closing returns what was not sold.
 */
export class OffersService {
  constructor(private readonly deps: OffersDeps) {}

  async create(actor: Actor, input: OfferInput): Promise<Offer> {
    requirePermission(actor, 'offers.write');
    await this.validate(actor, input);
    const now = this.deps.clock.now();
    const id = newId();
    const terms = termsOf(input);
    await this.deps.repository.insertOffer(
      {
        id,
        organizationId: actor.organizationId,
        brandId: input.brandId,
        title: input.title,
        kind: input.kind,
        status: 'draft',
        priceMinor: input.priceMinor,
        currency: terms.currency,
        priceTiers: JSON.stringify(input.priceTiers),
        perBuyerLimit: input.perBuyerLimit,
        holdTtlSeconds: input.holdTtlSeconds,
        lowStockThreshold: input.lowStockThreshold,
        urgencyRule: JSON.stringify(input.urgencyRule),
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        endsWithStream: input.endsWithStream,
        fallbackOfferId: input.fallbackOfferId,
        substitutions: JSON.stringify(input.substitutions),
        termsHash: hashOfferTerms(terms),
        reservedUnits: 0,
        createdAt: now,
        updatedAt: now,
      },
      input.components.map((component) => ({
        ...component,
        organizationId: actor.organizationId,
        offerId: id,
      })),
      input.codes.map((code) => ({ organizationId: actor.organizationId, offerId: id, code })),
    );
    return this.get(actor, id);
  }

  async list(actor: Actor, filter: { brandId?: string | undefined }): Promise<Offer[]> {
    requirePermission(actor, 'offers.read');
    const rows = await this.deps.repository.listOffers(actor.organizationId, filter.brandId);
    return this.present(actor.organizationId, rows);
  }

  async get(actor: Actor, offerId: string): Promise<Offer> {
    requirePermission(actor, 'offers.read');
    return (
      await this.present(actor.organizationId, [await this.findRow(actor, offerId)])
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
    await this.validate(actor, input, offerId);
    const terms = termsOf(input);
    const termsHash = hashOfferTerms(terms);
    const backToDraft = row.status === 'approved' && termsHash !== row.approvedTermsHash;
    await this.deps.repository.replaceOffer(
      actor.organizationId,
      offerId,
      {
        title: input.title,
        kind: input.kind,
        priceMinor: input.priceMinor,
        currency: terms.currency,
        priceTiers: JSON.stringify(input.priceTiers),
        perBuyerLimit: input.perBuyerLimit,
        holdTtlSeconds: input.holdTtlSeconds,
        lowStockThreshold: input.lowStockThreshold,
        urgencyRule: JSON.stringify(input.urgencyRule),
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        endsWithStream: input.endsWithStream,
        fallbackOfferId: input.fallbackOfferId,
        substitutions: JSON.stringify(input.substitutions),
        termsHash,
        updatedAt: this.deps.clock.now(),
        ...(backToDraft ? { status: 'draft', approvedTermsHash: null, approvedAt: null } : {}),
      },
      input.components.map((component) => ({
        ...component,
        organizationId: actor.organizationId,
        offerId,
      })),
      input.codes.map((code) => ({ organizationId: actor.organizationId, offerId, code })),
    );
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
    return this.get(actor, offerId);
  }

  /** The inventory lock: reserves `units` offers' worth of every component from stock. */
  async arm(
    actor: Actor,
    offerId: string,
    input: { units: number; reserveTtlSeconds: number | null },
  ): Promise<Offer> {
    requirePermission(actor, 'inventory.manage');
    const row = await this.findRow(actor, offerId);
    if (row.status !== 'approved') throw this.wrongStatus(row, 'arm', ['approved']);
    if (row.approvedTermsHash !== row.termsHash) {
      throw new AppError('conflict', 'The terms changed since approval; approve them again', {
        rule: 'terms_changed',
      });
    }
    const components = await this.deps.repository.listComponents(actor.organizationId, [offerId]);
    const now = this.deps.clock.now();
    try {
      const armed = await this.deps.repository.reserveStock(
        actor.organizationId,
        offerId,
        components.map((component) => ({
          skuId: component.skuId,
          units: component.quantity * input.units,
        })),
        {
          status: 'armed',
          reservedUnits: input.units,
          reserveOwnerId: actor.userId,
          reserveExpiresAt: input.reserveTtlSeconds
            ? new Date(now.getTime() + input.reserveTtlSeconds * 1000)
            : null,
          armedAt: now,
          updatedAt: now,
        },
      );
      if (armed) await this.deps.engine.openBook(armed);
    } catch (error) {
      if (error instanceof StockShortError) {
        throw new AppError('conflict', `Not enough stock on hand to reserve ${input.units} units`, {
          rule: 'insufficient_stock',
          skuId: error.skuId,
        });
      }
      throw error;
    }
    return this.get(actor, offerId);
  }

  async goLive(actor: Actor, offerId: string): Promise<Offer> {
    requirePermission(actor, 'shows.go_live');
    return this.moveBook(actor, offerId, 'live', ['armed', 'paused']);
  }

  /** The kill switch: new claims are answered "paused" from the next decision on. */
  async pause(actor: Actor, offerId: string): Promise<Offer> {
    requirePermission(actor, 'offers.kill');
    return this.moveBook(actor, offerId, 'paused', ['live', 'armed']);
  }

  async resume(actor: Actor, offerId: string): Promise<Offer> {
    requirePermission(actor, 'offers.kill');
    return this.moveBook(actor, offerId, 'live', ['paused']);
  }

  /** Closes at once: open holds end, unsold units go back to the catalog. */
  async close(actor: Actor, offerId: string): Promise<Offer> {
    requirePermission(actor, 'offers.kill');
    const row = await this.findRow(actor, offerId);
    if (row.status === 'closed') return this.get(actor, offerId);
    await this.closeRow(row);
    return this.get(actor, offerId);
  }

  /** Reserves whose TTL passed before the offer went live return to stock. */
  async releaseExpiredReserves(): Promise<number> {
    const now = this.deps.clock.now();
    const armed = await this.deps.repository.listOffersInStatus(['armed']);
    const expired = armed.filter((row) => row.reserveExpiresAt && row.reserveExpiresAt <= now);
    for (const row of expired) await this.closeRow(row);
    return expired.length;
  }

  private async closeRow(row: OfferRow): Promise<void> {
    const now = this.deps.clock.now();
    const book = this.deps.engine.book(row.id);
    let unsold = 0;
    if (book) {
      const closing = book.close();
      unsold = closing.unsold;
      this.deps.engine.recordReleased(closing.released);
    }
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
    );
  }

  private async moveBook(
    actor: Actor,
    offerId: string,
    to: OfferStatus,
    from: OfferStatus[],
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
    const book = this.deps.engine.book(offerId) ?? (await this.deps.engine.openBook(updated));
    book.status = to;
    return this.get(actor, offerId);
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

  private async findRow(actor: Actor, offerId: string): Promise<OfferRow> {
    const row = await this.deps.repository.findOffer(actor.organizationId, offerId);
    if (!row) throw notFound('offer', offerId);
    return row;
  }

  private async validate(actor: Actor, input: OfferInput, offerId?: string): Promise<void> {
    const problems: Array<{ field: string; message: string }> = [];
    const skuIds = input.components.map((component) => component.skuId);
    const skus = await this.deps.repository.findSkus(actor.organizationId, skuIds);
    for (const skuId of skuIds) {
      const sku = skus.find((candidate) => candidate.id === skuId);
      if (!sku)
        problems.push({ field: 'components', message: `no SKU ${skuId} in this organisation` });
      else if (sku.brandId !== input.brandId)
        problems.push({ field: 'components', message: `SKU ${sku.code} belongs to another brand` });
    }
    if (new Set(skuIds).size !== skuIds.length)
      problems.push({ field: 'components', message: 'a SKU appears twice' });
    if (
      input.kind === 'single_sku' &&
      (input.components.length !== 1 || input.components[0]?.quantity !== 1)
    ) {
      problems.push({
        field: 'components',
        message: 'a single-SKU offer has exactly one component of quantity 1',
      });
    }
    if (input.kind !== 'tiered_bundle' && input.priceTiers.length > 0) {
      problems.push({ field: 'priceTiers', message: 'only a tiered bundle has price tiers' });
    }
    if (input.kind === 'time_limited_bundle' && !input.endsAt && !input.endsWithStream) {
      problems.push({
        field: 'endsAt',
        message: 'a time-limited bundle needs endsAt or endsWithStream',
      });
    }
    if (input.startsAt && input.endsAt && input.startsAt >= input.endsAt) {
      problems.push({ field: 'endsAt', message: 'must be after startsAt' });
    }
    const taken = await this.deps.repository.findTakenCodes(
      actor.organizationId,
      input.codes,
      offerId,
    );
    if (taken.length > 0)
      problems.push({
        field: 'codes',
        message: `already used by another offer: ${taken.join(', ')}`,
      });
    if (problems.length > 0) {
      throw new AppError(
        'invalid',
        problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '),
        {
          issues: problems.map((problem) => ({ ...problem, field: `body.${problem.field}` })),
        },
      );
    }
  }

  private async present(organizationId: string, rows: OfferRow[]): Promise<Offer[]> {
    const ids = rows.map((row) => row.id);
    const [components, codes] = await Promise.all([
      this.deps.repository.listComponents(organizationId, ids),
      this.deps.repository.listCodes(organizationId, ids),
    ]);
    return rows.map((row) => {
      const own = components.filter((component) => component.offerId === row.id);
      const book = this.deps.engine.book(row.id);
      const counts = book?.counts();
      return {
        id: row.id,
        brandId: row.brandId,
        title: row.title,
        kind: row.kind as OfferKind,
        status: row.status as OfferStatus,
        components: own.map((component) => ({
          skuId: component.skuId,
          quantity: component.quantity,
        })),
        priceMinor: row.priceMinor,
        currency: row.currency,
        priceTiers: row.priceTiers,
        perBuyerLimit: row.perBuyerLimit,
        holdTtlSeconds: row.holdTtlSeconds,
        lowStockThreshold: row.lowStockThreshold,
        urgencyRule: row.urgencyRule,
        startsAt: row.startsAt,
        endsAt: row.endsAt,
        endsWithStream: row.endsWithStream,
        codes: codes.filter((code) => code.offerId === row.id).map((code) => code.code),
        fallbackOfferId: row.fallbackOfferId,
        substitutions: row.substitutions,
        termsHash: row.termsHash,
        approvedTermsHash: row.approvedTermsHash,
        reservedUnits: counts?.reserved ?? row.reservedUnits,
        reserveOwnerId: row.reserveOwnerId,
        reserveExpiresAt: row.reserveExpiresAt,
        inventory:
          counts && book
            ? {
                ...counts,
                waitlist: book.waitlistLength,
                components: own.map((component) => ({
                  skuId: component.skuId,
                  quantity: component.quantity,
                  reserved: counts.reserved * component.quantity,
                  available: counts.available * component.quantity,
                  held: counts.held * component.quantity,
                  sold: counts.sold * component.quantity,
                })),
              }
            : null,
        approvedAt: row.approvedAt,
        armedAt: row.armedAt,
        liveAt: row.liveAt,
        closedAt: row.closedAt,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      };
    });
  }
}
