import { formatRate } from './benchmarkFormat';
import { formatRateTick, linearScale } from './scales';

export interface HistorySeries {
  key: string;
  label: string;
  tone: 'ceiling' | 'mydrop';
  /** One value per run, oldest first; null where the run did not measure it. */
  values: Array<number | null>;
}

interface Props {
  title: string;
  summary: string;
  /** The runs' labels along the x axis, oldest first. */
  runLabels: string[];
  series: HistorySeries[];
}

const width = 800;
const height = 220;
const plotLeft = 56;
const plotRight = width - 24;
const plotTop = 16;
const plotBottom = height - 40;

/**
 * A figure across runs as lines over a linear axis from zero, one point per run, oldest on the
 * left. Runs are spaced evenly, not by date: they come in bursts, an evening apart.
 */
export function HistoryChart({ title, summary, runLabels, series }: Props) {
  const scale = linearScale(series.flatMap((line) => line.values.filter(isNumber)));
  const step = runLabels.length > 1 ? (plotRight - plotLeft) / (runLabels.length - 1) : 0;
  const x = (index: number) => plotLeft + index * step;
  const y = (value: number) => plotBottom - scale.position(value) * (plotBottom - plotTop);
  // Only the first, the last and a few between keep their date label, so labels never overlap.
  const labelEvery = Math.max(1, Math.ceil(runLabels.length / 6));

  return (
    <figure className="bench-chart">
      <svg
        className="bench-chart-svg"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={summary}
      >
        <title>{title}</title>
        {scale.ticks.map((tick) => (
          <g key={tick} className="bench-tick">
            <line x1={plotLeft} x2={plotRight} y1={y(tick)} y2={y(tick)} />
            <text x={plotLeft - 6} y={y(tick) + 4} textAnchor="end">
              {formatRateTick(tick)}
            </text>
          </g>
        ))}
        {runLabels.map((label, index) =>
          index % labelEvery === 0 || index === runLabels.length - 1 ? (
            <text
              // biome-ignore lint/suspicious/noArrayIndexKey: runs are listed once, in order.
              key={index}
              className="bench-run-label"
              x={x(index)}
              y={plotBottom + 18}
              textAnchor={index === 0 ? 'start' : index === runLabels.length - 1 ? 'end' : 'middle'}
            >
              {label}
            </text>
          ) : null,
        )}
        {series.map((line) => {
          const points = line.values.flatMap((value, index) =>
            value === null ? [] : [{ index, value }],
          );
          return (
            <g key={line.key} className={`bench-series bench-series-${line.tone}`}>
              <polyline
                points={points.map((point) => `${x(point.index)},${y(point.value)}`).join(' ')}
              />
              {points.map((point) => (
                <circle key={point.index} cx={x(point.index)} cy={y(point.value)} r={4}>
                  <title>{`${line.label}, ${runLabels[point.index]}: ${formatRate(point.value)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <p className="bench-legend hint">
        {series.map((line) => (
          <span key={line.key}>
            <span className={`bench-key bench-key-${line.tone}`} aria-hidden="true" />
            {line.label}
          </span>
        ))}
      </p>
      <details className="bench-chart-data">
        <summary>Figures in this chart</summary>
        <table className="table">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              {series.map((line) => (
                <th key={line.key} scope="col" className="numeric">
                  {line.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {runLabels.map((label, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: runs are listed once, in order.
              <tr key={index}>
                <th scope="row">{label}</th>
                {series.map((line) => (
                  <td key={line.key} className="numeric">
                    {formatRate(line.values[index] ?? null)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

function isNumber(value: number | null): value is number {
  return value !== null;
}
