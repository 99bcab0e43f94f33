import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/database.js';
import { migrations } from '../../src/db/migrations/index.js';
import { CatalogRepository } from '../../src/modules/catalog/index.js';
import { backends, useBackendContext } from '../support/backends.js';
import { type SeededOrganization, seedOrganization } from '../support/test-app.js';

/** The same build, the same migrations and the same behaviour on PGlite and on PostgreSQL. */
describe.each(backends)('on $longName', (backend) => {
  const { skip, server } = backend;
  const context = useBackendContext(backend);
  let acme: SeededOrganization;
  let globex: SeededOrganization;

  beforeAll(async () => {
    if (skip) return;
    acme = await seedOrganization(context, 'Acme');
    globex = await seedOrganization(context, 'Globex');
  });

  it.skipIf(skip)('runs the migrations once and records them', async () => {
    expect(context.database.kind).toBe(server ? 'postgres' : 'pglite');
    const again = await migrateToLatest(context.database.db);
    expect(again.results).toEqual([]);
    const applied = await sql<{
      name: string;
    }>`select name from kysely_migration order by name`.execute(context.database.db);
    // Each registered migration applied once, in order, and nothing else.
    expect(applied.rows.map((row) => row.name)).toEqual(Object.keys(migrations).sort());
    expect(applied.rows[0]?.name).toBe('0001-foundation');
  });

  it.skipIf(skip)('signs in, creates a brand and keeps tenants apart', async () => {
    const created = await context.app.inject({
      method: 'POST',
      url: '/api/v1/brands',
      headers: { cookie: acme.ownerCookie },
      payload: { name: 'Summit Outdoor', currency: 'usd', timezone: 'America/New_York' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ slug: 'summit-outdoor', currency: 'USD' });
    const foreign = await context.app.inject({
      url: `/api/v1/brands/${created.json().id}`,
      headers: { cookie: globex.ownerCookie },
    });
    expect(foreign.statusCode).toBe(404);
  });

  it.skipIf(skip)('creates a product and its SKUs all or nothing', async () => {
    const headers = { cookie: acme.ownerCookie };
    const duplicate = await context.app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers,
      payload: {
        brandId: acme.brandId,
        title: 'Clash',
        skus: [{ code: 'acme-sku-1', priceMinor: 100, currency: 'EUR' }],
      },
    });
    expect(duplicate.statusCode).toBe(409);
    const products = await context.app.inject({ url: '/api/v1/products', headers });
    expect(products.json().items.map((p: { title: string }) => p.title)).toEqual(['Acme Serum']);
  });

  it.skipIf(skip)(
    'rolls the product back when a SKU insert fails inside the transaction',
    async () => {
      const repository = new CatalogRepository(context.database.db);
      const now = new Date();
      const productId = randomUUID();
      const row = { organizationId: acme.organizationId, createdAt: now, updatedAt: now };
      await expect(
        repository.insertProduct(
          {
            ...row,
            id: productId,
            brandId: acme.brandId,
            title: 'Torn',
            description: '',
            imageUrls: '[]',
          },
          [
            {
              ...row,
              id: randomUUID(),
              productId,
              code: 'acme-sku-1',
              attributes: '{}',
              priceMinor: 1,
              currency: 'EUR',
              stockOnHand: 1,
            },
          ],
        ),
      ).rejects.toThrow();
      expect(await repository.findProduct(acme.organizationId, productId)).toBeUndefined();
    },
  );

  it.skipIf(skip)('stores money as integer minor units and times as UTC', async () => {
    const product = await context.app.inject({
      url: `/api/v1/products/${acme.productId}`,
      headers: { cookie: acme.ownerCookie },
    });
    expect(product.json().skus[0]).toMatchObject({ priceMinor: 2900, currency: 'EUR' });
    expect(product.json().createdAt).toMatch(/Z$/);
  });
});
