import './benchmarks.css';
import { useQuery } from '../api/useQuery';
import { EmptyState, ErrorMessage, Loading, PageHeader } from '../common/feedback';
import { formatDateTime, formatNumber } from '../common/format';
import { formatRate } from './benchmarkFormat';
import { type BenchRun, type BenchRuns, dropRunsPath, type Verdict } from './benchmarksApi';
import { CeilingRatioChart, DecisionsChart, HistoryOfRuns, LatencyChart } from './DropCharts';
import { ResultsTable } from './ResultsTable';

/** The drop benchmark's recorded runs: the latest in charts and a table, the trend across runs. */
export function BenchmarksPage() {
  const { data, error, loading, reload } = useQuery<BenchRuns>(dropRunsPath);
  const runs = data?.runs ?? [];
  const latest = runs[0];
  return (
    <>
      <PageHeader
        title="Benchmarks"
        description="The drop benchmark: how many claims Mydrop decides per second in a drop, how fast, and whether it ever oversells, next to the fastest a server can go and the usual PostgreSQL designs."
      />
      {loading && !data ? (
        <Loading label="Loading benchmark runs…" />
      ) : error ? (
        <ErrorMessage error={error} onRetry={reload} />
      ) : !latest ? (
        <EmptyState title="No benchmark runs recorded yet">
          <p>
            Run <code>npm run bench:drop</code> in the Mydrop checkout on the server&apos;s machine:
            every run is recorded and shows here, with charts of its figures and the issue&apos;s
            targets.
          </p>
        </EmptyState>
      ) : (
        <LatestRun latest={latest} runs={runs} />
      )}
    </>
  );
}

function LatestRun({ latest, runs }: { latest: BenchRun; runs: readonly BenchRun[] }) {
  return (
    <>
      <RunSummary run={latest} runCount={runs.length} />
      <section className="card" aria-labelledby="bench-targets-heading">
        <h2 id="bench-targets-heading">Targets (200-unit drop)</h2>
        <Targets run={latest} />
      </section>
      <section className="card" aria-labelledby="bench-decisions-heading">
        <div className="card-header">
          <h2 id="bench-decisions-heading">Decisions per second</h2>
          <p className="hint">
            Claims answered per second during the burst, on a log scale: each step is ten times the
            one before.
          </p>
        </div>
        <ToneLegend />
        <DecisionsChart run={latest} />
      </section>
      <section className="card" aria-labelledby="bench-latency-heading">
        <div className="card-header">
          <h2 id="bench-latency-heading">p99 latency, 200 units</h2>
          <p className="hint">
            The slowest 1% of answers as the shopper saw them, with 256 shoppers in flight.
          </p>
        </div>
        <ToneLegend />
        <LatencyChart run={latest} />
      </section>
      <section className="card" aria-labelledby="bench-ratio-heading">
        <div className="card-header">
          <h2 id="bench-ratio-heading">Share of the ceiling</h2>
          <p className="hint">
            Mydrop&apos;s rate divided by the same driver around a decision that does nothing: the
            no-op in process, bare node:http over HTTP.
          </p>
        </div>
        <CeilingRatioChart run={latest} />
      </section>
      {runs.length >= 2 && (
        <section className="card" aria-labelledby="bench-history-heading">
          <div className="card-header">
            <h2 id="bench-history-heading">Across runs</h2>
            <p className="hint">
              200 units over HTTP, in the last {formatNumber(runs.length)} recorded runs. The
              machine is shared: differences under about 30% between runs are noise.
            </p>
          </div>
          <HistoryOfRuns runs={runs} />
        </section>
      )}
      <section className="card" aria-labelledby="bench-table-heading">
        <h2 id="bench-table-heading">Every scenario</h2>
        <ResultsTable rows={latest.rows} />
        {latest.decisionCorePerSecond !== null && (
          <p className="hint">
            Decision core alone (OfferBook.claim in a bare loop: no driver, no promises, no
            durability wait): {formatRate(latest.decisionCorePerSecond)}.
          </p>
        )}
      </section>
    </>
  );
}

function RunSummary({ run, runCount }: { run: BenchRun; runCount: number }) {
  const { machine } = run;
  return (
    <section className="card bench-run" aria-labelledby="bench-run-heading">
      <h2 id="bench-run-heading">
        Latest run: <time dateTime={run.ranAt}>{formatDateTime(run.ranAt)}</time>
      </h2>
      <dl className="bench-facts">
        <div>
          <dt>Machine</dt>
          <dd>
            {machine.cpu}, {formatNumber(machine.cores)} cores, {formatNumber(machine.memoryGiB)}{' '}
            GiB
          </dd>
        </div>
        <div>
          <dt>Node</dt>
          <dd>{machine.node}</dd>
        </div>
        <div>
          <dt>PostgreSQL</dt>
          <dd>{machine.postgres ?? 'not reachable'}</dd>
        </div>
        <div>
          <dt>Load at start</dt>
          <dd>{machine.loadAtStart.map((load) => load.toFixed(2)).join(' ')}</dd>
        </div>
        <div>
          <dt>Shoppers per drop</dt>
          <dd>
            {formatNumber(run.shoppers)} ({formatNumber(run.inProcessShoppers)} in process),{' '}
            {formatNumber(run.lanes)} in flight
          </dd>
        </div>
        <div>
          <dt>Recorded runs</dt>
          <dd>{formatNumber(runCount)}</dd>
        </div>
      </dl>
      <p className="hint">
        How to read this: each figure is defined in docs/benchmarks.md (what one drop is, what
        counts as a decision, how oversold units are audited). Compare rows within one run; a
        ceiling is the most any system can show through the same driver.
      </p>
    </section>
  );
}

const verdictBadge: Record<Verdict, { className: string; text: string }> = {
  met: { className: 'badge badge-ok', text: 'MET' },
  missed: { className: 'badge bench-badge-danger', text: 'MISSED' },
  'not measured': { className: 'badge badge-quiet', text: 'NOT MEASURED' },
};

function Targets({ run }: { run: BenchRun }) {
  if (run.targets.length === 0) return <p className="muted">This run judged no targets.</p>;
  return (
    <ul className="bench-targets">
      {run.targets.map((target) => {
        const badge = verdictBadge[target.verdict];
        return (
          <li key={target.label} data-testid="bench-target">
            <span className={badge.className}>{badge.text}</span>
            <span className="bench-target-label">{target.label}</span>
            <span className="hint">{target.detail}</span>
          </li>
        );
      })}
    </ul>
  );
}

function ToneLegend() {
  return (
    <p className="bench-legend hint">
      <span>
        <span className="bench-key bench-key-ceiling" aria-hidden="true" />
        Ceiling (the driver around a decision that does nothing)
      </span>
      <span>
        <span className="bench-key bench-key-mydrop" aria-hidden="true" />
        Mydrop
      </span>
      <span>
        <span className="bench-key bench-key-baseline" aria-hidden="true" />
        PostgreSQL baseline
      </span>
    </p>
  );
}
