/** How prices, countdowns and deadlines read on shopper pages. */

const formatters = new Map<string, Intl.NumberFormat>();

function currencyFormatter(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * Formats integer minor units in their currency: 1900 EUR is €19.00, 1500 JPY is ¥1,500.
 * The number of minor digits comes from the currency itself, never a fixed 100.
 */
export function formatPrice(minor: number, currency: string, locale = 'en'): string {
  let formatter: Intl.NumberFormat;
  try {
    formatter = currencyFormatter(currency.toUpperCase(), locale);
  } catch {
    // An unknown currency code still shows the amount rather than failing the page.
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(minor / 10 ** digits);
}

/** "9:05" for 545 seconds, "1:02:03" past an hour; never negative. */
export function formatRemaining(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "18:10 UTC": deadlines are shown in UTC on no-JavaScript pages, which cannot localise. */
export function formatUtcTime(at: Date): string {
  return `${at.toISOString().slice(11, 16)} UTC`;
}
