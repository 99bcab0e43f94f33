import { describe, expect, it } from 'vitest';
import { formatDurationTick, formatRateTick, linearScale, logScale } from './scales';

describe('logScale', () => {
  const rates = logScale([1_072, 3_202, 13_895, 22_820, 565_554, 870_172]);

  it('spans whole decades around the values, with a tick on each power of ten', () => {
    expect(rates.min).toBe(1_000);
    expect(rates.max).toBe(1_000_000);
    expect(rates.ticks).toEqual([1_000, 10_000, 100_000, 1_000_000]);
    expect(rates.ticks.map(formatRateTick)).toEqual(['1k', '10k', '100k', '1M']);
  });

  it('places each power of ten an equal step apart, and values between them by their log', () => {
    expect(rates.ticks.map((tick) => rates.position(tick))).toEqual([0, 1 / 3, 2 / 3, 1]);
    expect(rates.position(31_623)).toBeCloseTo(0.5, 4);
    expect(rates.position(22_820)).toBeGreaterThan(rates.position(13_895));
  });

  it('puts nothing measured on the axis and keeps positions within the plot', () => {
    expect(rates.position(0)).toBe(0);
    expect(rates.position(-5)).toBe(0);
    expect(rates.position(10_000_000)).toBe(1);
  });

  it('reaches below one for latencies, without floating-point residue in the ticks', () => {
    const latencies = logScale([0.001, 0.011, 52, 1_147]);
    expect(latencies.ticks).toEqual([0.001, 0.01, 0.1, 1, 10, 100, 1_000, 10_000]);
    expect(latencies.ticks.map(formatDurationTick)).toEqual([
      '1µs',
      '10µs',
      '100µs',
      '1ms',
      '10ms',
      '100ms',
      '1s',
      '10s',
    ]);
    expect(latencies.position(50)).toBeCloseTo((Math.log10(50) + 3) / 7, 6);
  });

  it('draws a decade when every value is the same power of ten, and a fallback with none', () => {
    expect(logScale([1_000, 1_000]).ticks).toEqual([1_000, 10_000]);
    expect(logScale([], [1_000, 1_000_000]).ticks).toEqual([1_000, 10_000, 100_000, 1_000_000]);
  });
});

describe('linearScale', () => {
  it('ends on a round number at or above the largest value and the reference line', () => {
    const ratios = linearScale([0.32, 0.61, 1.29], 0.7);
    expect(ratios.max).toBe(1.5);
    expect(ratios.ticks).toEqual([0, 0.5, 1, 1.5]);
    expect(ratios.position(0.7)).toBeCloseTo(0.7 / 1.5, 9);
    expect(linearScale([13_895, 22_820]).ticks).toEqual([0, 10_000, 20_000, 30_000]);
    expect(linearScale([]).ticks).toEqual([0, 1]);
  });
});
