import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.js';
import { parseProductImport } from './catalog-import.js';
import { type ExistingProduct, planProductImport, summarizeImport } from './catalog-import-plan.js';

const csvOf = (...lines: string[]) => `${lines.join('\n')}\n`;
const header = 'product_title,description,image_urls,sku_code,price,currency,attr:size';

function fileError(csv: string): AppError {
  try {
    parseProductImport(csv);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('parseProductImport', () => {
  it('groups rows with the same title into one product with several SKUs', () => {
    const parsed = parseProductImport(
      csvOf(
        header,
        'Serum,Brightening,https://img.example/a.jpg,SER-30,29,EUR,30 ml',
        'Serum,,,SER-50,39.5,EUR,50 ml',
        'Balm,,,BALM-1,12,EUR,',
      ),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.rowCount).toBe(3);
    expect(parsed.products).toEqual([
      expect.objectContaining({
        title: 'Serum',
        description: 'Brightening',
        imageUrls: ['https://img.example/a.jpg'],
        skus: [
          expect.objectContaining({ line: 2, code: 'SER-30', priceMinor: 2900 }),
          expect.objectContaining({ line: 3, code: 'SER-50', attributes: { size: '50 ml' } }),
        ],
      }),
      expect.objectContaining({
        title: 'Balm',
        skus: [expect.objectContaining({ attributes: {} })],
      }),
    ]);
  });

  it('skips blank lines, keeping the line numbers of the rows after them', () => {
    const parsed = parseProductImport(csvOf(header, '', ',,,,,,', 'Serum,,,SER-1,1.999,EUR,'));
    expect(parsed.rowCount).toBe(1);
    expect(parsed.errors).toEqual([
      { line: 4, column: 'price', message: 'must be a number with at most 2 decimals' },
    ]);
  });

  it('uses the decimals of each row’s currency', () => {
    const parsed = parseProductImport(
      csvOf('product_title,sku_code,price,currency', 'Dinar,D-1,1.250,BHD', 'Yen,Y-1,1.5,JPY'),
    );
    expect(parsed.products[0]?.skus[0]?.priceMinor).toBe(1250);
    expect(parsed.errors).toEqual([
      { line: 3, column: 'price', message: 'must be a whole number' },
    ]);
  });

  it('reports a description or images that differ between rows of one product', () => {
    const parsed = parseProductImport(
      csvOf(
        header,
        'Serum,First,https://img.example/a.jpg,SER-1,1,EUR,',
        'Serum,Second,https://img.example/b.jpg,SER-2,1,EUR,',
      ),
    );
    expect(parsed.errors).toEqual([
      { line: 3, column: 'description', message: 'differs from line 2 for the same product' },
      { line: 3, column: 'image_urls', message: 'differ from line 2 for the same product' },
    ]);
  });

  it('names a bad image URL and an over-long attribute', () => {
    const parsed = parseProductImport(
      csvOf(header, `Serum,,ftp://img.example/a.jpg,SER-1,1,EUR,${'x'.repeat(201)}`),
    );
    expect(parsed.errors).toEqual([
      { line: 2, column: 'image_urls', message: 'ftp://img.example/a.jpg is not an http(s) URL' },
      { line: 2, column: 'attr:size', message: 'must be at most 200 characters' },
    ]);
  });

  it('refuses an empty file, a header alone, repeated and nameless columns', () => {
    expect(fileError('').message).toBe('The file is empty; it needs a header row');
    expect(fileError(csvOf(header)).message).toBe('The file has a header but no rows');
    expect(fileError(csvOf(`${header},Price`, 'x')).message).toBe('The column price appears twice');
    expect(fileError(csvOf(`${header},ATTR: Size`, 'x')).message).toBe(
      'The column attr:size appears twice',
    );
    expect(fileError(csvOf(`${header},,attr:`, 'x')).details).toEqual({
      columns: ['(column 8 has no name)', 'attr:'],
    });
  });

  it('refuses text that was not UTF-8, naming the line', () => {
    const latin1 = new TextDecoder().decode(new Uint8Array([0x43, 0x61, 0x66, 0xe9]));
    const error = fileError(csvOf(header, `${latin1},,,C-1,1,EUR,`));
    expect(error.message).toBe(
      'The file is not UTF-8 text (line 2); save it as "CSV UTF-8" and try again',
    );
  });

  it('refuses a file that is not valid CSV, naming the line', () => {
    const error = fileError(csvOf(header, 'Serum,"never closed'));
    expect(error.message).toBe('The file is not valid CSV: line 2: a quoted field is never closed');
    expect(error.details).toEqual({ line: 2 });
  });
});

describe('planProductImport', () => {
  const existing: ExistingProduct = {
    id: 'p-1',
    title: 'Serum',
    description: 'Brightening',
    imageUrls: [],
  };

  it('adds SKUs to an existing product with the same title and creates the rest', () => {
    const parsed = parseProductImport(
      csvOf(header, 'Serum,Brightening,,SER-9,1,EUR,', 'Balm,,,BALM-1,1,EUR,'),
    );
    const plan = planProductImport(parsed, { products: [existing], takenSkuCodes: new Set() });
    expect(plan.errors).toEqual([]);
    expect(plan.additions).toEqual([
      { productId: 'p-1', skus: [expect.objectContaining({ code: 'SER-9' })] },
    ]);
    expect(plan.newProducts.map((product) => product.title)).toEqual(['Balm']);
    expect(summarizeImport(plan, parsed.rowCount)).toEqual({
      created: { products: 1, skus: 2 },
      updated: { products: 1 },
      rows: 2,
    });
  });

  it('reports codes in use, a changed description and an ambiguous title', () => {
    const parsed = parseProductImport(
      csvOf(header, 'Serum,Changed,,SER-1,1,EUR,', 'Balm,,,USED-1,x,EUR,'),
    );
    const twin = { ...existing, id: 'p-2', title: 'Balm' };
    const plan = planProductImport(parsed, {
      products: [existing, twin, { ...twin, id: 'p-3' }],
      takenSkuCodes: new Set(['USED-1']),
    });
    expect(plan.errors).toEqual([
      {
        line: 2,
        column: 'description',
        message: 'differs from the existing product; leave it empty or edit the product',
      },
      {
        line: 3,
        column: 'price',
        message: 'must be a number with at most 2 decimals, such as 29.90',
      },
      { line: 3, column: 'sku_code', message: 'USED-1 is already in use' },
      {
        line: 3,
        column: 'product_title',
        message: 'matches 2 products in this brand; give one of them another title first',
      },
    ]);
  });
});
