import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, formatCsv, parseCsv } from './csv.js';

const fieldsOf = (text: string) => parseCsv(text).map((record) => record.fields);

describe('parseCsv', () => {
  it('splits plain fields on commas and records on LF or CRLF', () => {
    expect(fieldsOf('a,b,c\r\n1,2,3\n4,5,6')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
  });

  it('does not start a record after a final line break', () => {
    expect(fieldsOf('a,b\n')).toEqual([['a', 'b']]);
    expect(fieldsOf('a,b\r\n')).toEqual([['a', 'b']]);
    expect(fieldsOf('')).toEqual([]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(fieldsOf(',a,,\n,')).toEqual([
      ['', 'a', '', ''],
      ['', ''],
    ]);
  });

  it('reads commas, line breaks and doubled quotes inside quoted fields', () => {
    expect(fieldsOf('"Serum, 30 ml","line one\r\nline two","say ""hi"""\n')).toEqual([
      ['Serum, 30 ml', 'line one\r\nline two', 'say "hi"'],
    ]);
  });

  it('drops a UTF-8 byte order mark at the start', () => {
    expect(fieldsOf('\uFEFFproduct_title,price\nSerum,29')).toEqual([
      ['product_title', 'price'],
      ['Serum', '29'],
    ]);
  });

  it('keeps a quote inside an unquoted field and a lone CR as text', () => {
    expect(fieldsOf('12" vinyl,a\rb')).toEqual([['12" vinyl', 'a\rb']]);
  });

  it('gives each record the line of the file where it starts', () => {
    const records = parseCsv('h1,h2\n"two\nlines",x\r\nnext,y\n');
    expect(records.map((record) => record.line)).toEqual([1, 2, 4]);
  });

  it('rejects a quoted field that is never closed, naming the line it opens on', () => {
    expect(() => parseCsv('a,b\n1,"open\nstill open')).toThrowError(
      new CsvSyntaxError(2, 'a quoted field is never closed'),
    );
  });

  it('rejects text between a closing quote and the next separator', () => {
    expect(() => parseCsv('"a"b,c')).toThrowError(CsvSyntaxError);
  });
});

describe('formatCsv', () => {
  it('quotes only the fields that need it', () => {
    expect(formatCsv([['plain', 'a,b', 'say "hi"', 'two\nlines', '']])).toBe(
      'plain,"a,b","say ""hi""","two\nlines",\r\n',
    );
  });

  it('gives back any rows it wrote when they are parsed again', () => {
    const awkward = fc.constantFrom(',', '"', '\r', '\n', '\r\n', ' ', 'a', 'é', '\uFEFF', '|');
    const field = fc.oneof(fc.string({ unit: awkward }), fc.string({ unit: 'grapheme' }));
    const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 6 }), { maxLength: 8 });
    fc.assert(
      fc.property(rows, (written) => {
        expect(fieldsOf(formatCsv(written))).toEqual(written);
      }),
      { numRuns: 500 },
    );
  });
});
