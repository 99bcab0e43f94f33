/** Prices are typed in major units (29.90) and sent as integer minor units (2990). */

/** How many decimals `currency` has: 2 for EUR, 0 for JPY, 3 for BHD. */
export function currencyDigits(currency: string): number | null {
  try {
    const options = new Intl.NumberFormat('en', {
      style: 'currency',
      currency,
    }).resolvedOptions();
    return options.maximumFractionDigits ?? 2;
  } catch {
    return null;
  }
}

export type ParsedAmount = { ok: true; minor: number } | { ok: false; message: string };

/**
 * "29.90" → 2990 for EUR. A single comma is read as the decimal separator (29,90), since
 * people type prices the way their locale writes them; thousands separators are refused.
 */
export function parseMajorAmount(text: string, currency: string): ParsedAmount {
  const digits = currencyDigits(currency);
  if (digits === null) return { ok: false, message: 'needs a valid currency first' };
  const trimmed = text.trim();
  const normalised = /^\d+,\d+$/.test(trimmed) ? trimmed.replace(',', '.') : trimmed;
  const match = /^(\d+)(?:\.(\d+))?$/.exec(normalised);
  if (!match) return { ok: false, message: 'must be an amount such as 29.90' };
  const [, whole = '0', fraction = ''] = match;
  if (fraction.length > digits) {
    return {
      ok: false,
      message:
        digits === 0 ? `${currency} has no decimals` : `${currency} has at most ${digits} decimals`,
    };
  }
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return { ok: false, message: 'is too large' };
  return { ok: true, minor };
}

/** 2990 EUR → "29.90": the text a form field starts with when editing. */
export function minorToMajorText(minor: number, currency: string): string {
  const digits = currencyDigits(currency) ?? 2;
  if (digits === 0) return String(minor);
  const whole = Math.floor(minor / 10 ** digits);
  const fraction = String(minor % 10 ** digits).padStart(digits, '0');
  return `${whole}.${fraction}`;
}
