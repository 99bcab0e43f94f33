/** Prices in text (major units, as people write them) to integer minor units, per currency. */

let knownCurrencies: ReadonlySet<string> | undefined;

/**
 * How many minor-unit digits an ISO 4217 currency has (EUR 2, JPY 0, BHD 3), or undefined when
 * the runtime's ICU does not know the code. `Intl.NumberFormat` alone accepts any three letters.
 */
export function currencyMinorDigits(currency: string): number | undefined {
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  const code = currency.toUpperCase();
  if (!knownCurrencies.has(code)) return undefined;
  return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
    .maximumFractionDigits;
}

/** Prices and stock are PostgreSQL integer columns. */
export const maxInteger = 2_147_483_647;

export type MinorUnitsResult = { ok: true; minor: number } | { ok: false; message: string };

/**
 * Reads a decimal such as `29.90` or `29` in major units. Works on the digits as text, so
 * `0.29` is exactly 29 cents rather than whatever 0.29 * 100 is in floating point.
 */
export function toMinorUnits(text: string, digits: number): MinorUnitsResult {
  const shape =
    digits === 0 ? 'must be a whole number' : `must be a number with at most ${digits} decimals`;
  if (text.startsWith('-')) return { ok: false, message: 'must not be negative' };
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return { ok: false, message: `${shape}, such as ${digits === 0 ? '1500' : '29.90'}` };
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return { ok: false, message: shape };
  const minor = Number(whole + fraction.padEnd(digits, '0'));
  if (minor > maxInteger) return { ok: false, message: 'is too large' };
  return { ok: true, minor };
}
