import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { RefreshingCache } from '../../lib/refreshing-cache.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { FulfilmentRepository, RegionRow, TaxRateRow } from './fulfilment.repository.js';

export const capabilities = ['next_day', 'standard'] as const;
export type Capability = (typeof capabilities)[number];

export interface RegionInput {
  name: string;
  countries: string[];
  capabilities: Capability[];
  pricesIncludeTax: boolean;
  priority: number;
  taxRates: Array<{ country: string; rateBasisPoints: number }>;
}

export interface Region extends RegionInput {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Where an order goes and what tax it carries. */
export interface OrderRouting {
  regionId: string;
  regionName: string;
  capabilities: Capability[];
  taxRateBasisPoints: number;
  taxMinor: number;
  totalMinor: number;
}

export interface FulfilmentDeps {
  repository: FulfilmentRepository;
  clock: Clock;
}

function toRegion(row: RegionRow, rates: TaxRateRow[]): Region {
  return {
    id: row.id,
    name: row.name,
    countries: row.countries,
    capabilities: row.capabilities as Capability[],
    pricesIncludeTax: row.pricesIncludeTax,
    priority: row.priority,
    taxRates: rates
      .filter((rate) => rate.regionId === row.id)
      .map((rate) => ({ country: rate.country, rateBasisPoints: rate.rateBasisPoints })),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Tax on an amount. Tax-inclusive prices (EU VAT) contain it: tax = amount * r / (1 + r);
 * otherwise (US sales tax) it is added on top. Rounded half up to the minor unit.
 */
export function computeTax(
  amountMinor: number,
  rateBasisPoints: number,
  pricesIncludeTax: boolean,
) {
  if (pricesIncludeTax) {
    const taxMinor = Math.round((amountMinor * rateBasisPoints) / (10_000 + rateBasisPoints));
    return { taxMinor, totalMinor: amountMinor };
  }
  const taxMinor = Math.round((amountMinor * rateBasisPoints) / 10_000);
  return { taxMinor, totalMinor: amountMinor + taxMinor };
}

function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? null;
}

/** Fulfilment regions, their capabilities and tax tables, order routing, time-to-fulfil. */
interface RoutingTable {
  regions: RegionRow[];
  rates: TaxRateRow[];
}

/** How long checkout routes with an organisation's regions before reading them again. */
const routingCacheMs = 1000;

export class FulfilmentService {
  /**
   * Regions and tax rates per organisation for checkout, where a drop's winners pay within the
   * same second. This process forgets them when it changes a region; another process sees
   * the change within about a second.
   */
  private readonly routing: RefreshingCache<RoutingTable>;

  constructor(private readonly deps: FulfilmentDeps) {
    this.routing = new RefreshingCache(async (organizationId) => {
      const regions = await this.deps.repository.listRegions(organizationId);
      const rates = await this.deps.repository.listTaxRates(
        organizationId,
        regions.map((region) => region.id),
      );
      return { regions, rates };
    }, routingCacheMs);
  }

  async list(actor: Actor): Promise<Region[]> {
    requirePermission(actor, 'organization.read');
    const rows = await this.deps.repository.listRegions(actor.organizationId);
    const rates = await this.deps.repository.listTaxRates(
      actor.organizationId,
      rows.map((row) => row.id),
    );
    return rows.map((row) => toRegion(row, rates));
  }

  async save(actor: Actor, input: RegionInput, regionId?: string): Promise<Region> {
    requirePermission(actor, 'inventory.manage');
    const existing = regionId
      ? await this.deps.repository.findRegion(actor.organizationId, regionId)
      : undefined;
    if (regionId && !existing) throw notFound('region', regionId);
    const countries = [...new Set(input.countries.map((country) => country.toUpperCase()))];
    const stray = input.taxRates.find((rate) => !countries.includes(rate.country.toUpperCase()));
    if (stray) {
      throw new AppError(
        'invalid',
        `taxRates: ${stray.country} is not one of the region's countries`,
        { field: 'taxRates' },
      );
    }
    const id = existing?.id ?? newId();
    const now = this.deps.clock.now();
    await this.deps.repository.saveRegion(
      {
        id,
        organizationId: actor.organizationId,
        name: input.name,
        countries: JSON.stringify(countries),
        capabilities: JSON.stringify([...new Set(input.capabilities)]),
        pricesIncludeTax: input.pricesIncludeTax,
        priority: input.priority,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      },
      input.taxRates.map((rate) => ({
        organizationId: actor.organizationId,
        regionId: id,
        country: rate.country.toUpperCase(),
        rateBasisPoints: rate.rateBasisPoints,
      })),
      !existing,
    );
    this.routing.forget(actor.organizationId);
    const saved = (await this.list(actor)).find((region) => region.id === id);
    if (!saved) throw notFound('region', id);
    return saved;
  }

  async remove(actor: Actor, regionId: string): Promise<void> {
    requirePermission(actor, 'inventory.manage');
    const deleted = await this.deps.repository.deleteRegion(actor.organizationId, regionId);
    this.routing.forget(actor.organizationId);
    if (!deleted) throw notFound('region', regionId);
  }

  /**
   * Routes an order by delivery country to the first region (by priority) that serves it.
   * Answers null when the organisation has no regions at all (routing not set up); refuses
   * when regions exist and none serves the country.
   */
  async routeOrder(
    organizationId: string,
    country: string,
    amountMinor: number,
  ): Promise<OrderRouting | null> {
    const { regions, rates } = await this.routing.get(organizationId);
    if (regions.length === 0) return null;
    const upper = country.toUpperCase();
    const region = regions.find((row) => row.countries.includes(upper));
    if (!region) {
      throw new AppError(
        'invalid',
        `address.country: we do not deliver to ${upper} for this offer`,
        {
          field: 'address.country',
          rule: 'no_fulfilment_region',
        },
      );
    }
    const rate =
      rates.find((candidate) => candidate.regionId === region.id && candidate.country === upper)
        ?.rateBasisPoints ?? 0;
    return {
      regionId: region.id,
      regionName: region.name,
      capabilities: region.capabilities as Capability[],
      taxRateBasisPoints: rate,
      ...computeTax(amountMinor, rate, region.pricesIncludeTax),
    };
  }

  /** Hours from order to shipped and to delivered, per region: the time-to-fulfil KPI. */
  async timeToFulfil(actor: Actor, filter: { offerId?: string | undefined }) {
    requirePermission(actor, 'orders.read');
    const rows = await this.deps.repository.listFulfilmentTimings(
      actor.organizationId,
      filter.offerId,
    );
    const byRegion = new Map<string | null, typeof rows>();
    for (const row of rows)
      byRegion.set(row.fulfilmentRegionId, [...(byRegion.get(row.fulfilmentRegionId) ?? []), row]);
    const hours = (from: Date, to: Date | null) =>
      to ? (to.getTime() - from.getTime()) / 3_600_000 : null;
    return [...byRegion.entries()].map(([regionId, orders]) => {
      const shipped = orders
        .map((o) => hours(o.createdAt, o.shippedAt))
        .filter((h): h is number => h !== null)
        .sort((a, b) => a - b);
      const delivered = orders
        .map((o) => hours(o.createdAt, o.deliveredAt))
        .filter((h): h is number => h !== null)
        .sort((a, b) => a - b);
      return {
        regionId,
        orders: orders.length,
        shipped: shipped.length,
        delivered: delivered.length,
        hoursToShip: { p50: percentile(shipped, 0.5), p90: percentile(shipped, 0.9) },
        hoursToDeliver: { p50: percentile(delivered, 0.5), p90: percentile(delivered, 0.9) },
      };
    });
  }
}
