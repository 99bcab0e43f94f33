/**
 * Scales for the benchmark charts, as pure functions of the data: a position is a share of the
 * plot's length (0 at the axis, 1 at its end), so the charts only multiply by their width.
 */

export interface Scale {
  /** The axis' two ends, in the data's units. */
  min: number;
  max: number;
  /** Where to draw ticks, in the data's units, from `min` to `max`. */
  ticks: number[];
  /** Where `value` sits along the axis, clamped to 0-1. */
  position(value: number): number;
}

const clamp = (share: number) => Math.min(1, Math.max(0, share));

/**
 * A base-10 logarithmic scale from the power of ten at or below the smallest positive value to
 * the one at or above the largest, with a tick on each power. Rates span 1,000 to 1,000,000 in
 * one run, which a linear axis would flatten to a few visible bars. Zero and negative values
 * (nothing measured) sit on the axis. With no positive value the scale spans `fallback`.
 */
export function logScale(values: readonly number[], fallback: [number, number] = [1, 10]): Scale {
  const positive = values.filter((value) => value > 0 && Number.isFinite(value));
  const [low, high] =
    positive.length === 0
      ? fallback.map(Math.log10)
      : [
          Math.floor(Math.log10(Math.min(...positive)) + 1e-9),
          Math.ceil(Math.log10(Math.max(...positive)) - 1e-9),
        ];
  const lowPower = Math.round(low as number);
  // A single power of ten (all values equal to it) still needs a decade to draw across.
  const highPower = Math.max(Math.round(high as number), lowPower + 1);
  const ticks: number[] = [];
  for (let power = lowPower; power <= highPower; power += 1) ticks.push(powerOfTen(power));
  return {
    min: powerOfTen(lowPower),
    max: powerOfTen(highPower),
    ticks,
    position(value) {
      if (!(value > 0)) return 0;
      return clamp((Math.log10(value) - lowPower) / (highPower - lowPower));
    },
  };
}

/** 10^power without floating-point residue: 10 ** -3 is 0.0010000000000000002. */
function powerOfTen(power: number): number {
  return power >= 0 ? 10 ** power : Number(`1e${power}`);
}

/**
 * A linear scale from 0 to a round number at or above the largest value (and at or above
 * `atLeast`, so a reference line such as a target always fits), with 4-6 round ticks.
 */
export function linearScale(values: readonly number[], atLeast = 0): Scale {
  const largest = Math.max(atLeast, ...values.filter(Number.isFinite));
  const step = roundStep(largest > 0 ? largest / 4 : 1);
  const max = Math.max(step, Math.ceil(largest / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let index = 0; index * step <= max + step / 1e6; index += 1) {
    ticks.push(Number((index * step).toPrecision(12)));
  }
  return { min: 0, max, ticks, position: (value) => clamp(value / max) };
}

/** The round step (1, 2 or 5 times a power of ten) at or above `rough`. */
function roundStep(rough: number): number {
  const power = Math.floor(Math.log10(rough));
  const base = powerOfTen(power);
  const multiple = [1, 2, 5, 10].find((candidate) => candidate * base >= rough - 1e-12) ?? 10;
  return Number((multiple * base).toPrecision(12));
}

/** A rate's tick: 1k, 10k, 100k, 1M. */
export function formatRateTick(value: number): string {
  if (value >= 1e6) return `${trim(value / 1e6)}M`;
  if (value >= 1e3) return `${trim(value / 1e3)}k`;
  return trim(value);
}

/** A latency's tick, in the unit that keeps it short: 1µs, 100µs, 1ms, 50ms, 1s. */
export function formatDurationTick(milliseconds: number): string {
  if (milliseconds === 0) return '0';
  if (milliseconds >= 1000) return `${trim(milliseconds / 1000)}s`;
  if (milliseconds >= 1) return `${trim(milliseconds)}ms`;
  return `${trim(milliseconds * 1000)}µs`;
}

function trim(value: number): string {
  return String(Number(value.toPrecision(6)));
}
