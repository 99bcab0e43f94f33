/**
 * The drop workload every scenario runs, and the pure arithmetic the report needs. Nothing here
 * does I/O, so the rules (who retries, who abandons, how percentiles and oversold are computed)
 * are tested on their own in drop-workload.test.ts.
 */

export interface DropSpec {
  id: 'units-200' | 'units-1' | 'bundle-3sku';
  label: string;
  /** Offer units reserved: single units, or whole bundles. */
  units: number;
  /** SKUs per offer unit; a bundle takes every component or none. */
  components: number;
  perBuyerLimit: number;
}

export const dropSpecs: readonly DropSpec[] = [
  { id: 'units-200', label: '200 units', units: 200, components: 1, perBuyerLimit: 2 },
  { id: 'units-1', label: '1 unit', units: 1, components: 1, perBuyerLimit: 2 },
  { id: 'bundle-3sku', label: '3-SKU bundle x200', units: 200, components: 3, perBuyerLimit: 2 },
];

export interface WorkloadPlan {
  /** Distinct shoppers in the opening burst; each sends one claim with its own key. */
  shoppers: number;
  /** Shoppers in flight at once: connections over HTTP, pending claims in process. */
  lanes: number;
  reserved: number;
  /**
   * New shoppers per second after the burst, until the drop sells out or the deadline passes;
   * they take the units that abandoned holds give back at expiry. 0: no second phase.
   */
  latecomersPerSecond: number;
  /** How long after the burst latecomers keep coming. */
  latecomerWindowMs: number;
  /** How long a winner takes to pay; the hold must outlive it. */
  thinkMs: number;
  /** Makes shopper ids and idempotency keys unique to one run. */
  prefix: string;
}

/** 10% of shoppers send their claim twice with the same Idempotency-Key (a double tap). */
export function retriesClaim(shopperIndex: number): boolean {
  return shopperIndex % 10 === 9;
}

/**
 * 30% of the burst's winners abandon their hold, spread evenly: winners 0, 1, 2 of every ten.
 * The first winner abandons, so even a 1-unit drop has to recover a unit through expiry.
 * Latecomers, who waited for units to come back, always check out; this bounds the drop to one
 * expiry round instead of a geometric tail of TTLs.
 */
export function abandonsHold(winnerIndex: number): boolean {
  return winnerIndex % 10 < 3;
}

export type ClaimAnswer = { hold: string } | { refused: string } | { error: string };

/**
 * The system under test, as the workload sees it. `lane` names the shopper slot making a claim,
 * so an HTTP target can give each lane its own keep-alive connection; payments happen off the
 * lanes, after a think time.
 */
export interface DropTarget {
  /**
   * An in-process target may answer at once (a refusal needs no durability wait): the driver
   * then records it without a promise, as an embedding application would use it.
   */
  claim(lane: number, shopper: string, idempotencyKey: string): ClaimAnswer | Promise<ClaimAnswer>;
  /** Pays for a hold; answers whether an order was placed. */
  checkout(holdId: string): Promise<boolean>;
}

export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile of an ascending array: the smallest value with p% at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarizeLatencies(samples: Float64Array): LatencySummary {
  const sorted = samples.slice().sort();
  return {
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

/** Units committed to one hold from `start` until `end` (Infinity: sold, or still held). */
export interface Occupancy {
  start: number;
  end: number;
  units: number;
}

/**
 * The most units ever committed at the same instant. A unit given back at time t may be
 * taken again at t, so at equal times releases count before new holds.
 */
export function peakOccupancy(intervals: readonly Occupancy[]): number {
  const events: Array<[time: number, delta: number]> = [];
  for (const interval of intervals) {
    events.push([interval.start, interval.units]);
    if (interval.end !== Number.POSITIVE_INFINITY) events.push([interval.end, -interval.units]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of events) {
    current += delta;
    peak = Math.max(peak, current);
  }
  return peak;
}

export interface InventoryAudit {
  reserved: number;
  sold: number;
  /** Units in holds still open at the end of the run. */
  held: number;
  peakCommitted: number;
  /** Anything else that breaks the books (an order without its hold, negative stock ...). */
  problems: string[];
}

/**
 * Oversold units: more sold and held at the end than reserved, or more committed at any one
 * instant than reserved. Both must be 0.
 */
export function oversoldUnits(audit: InventoryAudit): number {
  return Math.max(
    0,
    audit.sold + audit.held - audit.reserved,
    audit.peakCommitted - audit.reserved,
  );
}

/**
 * The round a row reports when a drop is measured several times: the one with the median rate
 * (the lower middle of an even count), unless a round broke the books; then the worst of
 * those, so a single oversold round is never hidden behind a clean median.
 */
export function reportedRound<T extends { rate: number; audit: InventoryAudit | null }>(
  rounds: readonly T[],
): T {
  if (rounds.length === 0) throw new Error('no rounds to report');
  const broken = rounds.filter(
    (round) =>
      round.audit !== null && (oversoldUnits(round.audit) > 0 || round.audit.problems.length > 0),
  );
  if (broken.length > 0) {
    return broken.reduce((worst, round) =>
      oversoldUnits(round.audit as InventoryAudit) > oversoldUnits(worst.audit as InventoryAudit)
        ? round
        : worst,
    );
  }
  const sorted = [...rounds].sort((a, b) => a.rate - b.rate);
  return sorted[Math.floor((sorted.length - 1) / 2)] as T;
}

/** How a figure compares with a reference: "0.42x", or "-" when either is missing. */
export function ratio(value: number | null, reference: number | null): string {
  if (value === null || reference === null || !(reference > 0)) return '-';
  const times = value / reference;
  return `${times >= 10 ? times.toFixed(0) : times.toFixed(2)}x`;
}

/** What a paying shopper sends: the sandbox card that always succeeds. */
export const sandboxCheckout = {
  email: 'shopper@example.com',
  name: 'Sam Shopper',
  address: { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
  payment: { provider: 'sandbox', token: 'pm_card_visa' },
};
