import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import type { Actor } from '../access/index.js';
import type { AuditRecorder } from '../audit/index.js';
import { defaultMarketLowStockThreshold } from './market-threshold.js';
import { type OfferStockRepository, StockShortError } from './offer-stock.repository.js';
import type { OfferStore } from './offer-store.js';
import type { OfferRow, OffersRepository } from './offers.repository.js';

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

export interface OfferReservesDeps {
  offers: OffersRepository;
  stock: OfferStockRepository;
  store: OfferStore;
  clock: Clock;
  audit: AuditRecorder;
}

type CheckedShare = MarketReserveInput & { ownerId: string; lowStockThreshold: number };

/** What arming will reserve, checked before anything moves. */
export interface ReservePlan {
  units: number;
  reserveTtlSeconds: number | null;
  shares: Array<MarketReserveInput & { ownerId: string }>;
}

/**
 * The inventory lock of offers: units taken out of the catalog's stock when an offer is armed
 * (optionally per market, each share with its owner and TTL), and every way they go back:
 * a reserve's TTL, a market's TTL, a payment that failed after the offer closed, the close.
 * Reserved = available + held + sold holds per component because stock only moves here and
 * in the offer store, each in one transaction.
 */
export class OfferReserves {
  constructor(private readonly deps: OfferReservesDeps) {}

  /**
   * Reserves the offer's units of every component out of stock and opens its book. The caller
   * has checked the offer may be armed; the repository refuses if the status moved meanwhile.
   */
  async reserve(actor: Actor, row: OfferRow, plan: ReservePlan): Promise<void> {
    const { units, shares: given, reserveTtlSeconds } = plan;
    const offerId = row.id;
    const components = await this.deps.offers.listComponents(actor.organizationId, [offerId]);
    const now = this.deps.clock.now();
    const shares: CheckedShare[] = given.map((share) => ({
      ...share,
      lowStockThreshold:
        share.lowStockThreshold ??
        defaultMarketLowStockThreshold(row.lowStockThreshold, share.units, units),
    }));
    try {
      const armed = await this.deps.stock.reserveStock(
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
          reserveExpiresAt: reserveTtlSeconds
            ? new Date(now.getTime() + reserveTtlSeconds * 1000)
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
    if (shares.length > 0) await this.recordMarketShares(actor, offerId, units, shares);
  }

  private async recordMarketShares(
    actor: Actor,
    offerId: string,
    units: number,
    shares: CheckedShare[],
  ): Promise<void> {
    await this.deps.audit.record({
      organizationId: actor.organizationId,
      actor,
      action: 'offer.armed_by_market',
      subjectType: 'offer',
      subjectId: offerId,
      data: {
        units,
        markets: shares.map((share) => ({
          market: share.market,
          units: share.units,
          ownerId: share.ownerId,
          reserveTtlSeconds: share.reserveTtlSeconds ?? null,
          lowStockThreshold: share.lowStockThreshold,
        })),
      },
    });
  }

  /** The units to arm and the markets' shares, each with its owner, checked. */
  async plan(actor: Actor, input: ArmInput): Promise<ReservePlan> {
    const { reserveTtlSeconds } = input;
    const markets = input.markets ?? [];
    if (markets.length === 0) {
      if (input.units === undefined) {
        throw new AppError('invalid', 'units: is required', { field: 'units' });
      }
      return { units: input.units, reserveTtlSeconds, shares: [] };
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
    const members = await this.deps.offers.findMembers(actor.organizationId, owners);
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
    return { units: sum, reserveTtlSeconds, shares };
  }

  /**
   * Reserves whose TTL passed before the offer went live return to stock; so do the unused
   * units of a market whose own TTL passed (whatever the offer's status), and units its holds
   * gave back since. Answers how many offers were closed.
   */
  async releaseExpired(): Promise<number> {
    const now = this.deps.clock.now();
    await this.releaseExpiredMarkets(now);
    const armed = await this.deps.offers.listOffersInStatus(['armed']);
    const expired = armed.filter((row) => row.reserveExpiresAt && row.reserveExpiresAt <= now);
    for (const row of expired) {
      const unsold = await this.returnOnClose(row);
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
    for (const share of await this.deps.stock.listDueMarketReserves(now)) {
      const units = await this.deps.store.releaseMarket(share.offerId, share.market);
      if (units === null || (units === 0 && share.releasedAt !== null)) continue;
      const first = await this.deps.stock.releaseMarketReserve(
        share.organizationId,
        share.offerId,
        share.market,
        units,
        await this.componentUnits(share.organizationId, share.offerId, units),
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
    await this.deps.stock.releaseReserve(
      organizationId,
      offerId,
      units,
      await this.componentUnits(organizationId, offerId, units),
      this.deps.clock.now(),
      market,
    );
  }

  /** Closes the offer's book and returns what it did not sell; answers how many offer units. */
  async returnOnClose(row: OfferRow): Promise<number> {
    const now = this.deps.clock.now();
    const closed = await this.deps.store.close(row.id);
    const unsold = closed?.unsold ?? 0;
    await this.deps.stock.returnStock(
      row.organizationId,
      row.id,
      await this.componentUnits(row.organizationId, row.id, unsold),
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

  /** The catalog units behind `offerUnits` of the offer: each component times its quantity. */
  private async componentUnits(
    organizationId: string,
    offerId: string,
    offerUnits: number,
  ): Promise<Array<{ skuId: string; units: number }>> {
    const components = await this.deps.offers.listComponents(organizationId, [offerId]);
    return components.map((component) => ({
      skuId: component.skuId,
      units: component.quantity * offerUnits,
    }));
  }
}
