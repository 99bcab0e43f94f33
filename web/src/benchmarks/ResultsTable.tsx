import { formatCount, formatMs, formatRate, formatRatio, formatSeconds } from './benchmarkFormat';
import type { BenchRow } from './benchmarksApi';

/** Oversold units: a ceiling's are the shoppers' own count, every other row's the database's. */
function Oversold({ row }: { row: BenchRow }) {
  if (row.oversold === null) return <>—</>;
  const text = formatCount(row.oversold);
  return (
    <>
      {row.oversold > 0 ? (
        <span className="badge bench-badge-danger" data-testid="oversold-badge">
          {text}
        </span>
      ) : (
        text
      )}
      {row.role === 'ceiling' && <span className="muted"> (client)</span>}
    </>
  );
}

/** Every row of one run, as the benchmark prints its table. */
export function ResultsTable({ rows }: { rows: readonly BenchRow[] }) {
  return (
    <div className="table-scroll">
      <table className="table bench-results">
        <thead>
          <tr>
            <th scope="col">Scenario</th>
            <th scope="col">Drop</th>
            <th scope="col">Hold TTL</th>
            <th scope="col" className="numeric">
              Decisions/s
            </th>
            <th scope="col" className="numeric">
              p50
            </th>
            <th scope="col" className="numeric">
              p99
            </th>
            <th scope="col" className="numeric">
              Winners p99
            </th>
            <th scope="col" className="numeric">
              Sell-out
            </th>
            <th scope="col" className="numeric">
              Oversold
            </th>
            <th scope="col" className="numeric">
              vs ceiling
            </th>
            <th scope="col" className="numeric">
              vs best PG
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={`${row.key}:${row.name}:${row.drop?.id ?? ''}`}
              className={`bench-row-${row.role}`}
            >
              <th scope="row">
                {row.name}
                {row.note && <span className="bench-note hint">{row.note}</span>}
              </th>
              <td>{row.drop?.label ?? '—'}</td>
              <td>{row.holdTtlSeconds === null ? 'none' : `${row.holdTtlSeconds} s`}</td>
              <td className="numeric">{formatRate(row.decisionsPerSecond)}</td>
              <td className="numeric">{formatMs(row.p50Ms)}</td>
              <td className="numeric">{formatMs(row.p99Ms)}</td>
              <td className="numeric">{formatMs(row.winnersP99Ms)}</td>
              <td className="numeric">{formatSeconds(row.sellOutMs)}</td>
              <td className="numeric" data-testid="oversold">
                <Oversold row={row} />
              </td>
              <td className="numeric">{formatRatio(row.vsCeiling)}</td>
              <td className="numeric">{formatRatio(row.vsBestBaseline)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
