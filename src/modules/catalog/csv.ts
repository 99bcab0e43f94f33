/**
 * CSV as RFC 4180 describes it, plus what spreadsheets actually write: fields separated by
 * commas, records by CRLF or LF, fields in double quotes may hold commas, line breaks and
 * doubled quotes (""), and a UTF-8 byte order mark at the start is dropped.
 *
 * Two leniencies, both what Excel and Python's csv module do: a quote inside an unquoted field
 * is kept as text (12" vinyl), and a lone CR is kept as text rather than ending the record.
 */

export interface CsvRecord {
  /** 1-based line of the file where the record starts; later records shift when one spans lines. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  readonly line: number;

  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
    this.line = line;
  }
}

const byteOrderMark = '\uFEFF';

/** Splits CSV text into records. A line break at the very end does not start another record. */
export function parseCsv(input: string): CsvRecord[] {
  const text = input.startsWith(byteOrderMark) ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let recordLine = 1;
  let line = 1;
  let index = 0;

  const endRecord = () => {
    records.push({ line: recordLine, fields });
    fields = [];
    recordLine = line;
  };

  while (index < text.length) {
    let value: string;
    if (text[index] === '"') {
      const startLine = line;
      const parts: string[] = [];
      let from = index + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) throw new CsvSyntaxError(startLine, 'a quoted field is never closed');
        line += countLineFeeds(text, from, quote);
        parts.push(text.slice(from, quote));
        if (text[quote + 1] === '"') {
          parts.push('"');
          from = quote + 2;
          continue;
        }
        index = quote + 1;
        break;
      }
      value = parts.join('');
      const next = text[index];
      if (next !== undefined && next !== ',' && next !== '\n' && !text.startsWith('\r\n', index)) {
        throw new CsvSyntaxError(line, 'a closing quote must be followed by a comma or line end');
      }
    } else {
      const end = fieldEnd(text, index);
      value = text.slice(index, end);
      index = end;
    }
    fields.push(value);

    if (index >= text.length) break;
    if (text[index] === ',') {
      index += 1;
      // A comma at the very end of the text still promises one more (empty) field.
      if (index === text.length) fields.push('');
      continue;
    }
    index += text[index] === '\r' ? 2 : 1;
    line += 1;
    endRecord();
  }
  if (fields.length > 0) endRecord();
  return records;
}

/** Where an unquoted field starting at `from` ends: the next comma, LF or CRLF. */
function fieldEnd(text: string, from: number): number {
  for (let index = from; index < text.length; index += 1) {
    const char = text[index];
    if (char === ',' || char === '\n') return index;
    if (char === '\r' && text[index + 1] === '\n') return index;
  }
  return text.length;
}

function countLineFeeds(text: string, from: number, to: number): number {
  let count = 0;
  for (let index = text.indexOf('\n', from); index !== -1 && index < to; ) {
    count += 1;
    index = text.indexOf('\n', index + 1);
  }
  return count;
}

/** Quotes a field only when it must be: a separator, quote or line break inside, or a BOM first. */
export function formatCsvField(value: string): string {
  if (/[",\r\n]/.test(value) || value.startsWith(byteOrderMark)) {
    return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}

/** Writes records with CRLF after each, as RFC 4180 does. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `${row.map(formatCsvField).join(',')}\r\n`).join('');
}
