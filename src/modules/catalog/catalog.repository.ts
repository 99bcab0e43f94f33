import type { Db } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';

export type ProductRow = Row<'products'>;
export type SkuRow = Row<'skus'>;

export class CatalogRepository {
  constructor(private readonly db: Db) {}

  async listProducts(organizationId: string, brandId?: string): Promise<ProductRow[]> {
    let query = this.db
      .selectFrom('products')
      .selectAll()
      .where('organizationId', '=', organizationId);
    if (brandId) query = query.where('brandId', '=', brandId);
    return query.orderBy('title').execute();
  }

  async findProduct(organizationId: string, id: string): Promise<ProductRow | undefined> {
    return this.db
      .selectFrom('products')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async listSkus(organizationId: string, productIds: readonly string[]): Promise<SkuRow[]> {
    if (productIds.length === 0) return [];
    return this.db
      .selectFrom('skus')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('productId', 'in', productIds)
      .orderBy('code')
      .execute();
  }

  async findSkuCodes(organizationId: string, codes: readonly string[]): Promise<string[]> {
    if (codes.length === 0) return [];
    const rows = await this.db
      .selectFrom('skus')
      .select('code')
      .where('organizationId', '=', organizationId)
      .where('code', 'in', codes)
      .execute();
    return rows.map((row) => row.code);
  }

  /** Inserts a product and its SKUs in one transaction: a product never exists half-made. */
  async insertProduct(product: NewRow<'products'>, skus: NewRow<'skus'>[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('products').values(product).execute();
      if (skus.length > 0) await trx.insertInto('skus').values(skus).execute();
    });
  }

  async findProductsByTitle(
    organizationId: string,
    brandId: string,
    titles: readonly string[],
  ): Promise<ProductRow[]> {
    if (titles.length === 0) return [];
    return this.db
      .selectFrom('products')
      .selectAll()
      .where('organizationId', '=', organizationId)
      .where('brandId', '=', brandId)
      .where('title', 'in', titles)
      .execute();
  }

  /**
   * Writes an import in one transaction with one multi-row insert per table: new products, then
   * every SKU, whether its product is new or already existed, then marks the existing products
   * changed. At the import cap of 5,000 rows the SKU insert binds 50,000 values, under
   * PostgreSQL's 65,535.
   */
  async insertImport(batch: {
    organizationId: string;
    products: NewRow<'products'>[];
    skus: NewRow<'skus'>[];
    updatedProductIds: string[];
    updatedAt: Date;
  }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (batch.products.length > 0) {
        await trx.insertInto('products').values(batch.products).execute();
      }
      if (batch.skus.length > 0) await trx.insertInto('skus').values(batch.skus).execute();
      if (batch.updatedProductIds.length > 0) {
        await trx
          .updateTable('products')
          .set({ updatedAt: batch.updatedAt })
          .where('organizationId', '=', batch.organizationId)
          .where('id', 'in', batch.updatedProductIds)
          .execute();
      }
    });
  }

  async updateProduct(
    organizationId: string,
    id: string,
    changes: RowUpdate<'products'>,
  ): Promise<ProductRow | undefined> {
    return this.db
      .updateTable('products')
      .set(changes)
      .where('organizationId', '=', organizationId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }
}
