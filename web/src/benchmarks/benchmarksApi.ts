/**
 * The drop benchmark's recorded runs as GET /api/v1/benchmarks/drop answers them (newest
 * first); the format is src/modules/benchmarks/drop-record.ts.
 */

export const dropRunsPath = '/api/v1/benchmarks/drop';

export type RowRole = 'ceiling' | 'mydrop' | 'baseline';
export type Verdict = 'met' | 'missed' | 'not measured';

export interface BenchDrop {
  id: string;
  label: string;
  units: number;
  components: number;
}

export interface BenchRow {
  key: string;
  name: string;
  role: RowRole;
  ceiling: 'in-process' | 'http' | null;
  drop: BenchDrop | null;
  holdTtlSeconds: number | null;
  decisionsPerSecond: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  winnersP99Ms: number | null;
  sellOutMs: number | null;
  oversold: number | null;
  vsCeiling: number | null;
  vsBestBaseline: number | null;
  note: string | null;
}

export interface BenchRun {
  version: 1;
  ranAt: string;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    node: string;
    postgres: string | null;
    loadAtStart: number[];
  };
  shoppers: number;
  inProcessShoppers: number;
  lanes: number;
  rows: BenchRow[];
  targets: Array<{ label: string; verdict: Verdict; detail: string }>;
  decisionCorePerSecond: number | null;
}

export interface BenchRuns {
  runs: BenchRun[];
}

/** The drop the latency and history charts follow, and the targets are judged on. */
export const headlineDropId = 'units-200';
/** The targets the charts draw as lines. */
export const p99TargetMs = 50;
export const httpCeilingTarget = 0.7;

export interface DropGroup {
  drop: BenchDrop | null;
  rows: BenchRow[];
}

/** Rows grouped by drop, in the order the drops first appear (200 units, 1 unit, bundle). */
export function groupByDrop(rows: readonly BenchRow[]): DropGroup[] {
  const groups = new Map<string, DropGroup>();
  for (const row of rows) {
    const id = row.drop?.id ?? '';
    const group = groups.get(id) ?? { drop: row.drop, rows: [] };
    group.rows.push(row);
    groups.set(id, group);
  }
  return [...groups.values()];
}

/** A row of `run` by scenario and drop; a ceiling measured without a drop matches any. */
export function findRow(run: BenchRun, key: string, dropId: string): BenchRow | undefined {
  return run.rows.find((row) => row.key === key && (row.drop?.id ?? dropId) === dropId);
}
