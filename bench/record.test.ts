import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropBenchRunsSchema } from '../src/modules/benchmarks/drop-record.js';
import type { DropResult } from './drop-runner.js';
import { dropSpecs } from './drop-workload.js';
import { buildRun, recordRun } from './record.js';
import type { Machine, ScenarioRow } from './report.js';

const drop = dropSpecs[0] ?? null;
const machine: Machine = {
  cpu: 'AMD EPYC',
  cores: 2,
  memoryGiB: 24,
  node: 'v20.20.2',
  postgres: '15.20',
  loadAtStart: [1.5, 2, 2.5],
};

function result(decisionsPerSecond: number, winners: number): DropResult {
  return {
    shoppers: 20_000,
    latecomers: 0,
    decisions: 22_000,
    lateDecisions: 0,
    claimPhaseMs: 1000,
    decisionsPerSecond,
    p50Ms: 9,
    p99Ms: 45,
    maxMs: 60,
    winnersP50Ms: winners > 0 ? 30 : Number.NaN,
    winnersP99Ms: winners > 0 ? 48 : Number.NaN,
    holds: winners,
    refusals: {},
    errors: 0,
    firstError: null,
    retryMismatches: 0,
    winners,
    abandoned: 0,
    checkouts: winners,
    checkoutFailures: 0,
    unitsSold: winners,
    sellOutMs: winners > 0 ? 10_500 : null,
  };
}

const audit = { reserved: 200, sold: 200, held: 0, peakCommitted: 200, problems: [] };
const rows: ScenarioRow[] = [
  {
    key: 'bare-http',
    name: 'Ceiling: bare node:http',
    drop,
    role: 'ceiling',
    ceiling: 'http',
    holdTtlSeconds: null,
    result: result(20_000, 200),
    audit,
    note: null,
  },
  {
    key: 'http-pglite',
    name: 'Mydrop embedded, over HTTP (PGlite)',
    drop,
    role: 'mydrop',
    ceiling: 'http',
    holdTtlSeconds: 10,
    result: result(15_000, 200),
    audit,
    note: null,
  },
  {
    key: 'conditional-update',
    name: 'Baseline: conditional UPDATE',
    drop,
    role: 'baseline',
    ceiling: null,
    holdTtlSeconds: 10,
    result: result(3_000, 0),
    audit: { ...audit, sold: 210 },
    note: null,
  },
  {
    key: 'redis',
    name: 'Mydrop with Redis (+ PostgreSQL), over HTTP',
    drop,
    role: 'mydrop',
    ceiling: 'http',
    holdTtlSeconds: 10,
    result: null,
    audit: null,
    note: 'skipped: no Redis',
  },
];

describe('a recorded benchmark run', () => {
  const folder = mkdtempSync(join(tmpdir(), 'mydrop-bench-record-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const runInput = {
    ranAt: new Date('2026-12-01T22:00:00Z'),
    machine,
    shoppers: 20_000,
    inProcessShoppers: 200_000,
    lanes: 256,
    rows,
    decisionCorePerSecond: 1_100_000,
  };
  const run = () => buildRun(runInput);

  it('carries the table figures, ratios and targets, and null for what was not measured', () => {
    const recorded = run();
    const [bare, http, baseline, redis] = recorded.rows;
    expect(bare).toMatchObject({ vsCeiling: 1, vsBestBaseline: 20_000 / 3_000, oversold: 0 });
    expect(http).toMatchObject({
      decisionsPerSecond: 15_000,
      vsCeiling: 0.75,
      vsBestBaseline: 5,
      winnersP99Ms: 48,
    });
    // No winner: no winners' latency (NaN is not a figure).
    expect(baseline).toMatchObject({ winnersP99Ms: null, vsCeiling: null, oversold: 10 });
    expect(redis).toMatchObject({
      decisionsPerSecond: null,
      oversold: null,
      note: 'skipped: no Redis',
    });
    expect(recorded.targets).toContainEqual(
      expect.objectContaining({
        label: 'Embedded over HTTP >= 0.7x bare node:http',
        verdict: 'met',
      }),
    );
    expect(recorded.targets).toContainEqual(
      expect.objectContaining({
        label: 'In process >= 1,000,000 decisions/s',
        verdict: 'not measured',
      }),
    );
  });

  it("divides a row paired with a bare drop by that drop, not by the run's ceiling row", () => {
    const paired = rows.map((row) =>
      row.key === 'http-pglite' ? { ...row, ceilingPerSecond: 25_000 } : row,
    );
    const recorded = buildRun({ ...runInput, rows: paired });
    expect(recorded.rows[1]).toMatchObject({ decisionsPerSecond: 15_000, vsCeiling: 0.6 });
    expect(recorded.targets).toContainEqual(
      expect.objectContaining({
        label: 'Embedded over HTTP >= 0.7x bare node:http',
        detail: '0.60x (15,000/s vs 25,000/s just before it)',
        verdict: 'missed',
      }),
    );
  });

  it('appends runs to the file the console reads, keeping the last thirty', () => {
    const file = join(folder, 'runs.json');
    for (let index = 0; index < 32; index++) recordRun(run(), file);
    const stored = dropBenchRunsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(stored.runs).toHaveLength(30);
  });

  it('sets a file it cannot read aside instead of losing it', () => {
    const file = join(folder, 'broken.json');
    writeFileSync(file, '{"runs": [');
    recordRun(run(), file);
    expect(readFileSync(`${file}.invalid`, 'utf8')).toBe('{"runs": [');
    expect(dropBenchRunsSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).runs).toHaveLength(1);
  });
});
