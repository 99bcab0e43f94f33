import { AppError } from '../../lib/errors.js';
import type {
  ImportedProduct,
  ImportedSku,
  ImportRowError,
  ParsedImport,
} from './catalog-import.js';

/** The second half of an import check: the file against what the organisation already has. */

export interface ExistingProduct {
  id: string;
  title: string;
  description: string;
  imageUrls: string[];
}

export interface ProductImportPlan {
  newProducts: ImportedProduct[];
  /** SKUs that join a product the brand already has. */
  additions: { productId: string; skus: ImportedSku[] }[];
  errors: ImportRowError[];
}

/**
 * Matches the file's products to the brand's by exact title and checks SKU codes against the
 * organisation's. An existing product only gains SKUs: a description or images that differ from
 * its own are reported rather than silently dropped or overwritten.
 */
export function planProductImport(
  parsed: ParsedImport,
  existing: { products: readonly ExistingProduct[]; takenSkuCodes: ReadonlySet<string> },
): ProductImportPlan {
  const errors = [...parsed.errors];
  for (const [code, line] of parsed.skuCodeLines) {
    if (existing.takenSkuCodes.has(code)) {
      errors.push({ line, column: 'sku_code', message: `${code} is already in use` });
    }
  }
  const newProducts: ImportedProduct[] = [];
  const additions: ProductImportPlan['additions'] = [];
  for (const product of parsed.products) {
    const matches = existing.products.filter((candidate) => candidate.title === product.title);
    const [match] = matches;
    if (!match) {
      newProducts.push(product);
      continue;
    }
    if (matches.length > 1) {
      errors.push({
        line: product.line,
        column: 'product_title',
        message: `matches ${matches.length} products in this brand; give one of them another title first`,
      });
      continue;
    }
    if (product.descriptionLine !== null && product.description !== match.description) {
      errors.push({
        line: product.descriptionLine,
        column: 'description',
        message: 'differs from the existing product; leave it empty or edit the product',
      });
    }
    if (
      product.imageUrlsLine !== null &&
      product.imageUrls.join('|') !== match.imageUrls.join('|')
    ) {
      errors.push({
        line: product.imageUrlsLine,
        column: 'image_urls',
        message: "differ from the existing product's; leave them empty or edit the product",
      });
    }
    additions.push({ productId: match.id, skus: product.skus });
  }
  errors.sort((a, b) => a.line - b.line);
  return { newProducts, additions, errors };
}

/** One error for the whole file that lists every bad row; nothing is written when it is thrown. */
export function importRowsError(errors: readonly ImportRowError[]): AppError {
  const badRows = new Set(errors.map((error) => error.line)).size;
  const rowsHave = badRows === 1 ? '1 row has errors' : `${badRows} rows have errors`;
  return new AppError('invalid', `${rowsHave}; nothing was imported`, { rows: errors });
}

export interface ProductImportSummary {
  created: { products: number; skus: number };
  updated: { products: number };
  rows: number;
}

export function summarizeImport(plan: ProductImportPlan, rows: number): ProductImportSummary {
  const newSkus = plan.newProducts.reduce((sum, product) => sum + product.skus.length, 0);
  const addedSkus = plan.additions.reduce((sum, addition) => sum + addition.skus.length, 0);
  return {
    created: { products: plan.newProducts.length, skus: newSkus + addedSkus },
    updated: { products: plan.additions.length },
    rows,
  };
}
