import { cpus, loadavg, totalmem } from 'node:os';
import type { DropResult } from './drop-runner.js';
import { type DropSpec, type InventoryAudit, oversoldUnits, ratio } from './drop-workload.js';

/** Which reference a row is divided by: the in-process no-op or the bare node:http server. */
export type Ceiling = 'in-process' | 'http';

export interface ScenarioRow {
  /** What --only matches. */
  key: string;
  name: string;
  drop: DropSpec | null;
  /** A ceiling row is the reference of its kind; a baseline row is a PostgreSQL baseline. */
  role: 'ceiling' | 'mydrop' | 'baseline';
  /** Null for the baselines: their driver is not measured against either ceiling. */
  ceiling: Ceiling | null;
  holdTtlSeconds: number | null;
  result: DropResult | null;
  audit: InventoryAudit | null;
  /** Why there is no result, or what to know about it. */
  note: string | null;
  /**
   * The ceiling's decisions/s measured just before this row's drop (paired rounds, over
   * HTTP): its ratio is to this rather than to the ceiling row of the run.
   */
  ceilingPerSecond?: number | null;
  /**
   * Each round's p99 when the row is the median of several rounds (the p99 target is judged
   * on their median: one round's tail moves by 10 ms with the host's load), and the p99 of the
   * bare drop paired with each round.
   */
  p99RoundsMs?: number[];
  ceilingP99RoundsMs?: number[];
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string | null;
  loadAtStart: number[];
}

export function describeMachine(postgres: string | null): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres,
    loadAtStart: loadavg(),
  };
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function milliseconds(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value < 1) return value.toFixed(3);
  return value < 10 ? value.toFixed(2) : value.toFixed(0);
}

function sellOut(row: ScenarioRow): string {
  const result = row.result;
  if (!result) return '-';
  if (result.sellOutMs !== null) return `${(result.sellOutMs / 1000).toFixed(1)} s`;
  if (row.holdTtlSeconds === null) return 'n/a';
  return `no (${result.unitsSold}/${row.drop?.units ?? '?'})`;
}

function ceilingOf(rows: readonly ScenarioRow[], row: ScenarioRow): number | null {
  if (row.ceiling === null) return null;
  if (row.ceilingPerSecond) return row.ceilingPerSecond;
  const ceiling = rows.find((other) => other.role === 'ceiling' && other.ceiling === row.ceiling);
  return ceiling?.result?.decisionsPerSecond ?? null;
}

/** The faster PostgreSQL baseline on the same drop. */
export function bestBaseline(rows: readonly ScenarioRow[], drop: DropSpec | null): number | null {
  const rates = rows
    .filter((row) => row.role === 'baseline' && row.drop?.id === drop?.id && row.result)
    .map((row) => row.result?.decisionsPerSecond ?? 0);
  return rates.length > 0 ? Math.max(...rates) : null;
}

/** The results as a Markdown table, the same in the terminal and in docs/benchmarks.md. */
export function formatTable(rows: readonly ScenarioRow[]): string {
  const header = [
    'Scenario',
    'Drop',
    'Hold TTL',
    'Shoppers',
    'Decisions',
    'Decisions/s',
    'p50 ms',
    'p99 ms',
    'Sell-out',
    'Oversold',
    'vs ceiling',
    'vs best PG',
  ];
  const lines = [header, header.map((_, index) => (index < 3 ? '---' : '---:'))];
  for (const row of rows) {
    const result = row.result;
    const drop = row.drop?.label ?? '-';
    const ttl = row.holdTtlSeconds === null ? 'none' : `${row.holdTtlSeconds} s`;
    if (!result) {
      lines.push([row.name, drop, '-', row.note ?? '-', '', '', '', '', '', '', '', '']);
      continue;
    }
    const shoppers =
      result.latecomers > 0
        ? `${grouped.format(result.shoppers)} + ${grouped.format(result.latecomers)}`
        : grouped.format(result.shoppers);
    const oversold = row.audit ? String(oversoldUnits(row.audit)) : '?';
    lines.push([
      row.name,
      drop,
      ttl,
      shoppers,
      grouped.format(result.decisions),
      grouped.format(result.decisionsPerSecond),
      milliseconds(result.p50Ms),
      milliseconds(result.p99Ms),
      sellOut(row),
      row.role === 'ceiling' ? `${oversold} (client)` : oversold,
      row.role === 'ceiling' ? '1.00x' : ratio(result.decisionsPerSecond, ceilingOf(rows, row)),
      ratio(result.decisionsPerSecond, bestBaseline(rows, row.drop)),
    ]);
  }
  const widths = header.map((_, column) =>
    Math.max(...lines.map((line) => (line[column] ?? '').length)),
  );
  return lines
    .map((line, index) => {
      const cells = line.map((cell, column) => {
        const width = widths[column] as number;
        if (index === 1)
          return cell.endsWith(':') ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width);
        return column < 3 ? cell.padEnd(width) : cell.padStart(width);
      });
      return `| ${cells.join(' | ')} |`;
    })
    .join('\n');
}

/** What went wrong or needs saying, per row: errors, retries, audit problems. */
export function formatFindings(rows: readonly ScenarioRow[]): string[] {
  const findings: string[] = [];
  for (const row of rows) {
    const label = `${row.name}${row.drop ? ` / ${row.drop.label}` : ''}`;
    const result = row.result;
    if (!result) continue;
    if (row.note) findings.push(`${label}: ${row.note}`);
    if (result.errors > 0)
      findings.push(`${label}: ${result.errors} claims failed (${result.firstError})`);
    if (result.retryMismatches > 0) {
      findings.push(`${label}: ${result.retryMismatches} retries did not get their hold back`);
    }
    if (result.checkoutFailures > 0) {
      findings.push(`${label}: ${result.checkoutFailures} payments failed (${result.firstError})`);
    }
    for (const problem of row.audit?.problems ?? []) findings.push(`${label}: ${problem}`);
  }
  return findings;
}

export function formatMachine(machine: Machine, startedAt: Date, endedAt: Date): string {
  return [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB`,
    `Node ${machine.node}; PostgreSQL ${machine.postgres ?? 'not reachable'}`,
    `Load average at start: ${machine.loadAtStart.map((load) => load.toFixed(2)).join(' ')}; now: ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
    `Run: started ${startedAt.toISOString()}, ended ${endedAt.toISOString()}`,
  ].join('\n');
}

function findRow(rows: readonly ScenarioRow[], key: string, drop = 'units-200') {
  return rows.find((row) => row.key === key && (row.drop?.id ?? drop) === drop);
}

function find(rows: readonly ScenarioRow[], key: string, drop = 'units-200') {
  return findRow(rows, key, drop)?.result ?? null;
}

/** The p99 a row is judged on: the median of its rounds' when it ran several. */
export function tailOf(row: ScenarioRow): number {
  const rounds = row.p99RoundsMs;
  if (!rounds || rounds.length === 0) return row.result?.p99Ms ?? Number.NaN;
  const sorted = [...rounds].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

export interface Target {
  label: string;
  verdict: 'met' | 'missed' | 'not measured';
  detail: string;
}

function judged(label: string, detail: string, met: boolean | null): Target {
  return { label, detail, verdict: met === null ? 'not measured' : met ? 'met' : 'missed' };
}

const at = (value: number | null, threshold: number) =>
  value === null ? null : value >= threshold;

/** The issue's targets, each with the figure it is judged on (the 200-unit drop). */
export function evaluateTargets(rows: readonly ScenarioRow[]): Target[] {
  const rate = (result: DropResult | null) => result?.decisionsPerSecond ?? null;
  const perSecond = (value: number | null) => (value === null ? '-' : `${grouped.format(value)}/s`);
  const httpRow = rows.find((row) => row.key === 'http-pglite' && row.drop?.id === 'units-200');
  // The bare drop paired with Mydrop's when there is one, else the run's ceiling row.
  const bare =
    httpRow?.ceilingPerSecond ?? rate(rows.find((row) => row.key === 'bare-http')?.result ?? null);
  const http = rate(find(rows, 'http-pglite'));
  const onPostgres = rate(find(rows, 'http-postgres'));
  const embedded = rate(find(rows, 'embedded'));
  const engine = rate(find(rows, 'engine'));
  const postgresInProcess = rate(find(rows, 'postgres-in-process'));
  const bareCeiling = rate(find(rows, 'bare-http'));
  const best = bestBaseline(rows, rows.find((row) => row.drop?.id === 'units-200')?.drop ?? null);
  const share = (value: number | null, reference: number | null) =>
    value === null || reference === null ? null : value / reference;

  const tails = [
    { label: 'over HTTP on PGlite', row: findRow(rows, 'http-pglite') },
    { label: 'on PostgreSQL', row: findRow(rows, 'http-postgres') },
  ].flatMap(({ label, row }) => (row?.result ? [{ label, row, p99: tailOf(row) }] : []));
  const worstTail = tails.length > 0 ? Math.max(...tails.map((tail) => tail.p99)) : null;
  const tailFigures = tails.map(({ label, row, p99 }) => {
    const rounds = row.p99RoundsMs;
    if (!rounds) return `${milliseconds(p99)} ms ${label}`;
    const bare = row.ceilingP99RoundsMs;
    const each = (values: readonly number[]) => values.map(milliseconds).join('/');
    return `${milliseconds(p99)} ms ${label} (median of ${each(rounds)}${bare ? `; the bare drops beside them ${each(bare)}` : ''})`;
  });

  // The baselines are driven from this process through a pg pool, with no HTTP in front of
  // them: the rows on the same footing are Mydrop's in process (docs/decisions.md). Over HTTP
  // the figures are printed too, beside the bare node:http ceiling's, which bounds them.
  const inProcess = [postgresInProcess, embedded].filter((value) => value !== null);
  const twenty =
    `best ${perSecond(best)}; in process ${ratio(postgresInProcess, best)} on PostgreSQL, ` +
    `${ratio(embedded, best)} on PGlite; over HTTP ${ratio(http, best)} on PGlite, ` +
    `${ratio(onPostgres, best)} on PostgreSQL, the bare node:http ceiling ${ratio(bareCeiling, best)}`;

  // The target is Mydrop's; the baselines' audits are reported beside it, not judged: one of
  // them (Medusa without its lock) oversells by design.
  const audited = rows.filter((row) => row.role === 'mydrop' && row.audit !== null);
  const oversold = Math.max(0, ...audited.map((row) => oversoldUnits(row.audit as InventoryAudit)));
  const others = rows.filter((row) => row.role !== 'mydrop' && row.audit !== null);
  const othersOversold = others.map((row) => oversoldUnits(row.audit as InventoryAudit));
  const othersNote = `; ceilings and baselines: ${othersOversold.filter((units) => units > 0).length} of ${others.length} audited runs oversold${othersOversold.some((units) => units > 0) ? ` (up to ${Math.max(...othersOversold)} units)` : ''}`;

  return [
    judged(
      'Embedded over HTTP >= 0.7x bare node:http',
      `${ratio(http, bare)} (${perSecond(http)} vs ${perSecond(bare)}${httpRow?.ceilingPerSecond ? ' just before it' : ''})`,
      at(share(http, bare), 0.7),
    ),
    judged(
      'In process >= 1,000,000 decisions/s',
      `ShopperService ${perSecond(embedded)}, embedded store ${perSecond(engine)}`,
      at(embedded, 1_000_000),
    ),
    judged(
      '>= 20x the best PostgreSQL baseline, both driven in process',
      twenty,
      at(share(inProcess.length > 0 ? Math.min(...inProcess) : null, best), 20),
    ),
    judged(
      'p99 < 50 ms at 256 connections',
      tailFigures.join(', ') || '-',
      worstTail === null ? null : worstTail < 50,
    ),
    judged(
      '0 oversold, every Mydrop row',
      `${oversold} over ${audited.length} audited runs${othersNote}`,
      audited.length === 0 ? null : oversold === 0,
    ),
  ];
}

export function formatTargets(rows: readonly ScenarioRow[]): string[] {
  return evaluateTargets(rows).map(
    (target) =>
      `- ${target.label}: ${target.detail}: ${target.verdict === 'missed' ? 'MISSED' : target.verdict}`,
  );
}

/** A row's figures as the table prints them, for the recorded run (bench/record.ts). */
export function rowFigures(rows: readonly ScenarioRow[], row: ScenarioRow) {
  const result = row.result;
  const vsCeiling = row.role === 'ceiling' ? 1 : share(result, ceilingOf(rows, row));
  return {
    decisionsPerSecond: measured(result?.decisionsPerSecond),
    p50Ms: measured(result?.p50Ms),
    p99Ms: measured(result?.p99Ms),
    winnersP99Ms: measured(result?.winnersP99Ms),
    sellOutMs: measured(result?.sellOutMs),
    oversold: row.audit ? oversoldUnits(row.audit) : null,
    vsCeiling: result ? vsCeiling : null,
    vsBestBaseline: share(result, bestBaseline(rows, row.drop)),
  };
}

/** A figure, or null when it was not measured (no result, or no sample: NaN). */
function measured(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

function share(result: DropResult | null, reference: number | null): number | null {
  if (!result || reference === null || reference === 0) return null;
  return measured(result.decisionsPerSecond / reference);
}
