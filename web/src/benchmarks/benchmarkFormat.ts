/** How the benchmark's figures read on the page: grouped thousands, in the viewer's locale. */

const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const formats = new Map<number, Intl.NumberFormat>();

function withDigits(digits: number): Intl.NumberFormat {
  let format = formats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat(undefined, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formats.set(digits, format);
  }
  return format;
}

export function formatRate(perSecond: number | null): string {
  return perSecond === null ? '—' : `${whole.format(perSecond)}/s`;
}

/** As the printed table: three decimals under 1 ms, two under 10 ms, whole above. */
export function formatMs(milliseconds: number | null): string {
  if (milliseconds === null) return '—';
  const digits = milliseconds < 1 ? 3 : milliseconds < 10 ? 2 : 0;
  return `${withDigits(digits).format(milliseconds)} ms`;
}

export function formatRatio(ratio: number | null): string {
  if (ratio === null) return '—';
  return `${withDigits(ratio >= 100 ? 0 : 2).format(ratio)}x`;
}

export function formatSeconds(milliseconds: number | null): string {
  return milliseconds === null ? '—' : `${withDigits(1).format(milliseconds / 1000)} s`;
}

export function formatCount(value: number | null): string {
  return value === null ? '—' : whole.format(value);
}

/** The widest scenario name the charts' label column holds (the data tables keep the whole). */
const chartLabelLength = 44;

/**
 * A scenario's name for a chart's label column: package names shortened, then the "Baseline:"
 * the bar's colour already says, then cut.
 */
export function chartLabel(name: string): string {
  let short = name.replace(/@medusajs\/inventory \(Medusa ([\d.]+)\)/, 'Medusa $1 inventory');
  if (short.length > chartLabelLength) short = short.replace(/^Baseline: /, '');
  return short.length <= chartLabelLength ? short : `${short.slice(0, chartLabelLength - 1)}…`;
}
