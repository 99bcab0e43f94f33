import { beforeAll, describe, expect, it } from 'vitest';
import { backends, useBackendContext } from '../support/backends.js';
import {
  addSignedInMember,
  type SeededOrganization,
  seedOrganization,
} from '../support/test-app.js';

interface ListedProduct {
  id: string;
  title: string;
  description: string;
  imageUrls: string[];
  skus: {
    code: string;
    attributes: Record<string, string>;
    priceMinor: number;
    currency: string;
    stockOnHand: number;
  }[];
}

const csvOf = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;

// Both backends: a 5,000-row import binds 50,000 values, near PostgreSQL's 65,535 limit.
describe.each(backends)('importing products and SKUs from CSV on $name', (backend) => {
  const { skip } = backend;
  const context = useBackendContext(backend);
  let acme: SeededOrganization;
  let globex: SeededOrganization;

  beforeAll(async () => {
    if (skip) return;
    acme = await seedOrganization(context, 'Acme');
    globex = await seedOrganization(context, 'Globex');
  });

  function importCsv(
    csv: string,
    options: { brandId?: string; dryRun?: boolean; cookie?: string } = {},
  ) {
    const brandId = options.brandId ?? acme.brandId;
    return context.app.inject({
      method: 'POST',
      url: `/api/v1/products/import?brandId=${brandId}&dryRun=${options.dryRun ?? false}`,
      headers: { cookie: options.cookie ?? acme.ownerCookie, 'content-type': 'text/csv' },
      payload: csv,
    });
  }

  async function listProducts(): Promise<ListedProduct[]> {
    const response = await context.app.inject({
      url: `/api/v1/products?brandId=${acme.brandId}`,
      headers: { cookie: acme.ownerCookie },
    });
    return response.json().items;
  }

  const productTitled = async (title: string) =>
    (await listProducts()).find((product) => product.title === title);

  it.skipIf(skip)(
    'creates products with their SKUs, attributes and prices in minor units',
    async () => {
      const response = await importCsv(
        csvOf(
          'Product_Title,Description,IMAGE_URLS,sku_code,price,currency,stock_on_hand,attr:size,attr:colour',
          'Silk Scarf,Hand-rolled edges,https://img.example/scarf-1.jpg|https://img.example/scarf-2.jpg,SCARF-RED,29.90,EUR,12,,Red',
          'Silk Scarf,,,SCARF-BLUE,29.9,eur,3,,Blue',
          'Matcha Tin,,,MATCHA-100,1500,JPY,,100 g,',
        ),
      );
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({
        created: { products: 2, skus: 3 },
        updated: { products: 0 },
        rows: 3,
      });

      const scarf = await productTitled('Silk Scarf');
      expect(scarf).toMatchObject({
        description: 'Hand-rolled edges',
        imageUrls: ['https://img.example/scarf-1.jpg', 'https://img.example/scarf-2.jpg'],
      });
      expect(scarf?.skus).toEqual([
        expect.objectContaining({
          code: 'SCARF-BLUE',
          attributes: { colour: 'Blue' },
          priceMinor: 2990,
          currency: 'EUR',
          stockOnHand: 3,
        }),
        expect.objectContaining({
          code: 'SCARF-RED',
          attributes: { colour: 'Red' },
          priceMinor: 2990,
          stockOnHand: 12,
        }),
      ]);
      const matcha = await productTitled('Matcha Tin');
      expect(matcha?.skus).toEqual([
        expect.objectContaining({
          code: 'MATCHA-100',
          attributes: { size: '100 g' },
          priceMinor: 1500,
          currency: 'JPY',
          stockOnHand: 0,
        }),
      ]);
    },
  );

  it.skipIf(skip)('adds SKUs to a product the brand already has under the same title', async () => {
    const response = await importCsv(
      csvOf('product_title,sku_code,price,currency,attr:size', 'Acme Serum,SERUM-50,39,EUR,50 ml'),
    );
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      created: { products: 0, skus: 1 },
      updated: { products: 1 },
      rows: 1,
    });
    const serum = await productTitled('Acme Serum');
    expect(serum?.id).toBe(acme.productId);
    expect(serum?.skus.map((sku) => sku.code).sort()).toEqual(['SERUM-50', 'acme-sku-1']);
  });

  it.skipIf(skip)('lists every bad row with its line and column, and writes nothing', async () => {
    const response = await importCsv(
      csvOf(
        'product_title,sku_code,price,currency,stock_on_hand',
        'Good Candle,CANDLE-1,18.00,EUR,4',
        'Bad Price,BAD-1,29.999,EUR,1',
        ',NO-TITLE,5,EUR,',
        'Yen Fan,FAN-1,10.5,JPY,-2',
        'Twin Candle,CANDLE-1,18,EUR,0',
        'Taken,acme-sku-1,1,EUR,0',
        'Euros,EUROS-1,1,EUROS,0',
        'Short row,SHORT-1',
      ),
    );
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('invalid');
    expect(error.message).toBe('7 rows have errors; nothing was imported');
    expect(error.details.rows).toEqual([
      { line: 3, column: 'price', message: 'must be a number with at most 2 decimals' },
      { line: 4, column: 'product_title', message: 'is required' },
      { line: 5, column: 'price', message: 'must be a whole number' },
      { line: 5, column: 'stock_on_hand', message: 'must be a whole number, 0 or more' },
      { line: 6, column: 'sku_code', message: 'CANDLE-1 is also on line 2' },
      { line: 7, column: 'sku_code', message: 'acme-sku-1 is already in use' },
      { line: 8, column: 'currency', message: 'must be an ISO 4217 code such as EUR' },
      { line: 9, column: null, message: 'has 2 fields; the header has 5' },
    ]);
    const titles = (await listProducts()).map((product) => product.title);
    expect(titles).not.toContain('Good Candle');
  });

  it.skipIf(skip)('refuses unknown and missing columns by name', async () => {
    const unknown = await importCsv(
      csvOf('product_title,sku_code,price,currency,colour,sizes', 'Tee,TEE-1,10,EUR,Red,M'),
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({
      code: 'invalid',
      details: { columns: ['colour', 'sizes'] },
    });
    expect(unknown.json().error.message).toContain('Unknown columns: colour, sizes');

    const missing = await importCsv(csvOf('product_title,sku_code', 'Tee,TEE-1'));
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toBe('Missing required columns: price, currency');
  });

  it.skipIf(skip)(
    'checks a file on a dry run and reports what would change without writing',
    async () => {
      const csv = csvOf(
        'product_title,sku_code,price,currency',
        'Dry Run Mug,MUG-1,12.50,EUR',
        'Acme Serum,SERUM-100,59,EUR',
      );
      const response = await importCsv(csv, { dryRun: true });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        created: { products: 1, skus: 2 },
        updated: { products: 1 },
        rows: 2,
      });
      const products = await listProducts();
      expect(products.map((product) => product.title)).not.toContain('Dry Run Mug');
      const serum = products.find((product) => product.title === 'Acme Serum');
      expect(serum?.skus.map((sku) => sku.code)).not.toContain('SERUM-100');
    },
  );

  it.skipIf(skip)("refuses another organisation's brand, naming brandId", async () => {
    const response = await importCsv(
      csvOf('product_title,sku_code,price,currency', 'Stray,STRAY-1,1,EUR'),
      { brandId: globex.brandId },
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'invalid',
      details: { field: 'brandId' },
    });
    expect(response.json().error.message).toContain('brandId');
  });

  it.skipIf(skip)('refuses a host, who may not change the catalog', async () => {
    const host = await addSignedInMember(context, acme.organizationId, 'host@acme.test', 'host');
    const response = await importCsv(
      csvOf('product_title,sku_code,price,currency', 'Host Pick,HOST-1,1,EUR'),
      { cookie: host.cookie },
    );
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({
      code: 'forbidden',
      details: { permission: 'catalog.write' },
    });
  });

  it.skipIf(skip)(
    'reads quoted fields with commas, quotes and line breaks, a BOM and LF endings',
    async () => {
      const csv = [
        '\uFEFFproduct_title,description,sku_code,price,currency,attr:material',
        '"Tote, Large","Holds a laptop,\nbooks and ""everything"" else",TOTE-L,45.00,EUR,"Cotton, organic"',
        '"Tote, Large",,TOTE-XL,49,EUR,Canvas',
      ].join('\n');
      const response = await importCsv(csv);
      expect(response.statusCode).toBe(201);
      const tote = await productTitled('Tote, Large');
      expect(tote?.description).toBe('Holds a laptop,\nbooks and "everything" else');
      expect(tote?.skus).toEqual([
        expect.objectContaining({ code: 'TOTE-L', attributes: { material: 'Cotton, organic' } }),
        expect.objectContaining({ code: 'TOTE-XL', priceMinor: 4900 }),
      ]);
    },
  );

  it.skipIf(skip)(
    'counts lines in the file, so a row after a multi-line field keeps its line number',
    async () => {
      const response = await importCsv(
        csvOf(
          'product_title,description,sku_code,price,currency',
          'Lamp,"Two\nlines",LAMP-1,10,EUR',
          'Lamp Shade,,SHADE-1,ten,EUR',
        ),
      );
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details.rows).toEqual([
        {
          line: 4,
          column: 'price',
          message: 'must be a number with at most 2 decimals, such as 29.90',
        },
      ]);
    },
  );

  it.skipIf(skip)('imports 5,000 rows in one go and refuses more', async () => {
    const rows = Array.from(
      { length: 5000 },
      (_, index) => `Bulk ${index},BULK-${index},1.99,EUR,1`,
    );
    const header = 'product_title,sku_code,price,currency,stock_on_hand';
    const full = await importCsv(csvOf(header, ...rows));
    expect(full.statusCode).toBe(201);
    expect(full.json().created).toEqual({ products: 5000, skus: 5000 });

    const tooMany = await importCsv(csvOf(header, ...rows, 'Bulk extra,BULK-X,1,EUR,1'));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.message).toBe(
      'The file has 5001 rows; import at most 5000 at a time',
    );
  });

  it.skipIf(skip)('refuses a file over 5 MiB', async () => {
    const response = await importCsv(`product_title\n${'x'.repeat(5 * 1024 * 1024)}`);
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
  });
});
