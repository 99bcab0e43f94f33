import { ApiError, validationIssues } from '../api/client';
import { rowKey } from './offerDraft';
import type { ArmRequest, MarketReserveInput } from './offersApi';

/** One market of the arm form as typed: strings until submitted. */
export interface MarketRow {
  key: number;
  market: string;
  units: string;
  /** '' is the person arming: the API's default owner. */
  ownerId: string;
  ttlMinutes: string;
  /** '' is the API's default: the offer's threshold scaled to the market's share. */
  lowStockAt: string;
}

/**
 * Problems by the API's own field names (`units`, `reserveTtlSeconds`, `markets.1.market`), so
 * the form's checks and the server's refusals land on the same inputs.
 */
export type ArmErrors = Partial<Record<string, string>>;

export const marketField = (index: number, field: keyof MarketReserveInput) =>
  `markets.${index}.${field}`;

export const emptyMarketRow = (): MarketRow => ({
  key: rowKey(),
  market: '',
  units: '',
  ownerId: '',
  ttlMinutes: '',
  lowStockAt: '',
});

/** The API's bounds (offers.routes.ts): at most a million units, at most 100 markets. */
const maxUnits = 1_000_000;
export const maxMarkets = 100;

/** "12" → 12; anything but a whole number from 1 to a million → undefined. */
export function parseUnits(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const units = Number(trimmed);
  return units >= 1 && units <= maxUnits ? units : undefined;
}

/** Minutes as typed → seconds; blank is no TTL (null), under a minute is invalid (undefined). */
export function parseTtlMinutes(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const seconds = Math.round(Number(trimmed) * 60);
  return Number.isFinite(seconds) && seconds >= 60 ? seconds : undefined;
}

/**
 * The threshold the API gives a market armed without one (src/modules/drops/market-threshold.ts):
 * the offer's scaled to the market's share of the units, rounded up, below the market's units.
 */
export function defaultMarketLowStock(
  offerThreshold: number,
  marketUnits: number,
  totalUnits: number,
): number {
  if (marketUnits <= 0 || totalUnits <= 0) return 0;
  const scaled = Math.ceil((offerThreshold * marketUnits) / totalUnits);
  return Math.max(0, Math.min(scaled, marketUnits - 1));
}

/** "3" → 3; blank → null (the default); anything but a whole number of 0 or more → undefined. */
export function parseLowStockAt(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** What gets reserved: the sum of the markets' units typed so far (invalid rows count 0). */
export function marketTotal(rows: MarketRow[]): number {
  return rows.reduce((total, row) => total + (parseUnits(row.units) ?? 0), 0);
}

const ttlProblem = 'must be at least 1 minute, or left blank';

/**
 * Checks the split as the API would (two-letter codes, each market once, units ≥ 1, TTLs of
 * a minute or more, low-stock levels below the market's units) so a mistake is named at its
 * input before anything is sent.
 */
export function checkMarketSplit(
  rows: MarketRow[],
  ttlMinutes: string,
): { ok: true; request: ArmRequest } | { ok: false; errors: ArmErrors } {
  const errors: ArmErrors = {};
  const reserveTtlSeconds = parseTtlMinutes(ttlMinutes);
  if (reserveTtlSeconds === undefined) errors.reserveTtlSeconds = ttlProblem;
  const firstRowOf = new Map<string, number>();
  const markets: MarketReserveInput[] = [];
  rows.forEach((row, index) => {
    const market = row.market.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(market)) {
      errors[marketField(index, 'market')] = 'enter a two-letter country code, such as US or GB';
    } else if (firstRowOf.has(market)) {
      errors[marketField(index, 'market')] =
        `${market} is listed twice (also market ${(firstRowOf.get(market) ?? 0) + 1})`;
    } else {
      firstRowOf.set(market, index);
    }
    const units = parseUnits(row.units);
    if (units === undefined) {
      errors[marketField(index, 'units')] = 'must be a whole number of at least 1';
    }
    const ttl = parseTtlMinutes(row.ttlMinutes);
    if (ttl === undefined) errors[marketField(index, 'reserveTtlSeconds')] = ttlProblem;
    const lowStockThreshold = parseLowStockAt(row.lowStockAt);
    if (lowStockThreshold === undefined) {
      errors[marketField(index, 'lowStockThreshold')] = 'must be a whole number (0 or more)';
    } else if (lowStockThreshold !== null && units !== undefined && lowStockThreshold >= units) {
      errors[marketField(index, 'lowStockThreshold')] =
        `must be less than the market's units (${units})`;
    }
    markets.push({
      market,
      units: units ?? 0,
      ...(row.ownerId ? { ownerId: row.ownerId } : {}),
      reserveTtlSeconds: ttl ?? null,
      ...(typeof lowStockThreshold === 'number' ? { lowStockThreshold } : {}),
    });
  });
  if (rows.length === 0) errors.markets = 'add at least one market';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, request: { markets, reserveTtlSeconds: reserveTtlSeconds ?? null } };
}

/**
 * A 400 from POST /offers/{id}/arm by field: the service names one in `details.field`
 * (`markets.1.market: US is listed twice`), the schema lists `details.issues` under `body.`.
 * The message loses its field prefix: it is shown at that field.
 */
export function armErrorsFromApi(error: unknown): ArmErrors {
  if (!(error instanceof ApiError) || error.status !== 400) return {};
  const errors: ArmErrors = {};
  const add = (field: string, message: string) => {
    const name = field.replace(/^body\./, '');
    const prefix = `${name}: `;
    errors[name] ??= message.startsWith(prefix) ? message.slice(prefix.length) : message;
  };
  if (typeof error.details.field === 'string') add(error.details.field, error.message);
  for (const issue of validationIssues(error)) add(issue.field, issue.message);
  return errors;
}

const fieldWords: Record<string, string> = {
  market: 'code',
  units: 'units',
  ownerId: 'owner',
  reserveTtlSeconds: 'release time',
  lowStockThreshold: 'low-stock level',
};

/** `markets.1.market` → "Market 2 code": how the form's summary names a field. */
export function armFieldLabel(name: string): string {
  const match = /^markets\.(\d+)\.(\w+)$/.exec(name);
  if (match) return `Market ${Number(match[1]) + 1} ${fieldWords[match[2] ?? ''] ?? match[2]}`;
  if (name === 'units') return 'Total units';
  if (name === 'reserveTtlSeconds') return 'Release time of the whole reserve';
  return name === 'markets' ? 'Markets' : name;
}
