import { describe, expect, it } from 'vitest';
import { currencyMinorDigits, toMinorUnits } from './money.js';

describe('currencyMinorDigits', () => {
  it('knows how many minor-unit digits each currency has', () => {
    expect(currencyMinorDigits('EUR')).toBe(2);
    expect(currencyMinorDigits('jpy')).toBe(0);
    expect(currencyMinorDigits('BHD')).toBe(3);
  });

  it('does not know three letters that are no currency', () => {
    expect(currencyMinorDigits('ABC')).toBeUndefined();
  });
});

describe('toMinorUnits', () => {
  it('reads major units exactly, without floating-point drift', () => {
    expect(toMinorUnits('29.90', 2)).toEqual({ ok: true, minor: 2990 });
    expect(toMinorUnits('29.9', 2)).toEqual({ ok: true, minor: 2990 });
    expect(toMinorUnits('0.29', 2)).toEqual({ ok: true, minor: 29 });
    expect(toMinorUnits('1500', 0)).toEqual({ ok: true, minor: 1500 });
    expect(toMinorUnits('1.234', 3)).toEqual({ ok: true, minor: 1234 });
  });

  it('refuses more decimals than the currency has', () => {
    expect(toMinorUnits('29.999', 2)).toEqual({
      ok: false,
      message: 'must be a number with at most 2 decimals',
    });
    expect(toMinorUnits('10.5', 0)).toEqual({ ok: false, message: 'must be a whole number' });
  });

  it('refuses negative, malformed and too large amounts', () => {
    expect(toMinorUnits('-5', 2)).toEqual({ ok: false, message: 'must not be negative' });
    expect(toMinorUnits('29,90', 2)).toMatchObject({ ok: false });
    expect(toMinorUnits('1e3', 2)).toMatchObject({ ok: false });
    expect(toMinorUnits('.5', 2)).toMatchObject({ ok: false });
    expect(toMinorUnits('99999999', 2)).toEqual({ ok: false, message: 'is too large' });
  });
});
