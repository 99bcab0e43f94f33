import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type DropBenchRun,
  dropBenchRunSchema,
  dropBenchRunsSchema,
} from '../src/modules/benchmarks/drop-record.js';
import { evaluateTargets, type Machine, rowFigures, type ScenarioRow } from './report.js';

/** Where full runs are recorded; the server's /api/v1/benchmarks/drop reads the same file. */
export const defaultResultsFile = join(
  dirname(fileURLToPath(import.meta.url)),
  'results',
  'drop-runs.json',
);

/** Runs kept in the file: enough history for the console's chart, a file still small to diff. */
const keptRuns = 30;

export function buildRun(input: {
  ranAt: Date;
  machine: Machine;
  shoppers: number;
  inProcessShoppers: number;
  lanes: number;
  rows: readonly ScenarioRow[];
  decisionCorePerSecond: number | null;
}): DropBenchRun {
  const { rows } = input;
  return dropBenchRunSchema.parse({
    version: 1,
    ranAt: input.ranAt.toISOString(),
    machine: { ...input.machine, loadAtStart: input.machine.loadAtStart.slice(0, 3) },
    shoppers: input.shoppers,
    inProcessShoppers: input.inProcessShoppers,
    lanes: input.lanes,
    rows: rows.map((row) => ({
      key: row.key,
      name: row.name,
      role: row.role,
      ceiling: row.ceiling,
      drop: row.drop
        ? {
            id: row.drop.id,
            label: row.drop.label,
            units: row.drop.units,
            components: row.drop.components,
          }
        : null,
      holdTtlSeconds: row.holdTtlSeconds,
      ...rowFigures(rows, row),
      note: row.note,
    })),
    targets: evaluateTargets(rows),
    decisionCorePerSecond:
      input.decisionCorePerSecond !== null && Number.isFinite(input.decisionCorePerSecond)
        ? input.decisionCorePerSecond
        : null,
  });
}

/**
 * Appends a run to the results file (newest last), keeping the last runs only. A file that no
 * longer parses is set aside (`.invalid`) rather than lost.
 */
export function recordRun(run: DropBenchRun, file = defaultResultsFile): void {
  let runs: DropBenchRun[] = [];
  if (existsSync(file)) {
    const parsed = dropBenchRunsSchema.safeParse(readJson(file));
    if (parsed.success) runs = parsed.data.runs;
    else renameSync(file, `${file}.invalid`);
  }
  mkdirSync(dirname(file), { recursive: true });
  const kept = [...runs, run].slice(-keptRuns);
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ runs: kept }, null, 2)}\n`);
  renameSync(temporary, file);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
