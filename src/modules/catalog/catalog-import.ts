import { AppError } from '../../lib/errors.js';
import { type CsvRecord, CsvSyntaxError, parseCsv } from './csv.js';
import { currencyMinorDigits, maxInteger, toMinorUnits } from './money.js';

/**
 * Reading a product CSV: the header, then every row checked on its own so one answer lists
 * every problem. Pure: what the database knows (existing products and SKU codes) is checked
 * afterwards by `planProductImport` in catalog-import-plan.ts.
 */

export const maxImportRows = 5000;

const columns = [
  'product_title',
  'description',
  'image_urls',
  'sku_code',
  'price',
  'currency',
  'stock_on_hand',
] as const;
type Column = (typeof columns)[number];
const requiredColumns: readonly Column[] = ['product_title', 'sku_code', 'price', 'currency'];
const attributePrefix = 'attr:';

/** `column` is null when the problem is the row as a whole. */
export interface ImportRowError {
  line: number;
  column: string | null;
  message: string;
}

export interface ImportedSku {
  line: number;
  code: string;
  attributes: Record<string, string>;
  priceMinor: number;
  currency: string;
  stockOnHand: number;
}

/** Rows sharing a product_title: one product and its SKUs. */
export interface ImportedProduct {
  title: string;
  line: number;
  description: string;
  descriptionLine: number | null;
  imageUrls: string[];
  imageUrlsLine: number | null;
  skus: ImportedSku[];
}

export interface ParsedImport {
  rowCount: number;
  products: ImportedProduct[];
  /** Every well-formed SKU code and the line it is on, bad rows included, to check for reuse. */
  skuCodeLines: Map<string, number>;
  errors: ImportRowError[];
}

interface Header {
  width: number;
  index: Map<Column, number>;
  attributes: { name: string; index: number }[];
}

function readHeader(fields: string[]): Header {
  const names = fields.map((field) => field.trim().toLowerCase());
  const index = new Map<Column, number>();
  const attributes: Header['attributes'] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  names.forEach((name, position) => {
    const attributeName = name.startsWith(attributePrefix)
      ? name.slice(attributePrefix.length).trim()
      : undefined;
    const key = attributeName === undefined ? name : `${attributePrefix}${attributeName}`;
    if (key !== '' && seen.has(key)) {
      throw new AppError('invalid', `The column ${key} appears twice`, { column: key });
    }
    seen.add(key);
    if (attributeName) {
      attributes.push({ name: attributeName, index: position });
    } else if ((columns as readonly string[]).includes(name)) {
      index.set(name as Column, position);
    } else {
      unknown.push(name === '' ? `(column ${position + 1} has no name)` : name);
    }
  });
  if (unknown.length > 0) {
    throw new AppError(
      'invalid',
      `Unknown columns: ${unknown.join(', ')}. Known columns are ${columns.join(', ')} and attr:<name> for attributes such as attr:size`,
      { columns: unknown },
    );
  }
  const missing = requiredColumns.filter((column) => !index.has(column));
  if (missing.length > 0) {
    throw new AppError('invalid', `Missing required columns: ${missing.join(', ')}`, {
      columns: missing,
    });
  }
  return { width: fields.length, index, attributes };
}

function readRecords(csv: string): CsvRecord[] {
  // Bytes that are not UTF-8 arrive as U+FFFD; importing them would store garbled titles.
  const garbled = csv.indexOf('\uFFFD');
  if (garbled !== -1) {
    const line = csv.slice(0, garbled).split('\n').length;
    throw new AppError(
      'invalid',
      `The file is not UTF-8 text (line ${line}); save it as "CSV UTF-8" and try again`,
      { line },
    );
  }
  try {
    return parseCsv(csv);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new AppError('invalid', `The file is not valid CSV: ${error.message}`, {
        line: error.line,
      });
    }
    throw error;
  }
}

const isBlank = (record: CsvRecord) => record.fields.every((field) => field.trim() === '');

function splitImageUrls(value: string): { urls: string[]; bad: string | undefined } {
  const urls = value
    .split('|')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  const bad = urls.find((url) => !/^https?:\/\//i.test(url) || !URL.canParse(url));
  return { urls, bad };
}

type Fail = (column: string | null, message: string) => void;

/** A row's values; undefined where the value is bad. `sku` only when the whole row is good. */
interface RowValues {
  title: string | undefined;
  description: string | undefined;
  imageUrls: string[] | undefined;
  code: string | undefined;
  sku: Omit<ImportedSku, 'line' | 'code'> | undefined;
}

function readRow(header: Header, fields: string[], fail: Fail): RowValues {
  let good = true;
  const reject = (column: string, message: string) => {
    good = false;
    fail(column, message);
    return undefined;
  };
  const value = (column: Column) => {
    const position = header.index.get(column);
    return position === undefined ? '' : (fields[position] ?? '').trim();
  };

  const titleText = value('product_title');
  const title =
    titleText === ''
      ? reject('product_title', 'is required')
      : titleText.length > 200
        ? reject('product_title', 'must be at most 200 characters')
        : titleText;

  const descriptionText = value('description');
  const description =
    descriptionText.length > 5000
      ? reject('description', 'must be at most 5000 characters')
      : descriptionText;

  const images = splitImageUrls(value('image_urls'));
  const imageUrls = images.bad
    ? reject('image_urls', `${images.bad} is not an http(s) URL`)
    : images.urls.length > 20
      ? reject('image_urls', 'must list at most 20 URLs')
      : images.urls;

  const codeText = value('sku_code');
  const code =
    codeText === ''
      ? reject('sku_code', 'is required')
      : codeText.length > 64
        ? reject('sku_code', 'must be at most 64 characters')
        : codeText;

  const currency = value('currency').toUpperCase();
  const digits = /^[A-Z]{3}$/.test(currency) ? currencyMinorDigits(currency) : undefined;
  if (currency === '') reject('currency', 'is required');
  else if (digits === undefined) reject('currency', 'must be an ISO 4217 code such as EUR');

  const priceText = value('price');
  // Without a known currency, check the shape against the common two decimals.
  const price = toMinorUnits(priceText, digits ?? 2);
  if (priceText === '') reject('price', 'is required');
  else if (!price.ok) reject('price', price.message);

  const stockText = value('stock_on_hand');
  const stockOnHand = Number(stockText);
  if (!/^\d*$/.test(stockText)) reject('stock_on_hand', 'must be a whole number, 0 or more');
  else if (stockOnHand > maxInteger) reject('stock_on_hand', 'is too large');

  const attributes: Record<string, string> = {};
  for (const attribute of header.attributes) {
    const text = (fields[attribute.index] ?? '').trim();
    if (text.length > 200) reject(`attr:${attribute.name}`, 'must be at most 200 characters');
    else if (text !== '') attributes[attribute.name] = text;
  }

  const sku =
    good && price.ok ? { attributes, priceMinor: price.minor, currency, stockOnHand } : undefined;
  return { title, description, imageUrls, code, sku };
}

/** Checks every row of the file; throws only for problems with the file as a whole. */
export function parseProductImport(csv: string): ParsedImport {
  const [headerRecord, ...rest] = readRecords(csv).filter((record) => !isBlank(record));
  if (!headerRecord) throw new AppError('invalid', 'The file is empty; it needs a header row');
  const header = readHeader(headerRecord.fields);
  if (rest.length === 0) throw new AppError('invalid', 'The file has a header but no rows');
  if (rest.length > maxImportRows) {
    throw new AppError(
      'invalid',
      `The file has ${rest.length} rows; import at most ${maxImportRows} at a time`,
      { rows: rest.length, maxRows: maxImportRows },
    );
  }

  const errors: ImportRowError[] = [];
  const products = new Map<string, ImportedProduct>();
  const skuCodeLines = new Map<string, number>();
  for (const { line, fields } of rest) {
    const fail: Fail = (column, message) => errors.push({ line, column, message });
    if (fields.length !== header.width) {
      fail(null, `has ${fields.length} fields; the header has ${header.width}`);
      continue;
    }
    const errorsBefore = errors.length;
    const row = readRow(header, fields, fail);

    if (row.code !== undefined) {
      const earlier = skuCodeLines.get(row.code);
      if (earlier === undefined) skuCodeLines.set(row.code, line);
      else fail('sku_code', `${row.code} is also on line ${earlier}`);
    }
    if (row.title === undefined) continue;
    const product = products.get(row.title) ?? newProduct(row.title, line);
    products.set(row.title, product);
    if (row.description) {
      if (product.descriptionLine === null) {
        product.description = row.description;
        product.descriptionLine = line;
      } else if (product.description !== row.description) {
        fail('description', `differs from line ${product.descriptionLine} for the same product`);
      }
    }
    if (row.imageUrls && row.imageUrls.length > 0) {
      if (product.imageUrlsLine === null) {
        product.imageUrls = row.imageUrls;
        product.imageUrlsLine = line;
      } else if (product.imageUrls.join('|') !== row.imageUrls.join('|')) {
        fail('image_urls', `differ from line ${product.imageUrlsLine} for the same product`);
      }
    }
    if (row.sku && row.code !== undefined && errors.length === errorsBefore) {
      product.skus.push({ line, code: row.code, ...row.sku });
    }
  }
  return { rowCount: rest.length, products: [...products.values()], skuCodeLines, errors };
}

function newProduct(title: string, line: number): ImportedProduct {
  return {
    title,
    line,
    description: '',
    descriptionLine: null,
    imageUrls: [],
    imageUrlsLine: null,
    skus: [],
  };
}
