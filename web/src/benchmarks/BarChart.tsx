import type { Scale } from './scales';

/** One horizontal bar: a scenario's figure on one drop. A null value draws no bar. */
export interface ChartBar {
  key: string;
  label: string;
  value: number | null;
  valueLabel: string;
  tone: 'ceiling' | 'mydrop' | 'baseline';
}

export interface ChartGroup {
  label: string;
  bars: ChartBar[];
}

interface Props {
  /** The chart's name: its <title> and the caption of its data table. */
  title: string;
  /** What the chart shows, in a sentence, for screen readers (aria-label). */
  summary: string;
  groups: ChartGroup[];
  scale: Scale;
  formatTick: (value: number) => string;
  /** A target drawn as a dashed line across the bars. */
  reference?: { value: number; label: string };
  /** The data table's column heading for the values. */
  valueHeading: string;
}

// Drawing units of the viewBox; the SVG scales to the card's width.
const width = 800;
const labelRight = 296;
const plotLeft = 304;
const plotWidth = 380;
const barHeight = 14;
const rowHeight = 20;
const groupHeight = 24;
const top = 20;
const axisHeight = 24;

/**
 * Horizontal bars grouped by drop, in plain SVG like StockBar: the scale decides where a value
 * ends (log or linear), ticks and an optional target line are drawn across the plot, and every
 * bar carries its value. The same figures follow as a table for anyone who cannot see it.
 */
export function BarChart({
  title,
  summary,
  groups,
  scale,
  formatTick,
  reference,
  valueHeading,
}: Props) {
  let y = top;
  const laidOut = groups.map((group) => {
    const headingY = y + 16;
    y += groupHeight;
    const bars = group.bars.map((bar) => {
      const barY = y;
      y += rowHeight;
      return { bar, y: barY };
    });
    return { group, headingY, bars };
  });
  const plotBottom = y;
  const height = plotBottom + axisHeight;
  const x = (value: number) => plotLeft + scale.position(value) * plotWidth;

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
            <line x1={x(tick)} x2={x(tick)} y1={top} y2={plotBottom} />
            <text x={x(tick)} y={plotBottom + 16} textAnchor="middle">
              {formatTick(tick)}
            </text>
          </g>
        ))}
        {laidOut.map(({ group, headingY, bars }) => (
          <g key={group.label}>
            <text className="bench-group-label" x={8} y={headingY}>
              {group.label}
            </text>
            {bars.map(({ bar, y: barY }) => (
              <g key={bar.key}>
                <text
                  className="bench-bar-label"
                  x={labelRight}
                  y={barY + barHeight - 3}
                  textAnchor="end"
                >
                  {bar.label}
                </text>
                {bar.value !== null && (
                  <rect
                    className={`bench-bar bench-bar-${bar.tone}`}
                    x={plotLeft}
                    y={barY}
                    width={Math.max(1, x(bar.value) - plotLeft)}
                    height={barHeight}
                  >
                    <title>{`${bar.label}: ${bar.valueLabel}`}</title>
                  </rect>
                )}
                <text
                  className="bench-bar-value"
                  x={(bar.value === null ? plotLeft : x(bar.value)) + 6}
                  y={barY + barHeight - 3}
                >
                  {bar.value === null ? 'not measured' : bar.valueLabel}
                </text>
              </g>
            ))}
          </g>
        ))}
        <line className="bench-axis" x1={plotLeft} x2={plotLeft} y1={top} y2={plotBottom} />
        {reference && (
          <g className="bench-reference" data-testid="bench-reference">
            <line
              x1={x(reference.value)}
              x2={x(reference.value)}
              y1={top - 6}
              y2={plotBottom}
              strokeDasharray="6 4"
            />
            <text x={x(reference.value)} y={top - 9} textAnchor="middle">
              {reference.label}
            </text>
          </g>
        )}
      </svg>
      <details className="bench-chart-data">
        <summary>Figures in this chart</summary>
        <table className="table">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Drop</th>
              <th scope="col">Scenario</th>
              <th scope="col" className="numeric">
                {valueHeading}
              </th>
            </tr>
          </thead>
          <tbody>
            {groups.flatMap((group) =>
              group.bars.map((bar) => (
                <tr key={`${group.label}-${bar.key}`}>
                  <td>{group.label}</td>
                  <th scope="row">{bar.label}</th>
                  <td className="numeric">{bar.value === null ? '—' : bar.valueLabel}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
