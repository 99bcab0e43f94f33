import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { CatalogRepository, ProductRow, SkuRow } from './catalog.repository.js';
import { parseProductImport } from './catalog-import.js';
import {
  importRowsError,
  type ProductImportSummary,
  planProductImport,
  summarizeImport,
} from './catalog-import-plan.js';

export interface CatalogDeps {
  repository: CatalogRepository;
  clock: Clock;
  /** Whether a brand belongs to an organisation; the organisations module answers it. */
  brandExists(organizationId: string, brandId: string): Promise<boolean>;
}

export interface Sku {
  id: string;
  code: string;
  attributes: Record<string, string>;
  /** Integer minor units (cents) of `currency`. */
  priceMinor: number;
  currency: string;
  stockOnHand: number;
}

export interface Product {
  id: string;
  brandId: string;
  title: string;
  description: string;
  imageUrls: string[];
  skus: Sku[];
  createdAt: Date;
  updatedAt: Date;
}

export interface SkuInput {
  code: string;
  attributes: Record<string, string>;
  priceMinor: number;
  currency: string;
  stockOnHand: number;
}

export interface ProductInput {
  brandId: string;
  title: string;
  description: string;
  imageUrls: string[];
  skus: SkuInput[];
}

export interface ProductImportInput {
  brandId: string;
  /** The file's text: a header row, then one SKU per row (see catalog-import.ts). */
  csv: string;
  /** Check the file and report what would change, without writing. */
  dryRun: boolean;
}

function toSku(row: SkuRow): Sku {
  return {
    id: row.id,
    code: row.code,
    attributes: row.attributes,
    priceMinor: row.priceMinor,
    currency: row.currency,
    stockOnHand: row.stockOnHand,
  };
}

function toProduct(row: ProductRow, skus: SkuRow[]): Product {
  return {
    id: row.id,
    brandId: row.brandId,
    title: row.title,
    description: row.description,
    imageUrls: row.imageUrls,
    skus: skus.filter((sku) => sku.productId === row.id).map(toSku),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Products and their SKUs, per brand. Offers and inventory build on these. */
export class CatalogService {
  constructor(private readonly deps: CatalogDeps) {}

  async listProducts(actor: Actor, filter: { brandId?: string | undefined }): Promise<Product[]> {
    requirePermission(actor, 'catalog.read');
    const products = await this.deps.repository.listProducts(actor.organizationId, filter.brandId);
    const skus = await this.deps.repository.listSkus(
      actor.organizationId,
      products.map((product) => product.id),
    );
    return products.map((product) => toProduct(product, skus));
  }

  async getProduct(actor: Actor, productId: string): Promise<Product> {
    requirePermission(actor, 'catalog.read');
    const product = await this.deps.repository.findProduct(actor.organizationId, productId);
    if (!product) throw notFound('product', productId);
    const skus = await this.deps.repository.listSkus(actor.organizationId, [product.id]);
    return toProduct(product, skus);
  }

  private async requireBrand(actor: Actor, brandId: string): Promise<void> {
    if (!(await this.deps.brandExists(actor.organizationId, brandId))) {
      throw new AppError('invalid', `brandId: no brand ${brandId} in this organisation`, {
        field: 'brandId',
      });
    }
  }

  async createProduct(actor: Actor, input: ProductInput): Promise<Product> {
    requirePermission(actor, 'catalog.write');
    await this.requireBrand(actor, input.brandId);
    const codes = input.skus.map((sku) => sku.code);
    const repeated = codes.find((code, index) => codes.indexOf(code) !== index);
    if (repeated) {
      throw new AppError('invalid', `skus: code ${repeated} appears twice`, { field: 'skus' });
    }
    const taken = await this.deps.repository.findSkuCodes(actor.organizationId, codes);
    if (taken.length > 0) {
      throw new AppError('conflict', `SKU code already in use: ${taken.join(', ')}`, {
        field: 'skus',
        codes: taken,
      });
    }
    const now = this.deps.clock.now();
    const productId = newId();
    await this.deps.repository.insertProduct(
      {
        id: productId,
        organizationId: actor.organizationId,
        brandId: input.brandId,
        title: input.title,
        description: input.description,
        imageUrls: JSON.stringify(input.imageUrls),
        createdAt: now,
        updatedAt: now,
      },
      input.skus.map((sku) => ({
        id: newId(),
        organizationId: actor.organizationId,
        productId,
        code: sku.code,
        attributes: JSON.stringify(sku.attributes),
        priceMinor: sku.priceMinor,
        currency: sku.currency.toUpperCase(),
        stockOnHand: sku.stockOnHand,
        createdAt: now,
        updatedAt: now,
      })),
    );
    return this.getProduct(actor, productId);
  }

  /**
   * Imports a CSV of products and SKUs into a brand, all or nothing: any bad row and nothing is
   * written, and the error lists every bad row. Rows with the same title are one product; a
   * title the brand already has gains the rows as new SKUs.
   */
  async importProducts(actor: Actor, input: ProductImportInput): Promise<ProductImportSummary> {
    requirePermission(actor, 'catalog.write');
    await this.requireBrand(actor, input.brandId);
    const parsed = parseProductImport(input.csv);
    const { repository } = this.deps;
    const existingProducts = await repository.findProductsByTitle(
      actor.organizationId,
      input.brandId,
      parsed.products.map((product) => product.title),
    );
    const takenSkuCodes = await repository.findSkuCodes(actor.organizationId, [
      ...parsed.skuCodeLines.keys(),
    ]);
    const plan = planProductImport(parsed, {
      products: existingProducts,
      takenSkuCodes: new Set(takenSkuCodes),
    });
    if (plan.errors.length > 0) throw importRowsError(plan.errors);
    if (input.dryRun) return summarizeImport(plan, parsed.rowCount);

    const now = this.deps.clock.now();
    const organizationId = actor.organizationId;
    const products = plan.newProducts.map((product) => ({ id: newId(), product }));
    const skuRows = (productId: string, skus: SkuInput[]) =>
      skus.map((sku) => ({
        id: newId(),
        organizationId,
        productId,
        code: sku.code,
        attributes: JSON.stringify(sku.attributes),
        priceMinor: sku.priceMinor,
        currency: sku.currency,
        stockOnHand: sku.stockOnHand,
        createdAt: now,
        updatedAt: now,
      }));
    await repository.insertImport({
      organizationId,
      products: products.map(({ id, product }) => ({
        id,
        organizationId,
        brandId: input.brandId,
        title: product.title,
        description: product.description,
        imageUrls: JSON.stringify(product.imageUrls),
        createdAt: now,
        updatedAt: now,
      })),
      skus: [
        ...products.flatMap(({ id, product }) => skuRows(id, product.skus)),
        ...plan.additions.flatMap((addition) => skuRows(addition.productId, addition.skus)),
      ],
      updatedProductIds: plan.additions.map((addition) => addition.productId),
      updatedAt: now,
    });
    return summarizeImport(plan, parsed.rowCount);
  }

  async updateProduct(
    actor: Actor,
    productId: string,
    changes: {
      title?: string | undefined;
      description?: string | undefined;
      imageUrls?: string[] | undefined;
    },
  ): Promise<Product> {
    requirePermission(actor, 'catalog.write');
    const row = await this.deps.repository.updateProduct(actor.organizationId, productId, {
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.imageUrls !== undefined ? { imageUrls: JSON.stringify(changes.imageUrls) } : {}),
      updatedAt: this.deps.clock.now(),
    });
    if (!row) throw notFound('product', productId);
    return this.getProduct(actor, productId);
  }
}
