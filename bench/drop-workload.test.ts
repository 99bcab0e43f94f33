import { describe, expect, it } from 'vitest';
import {
  abandonsHold,
  oversoldUnits,
  peakOccupancy,
  percentile,
  ratio,
  reportedRound,
  retriesClaim,
  summarizeLatencies,
} from './drop-workload.js';

describe('the drop workload', () => {
  it('has one shopper in ten retry with the same key', () => {
    const retrying = Array.from({ length: 1000 }, (_, index) => index).filter(retriesClaim);
    expect(retrying).toHaveLength(100);
  });

  it('has three winners in ten abandon, the very first among them', () => {
    const abandoning = Array.from({ length: 200 }, (_, index) => index).filter(abandonsHold);
    expect(abandoning).toHaveLength(60);
    expect(abandonsHold(0)).toBe(true);
  });
});

describe('percentile', () => {
  const sorted = Array.from({ length: 100 }, (_, index) => index + 1);

  it('answers the nearest-rank value', () => {
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('answers NaN when there are no samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes unsorted latencies', () => {
    const samples = Float64Array.from([5, 1, 3, 2, 4]);
    expect(summarizeLatencies(samples)).toEqual({ p50Ms: 3, p99Ms: 5, maxMs: 5 });
    expect(Array.from(samples)).toEqual([5, 1, 3, 2, 4]);
  });
});

describe('peakOccupancy', () => {
  it('counts units committed at the same time', () => {
    expect(
      peakOccupancy([
        { start: 0, end: 10, units: 1 },
        { start: 5, end: Number.POSITIVE_INFINITY, units: 2 },
        { start: 20, end: 30, units: 1 },
      ]),
    ).toBe(3);
  });

  it('lets a unit given back at t be taken again at t', () => {
    expect(
      peakOccupancy([
        { start: 0, end: 10, units: 1 },
        { start: 10, end: Number.POSITIVE_INFINITY, units: 1 },
      ]),
    ).toBe(1);
  });
});

describe('oversoldUnits', () => {
  const clean = { reserved: 200, sold: 140, held: 60, peakCommitted: 200, problems: [] };

  it('is 0 when the books balance', () => {
    expect(oversoldUnits(clean)).toBe(0);
  });

  it('counts units sold and held beyond the reserve', () => {
    expect(oversoldUnits({ ...clean, sold: 150 })).toBe(10);
  });

  it('counts a moment with more units committed than reserved, even if it ended', () => {
    expect(oversoldUnits({ ...clean, sold: 10, held: 0, peakCommitted: 203 })).toBe(3);
  });
});

describe('ratio', () => {
  it('shows two decimals below 10x and none above', () => {
    expect(ratio(500, 1000)).toBe('0.50x');
    expect(ratio(25_000, 1000)).toBe('25x');
  });

  it('shows a dash when a figure is missing', () => {
    expect(ratio(null, 1000)).toBe('-');
    expect(ratio(1000, 0)).toBe('-');
  });
});

describe('the reported round of a drop measured several times', () => {
  const clean = (reserved: number) => ({
    reserved,
    sold: reserved,
    held: 0,
    peakCommitted: reserved,
    problems: [],
  });

  it('is the median by rate', () => {
    const rounds = [900, 1200, 1000].map((rate) => ({ rate, audit: clean(200) }));
    expect(reportedRound(rounds).rate).toBe(1000);
    expect(reportedRound(rounds.slice(0, 2)).rate).toBe(900);
  });

  it('is the round that oversold, however fast the others were', () => {
    const oversold = { rate: 2000, audit: { ...clean(200), sold: 203 } };
    const rounds = [{ rate: 900, audit: clean(200) }, oversold, { rate: 1000, audit: clean(200) }];
    expect(reportedRound(rounds)).toBe(oversold);
    const problem = { rate: 100, audit: { ...clean(200), problems: ['order without hold'] } };
    expect(reportedRound([{ rate: 900, audit: clean(200) }, problem])).toBe(problem);
  });
});
