/** Display helpers. Timestamps arrive as UTC ISO strings and are shown in the browser's zone. */

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat | null {
  const cached = moneyFormats.get(currency);
  if (cached) return cached;
  try {
    const format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    moneyFormats.set(currency, format);
    return format;
  } catch {
    return null;
  }
}

/** Formats an amount in minor units (cents, pence; yen have none) as money in `currency`. */
export function formatMoney(minor: number, currency: string): string {
  const format = moneyFormat(currency);
  if (!format) return `${minor} ${currency} (minor units)`;
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat().format(value);
}

/** "social_ops" → "Social ops". */
export function roleLabel(role: string | null | undefined): string {
  if (!role) return 'No role';
  const words = role.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
