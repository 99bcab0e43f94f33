import { formatDateTime } from '../common/format';
import { BarChart, type ChartBar, type ChartGroup } from './BarChart';
import { chartLabel, formatMs, formatRate, formatRatio } from './benchmarkFormat';
import {
  type BenchRow,
  type BenchRun,
  findRow,
  groupByDrop,
  headlineDropId,
  httpCeilingTarget,
  p99TargetMs,
} from './benchmarksApi';
import { HistoryChart } from './HistoryChart';
import { formatDurationTick, formatRateTick, linearScale, logScale, type Scale } from './scales';

function bar(row: BenchRow, value: number | null, valueLabel: string): ChartBar {
  return {
    key: `${row.key}:${row.name}`,
    label: chartLabel(row.name),
    value,
    valueLabel,
    tone: row.role,
  };
}

/** Rows a run could not measure at all (skipped before any drop) have no drop. */
const notRun = 'Not run';

function values(groups: readonly ChartGroup[]): number[] {
  return groups.flatMap((group) => group.bars.flatMap((entry) => entry.value ?? []));
}

function extremes(groups: readonly ChartGroup[]) {
  const bars = groups.flatMap((group) =>
    group.bars.flatMap((entry) =>
      entry.value === null ? [] : [{ ...entry, drop: group.label, value: entry.value }],
    ),
  );
  const sorted = [...bars].sort((a, b) => b.value - a.value);
  return { count: bars.length, highest: sorted[0], lowest: sorted[sorted.length - 1] };
}

function ticksText(scale: Scale, format: (value: number) => string): string {
  return `${format(scale.min)} to ${format(scale.max)}`;
}

/** a) Decisions per second of every scenario, grouped by drop, on a log axis. */
export function DecisionsChart({ run }: { run: BenchRun }) {
  const groups = groupByDrop(run.rows).map((group) => ({
    label: group.drop?.label ?? notRun,
    bars: group.rows.map((row) =>
      bar(row, row.decisionsPerSecond, formatRate(row.decisionsPerSecond)),
    ),
  }));
  const scale = logScale(values(groups), [1_000, 1_000_000]);
  const { count, highest, lowest } = extremes(groups);
  const summary =
    `Decisions per second on a log scale from ${ticksText(scale, formatRateTick)}, ${count} scenario runs in ${groups.length} drops` +
    (highest && lowest
      ? `; fastest ${highest.label} (${highest.drop}) at ${highest.valueLabel}, slowest ${lowest.label} (${lowest.drop}) at ${lowest.valueLabel}`
      : '');
  return (
    <BarChart
      title="Decisions per second, by scenario and drop (log scale)"
      summary={summary}
      groups={groups}
      scale={scale}
      formatTick={formatRateTick}
      valueHeading="Decisions/s"
    />
  );
}

/** b) p99 latency of each scenario on the 200-unit drop, against the 50 ms target. */
export function LatencyChart({ run }: { run: BenchRun }) {
  const rows = run.rows.filter((row) => (row.drop?.id ?? headlineDropId) === headlineDropId);
  const label = rows.find((row) => row.drop)?.drop?.label ?? '200 units';
  const groups = [{ label, bars: rows.map((row) => bar(row, row.p99Ms, formatMs(row.p99Ms))) }];
  const scale = logScale([...values(groups), p99TargetMs], [1, 1_000]);
  const measured = rows.filter((row) => row.p99Ms !== null);
  const under = measured.filter((row) => (row.p99Ms as number) < p99TargetMs);
  return (
    <BarChart
      title={`p99 latency per scenario, ${label} (log scale), against the ${p99TargetMs} ms target`}
      summary={`p99 latency for the ${label} drop on a log scale from ${ticksText(scale, formatDurationTick)}: ${under.length} of ${measured.length} scenarios under the ${p99TargetMs} ms target`}
      groups={groups}
      scale={scale}
      formatTick={formatDurationTick}
      reference={{ value: p99TargetMs, label: `${p99TargetMs} ms target` }}
      valueHeading="p99"
    />
  );
}

/** c) Each Mydrop row's rate as a share of its ceiling, against the 0.7x target over HTTP. */
export function CeilingRatioChart({ run }: { run: BenchRun }) {
  const groups = groupByDrop(run.rows.filter((row) => row.role === 'mydrop')).map((group) => ({
    label: group.drop?.label ?? notRun,
    bars: group.rows.map((row) => bar(row, row.vsCeiling, formatRatio(row.vsCeiling))),
  }));
  const scale = linearScale(values(groups), 1);
  const http = run.rows.filter(
    (row) => row.role === 'mydrop' && row.ceiling === 'http' && row.vsCeiling !== null,
  );
  const reached = http.filter((row) => (row.vsCeiling as number) >= httpCeilingTarget);
  return (
    <BarChart
      title={`Mydrop's rate as a share of its ceiling, against the ${httpCeilingTarget}x target over HTTP`}
      summary={`Mydrop's decisions per second divided by its ceiling's (in process: the no-op decision; over HTTP: bare node:http): ${reached.length} of ${http.length} rows over HTTP at or above the ${httpCeilingTarget}x target`}
      groups={groups}
      scale={scale}
      formatTick={(value) => `${value}x`}
      reference={{ value: httpCeilingTarget, label: `${httpCeilingTarget}x target (HTTP)` }}
      valueHeading="vs ceiling"
    />
  );
}

const historyLines = [
  { key: 'http-pglite', label: 'Mydrop embedded, over HTTP (PGlite)', tone: 'mydrop' as const },
  { key: 'bare-http', label: 'Ceiling: bare node:http', tone: 'ceiling' as const },
];

/** d) The HTTP headline and its ceiling across runs, oldest first (`runs` come newest first). */
export function HistoryOfRuns({ runs }: { runs: readonly BenchRun[] }) {
  const oldestFirst = [...runs].reverse();
  const series = historyLines.map((line) => ({
    ...line,
    values: oldestFirst.map(
      (run) => findRow(run, line.key, headlineDropId)?.decisionsPerSecond ?? null,
    ),
  }));
  const describe = (line: (typeof series)[number]) => {
    const measured = line.values.filter((value): value is number => value !== null);
    if (measured.length === 0) return `${line.label}: not measured`;
    return `${line.label} from ${formatRate(measured[0] ?? null)} to ${formatRate(measured[measured.length - 1] ?? null)}`;
  };
  return (
    <HistoryChart
      title="Decisions per second over runs, 200 units over HTTP"
      summary={`Decisions per second on the 200-unit drop over the last ${runs.length} runs, oldest to newest: ${series.map(describe).join('; ')}`}
      runLabels={oldestFirst.map((run) => formatDateTime(run.ranAt))}
      series={series}
    />
  );
}
