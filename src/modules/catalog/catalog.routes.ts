import { z } from 'zod';
import {
  commonErrors,
  errorResponse,
  idParams,
  type Routes,
  secured,
  timestamp,
  typed,
} from '../../http/route-context.js';

const currency = z.string().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO 4217 code such as EUR');

const skuSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    attributes: z.record(z.string(), z.string()),
    priceMinor: z.number().int().meta({ description: 'Price in minor units (cents) of currency' }),
    currency: z.string(),
    stockOnHand: z.number().int(),
  })
  .meta({ id: 'Sku' });

const productSchema = z
  .object({
    id: z.string(),
    brandId: z.string(),
    title: z.string(),
    description: z.string(),
    imageUrls: z.array(z.string()),
    skus: z.array(skuSchema),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Product' });

const skuInput = z.object({
  code: z.string().trim().min(1, 'is required').max(64),
  attributes: z.record(z.string(), z.string().max(200)).default({}),
  priceMinor: z.number().int('must be whole minor units').min(0, 'must not be negative'),
  currency,
  stockOnHand: z.number().int().min(0, 'must not be negative').default(0),
});

const productInput = z.object({
  brandId: z.uuid('must be a UUID'),
  title: z.string().trim().min(1, 'is required').max(200),
  description: z.string().max(5000).default(''),
  imageUrls: z.array(z.url('must be a URL')).max(20).default([]),
  skus: z.array(skuInput).min(1, 'needs at least one SKU').max(200),
});

// No defaults here: a field left out of a PATCH stays as it is.
const productChanges = z.object({
  title: z.string().trim().min(1, 'is required').max(200).optional(),
  description: z.string().max(5000).optional(),
  imageUrls: z.array(z.url('must be a URL')).max(20).optional(),
});

const importQuery = z.object({
  brandId: z.uuid('must be a UUID'),
  dryRun: z
    .enum(['true', 'false'], 'must be true or false')
    .default('false')
    .meta({ description: 'true: check the file and report what would change, writing nothing' }),
});

const importSummary = z
  .object({
    created: z.object({ products: z.number().int(), skus: z.number().int() }),
    updated: z.object({
      products: z.number().int().meta({ description: 'Existing products that gained SKUs' }),
    }),
    rows: z.number().int(),
  })
  .meta({ id: 'ProductImportSummary' });

const csvBody = z.string().meta({
  description:
    'CSV (RFC 4180, UTF-8) with a header row. Columns, in any order: product_title, sku_code, price (major units, e.g. 29.90), currency (required); description, image_urls (separated by |), stock_on_hand, attr:<name> (optional). Rows with the same product_title are SKUs of one product. A bad row answers 400 with details.rows listing each {line, column, message}; nothing is written.',
});

/** CSV files may be larger than the 1 MiB allowed for JSON bodies. */
const csvBodyLimit = 5 * 1024 * 1024;

export const catalogRoutes: Routes = (app, { services, auth }) => {
  const api = typed(app);
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: csvBodyLimit },
    (_request, body, done) => done(null, body),
  );

  api.get(
    '/api/v1/products',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Products and their SKUs, optionally for one brand',
        security: secured,
        querystring: z.object({ brandId: z.uuid('must be a UUID').optional() }),
        response: { 200: z.object({ items: z.array(productSchema) }), ...commonErrors },
      },
    },
    async (request) => ({
      items: await services.catalog.listProducts(await auth.requireActor(request), request.query),
    }),
  );

  api.post(
    '/api/v1/products',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Create a product with its SKUs',
        security: secured,
        body: productInput,
        response: { 201: productSchema, ...commonErrors, 409: errorResponse },
      },
    },
    async (request, reply) => {
      const product = await services.catalog.createProduct(
        await auth.requireActor(request),
        request.body,
      );
      return reply.status(201).send(product);
    },
  );

  api.post(
    '/api/v1/products/import',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Import products and SKUs from a CSV file, all or nothing',
        security: secured,
        consumes: ['text/csv'],
        querystring: importQuery,
        body: csvBody,
        response: {
          200: importSummary.meta({ description: 'Dry run: what the import would do' }),
          201: importSummary,
          ...commonErrors,
          409: errorResponse,
          413: errorResponse,
          415: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const dryRun = request.query.dryRun === 'true';
      const summary = await services.catalog.importProducts(await auth.requireActor(request), {
        brandId: request.query.brandId,
        csv: request.body,
        dryRun,
      });
      return reply.status(dryRun ? 200 : 201).send(summary);
    },
  );

  api.get(
    '/api/v1/products/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'One product with its SKUs',
        security: secured,
        params: idParams,
        response: { 200: productSchema, ...commonErrors },
      },
    },
    async (request) =>
      services.catalog.getProduct(await auth.requireActor(request), request.params.id),
  );

  api.patch(
    '/api/v1/products/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: "Change a product's title, description or images",
        security: secured,
        params: idParams,
        body: productChanges,
        response: { 200: productSchema, ...commonErrors },
      },
    },
    async (request) =>
      services.catalog.updateProduct(
        await auth.requireActor(request),
        request.params.id,
        request.body,
      ),
  );
};
