import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { type Actor, requirePermission } from '../access/index.js';
import type { CatalogRepository, ProductRow, SkuRow } from './catalog.repository.js';

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

  async createProduct(actor: Actor, input: ProductInput): Promise<Product> {
    requirePermission(actor, 'catalog.write');
    if (!(await this.deps.brandExists(actor.organizationId, input.brandId))) {
      throw new AppError('invalid', `brandId: no brand ${input.brandId} in this organisation`, {
        field: 'brandId',
      });
    }
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
