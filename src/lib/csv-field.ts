/**
 * One CSV field for an export opened in a spreadsheet: dates as ISO 8601 UTC, empty for
 * null, quoted when it holds a separator, and a leading `'` before anything a spreadsheet
 * would run as a formula (CSV injection).
 */
export function csvField(value: unknown): string {
  const text =
    value instanceof Date
      ? value.toISOString()
      : value === null || value === undefined
        ? ''
        : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
