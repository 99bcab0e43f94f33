import { describe, expect, it } from 'vitest';
import { defaultMarketLowStockThreshold } from './market-threshold.js';

describe('a market’s default low-stock threshold', () => {
  it("scales the offer's threshold to the market's share of the units", () => {
    expect(defaultMarketLowStockThreshold(20, 60, 100)).toBe(12);
    expect(defaultMarketLowStockThreshold(20, 40, 100)).toBe(8);
  });

  it('rounds up, so a small market still warns before it is empty', () => {
    expect(defaultMarketLowStockThreshold(10, 10, 30)).toBe(4);
    expect(defaultMarketLowStockThreshold(1, 5, 100)).toBe(1);
  });

  it("stays below the market's units, as a threshold given with the arm must", () => {
    expect(defaultMarketLowStockThreshold(20, 2, 3)).toBe(1);
    expect(defaultMarketLowStockThreshold(20, 1, 3)).toBe(0);
    expect(defaultMarketLowStockThreshold(1, 1, 100)).toBe(0);
  });

  it('is 0 when the offer warns at 0 or the market has no units', () => {
    expect(defaultMarketLowStockThreshold(0, 50, 100)).toBe(0);
    expect(defaultMarketLowStockThreshold(20, 0, 100)).toBe(0);
  });
});
