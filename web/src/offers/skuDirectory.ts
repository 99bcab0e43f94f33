import { useMemo } from 'react';
import type { ItemList, Product, Sku } from '../api/types';
import { useQuery } from '../api/useQuery';

export interface SkuEntry {
  sku: Sku;
  product: Product;
  /** "Glow Serum 30 ml — AUR-SERUM-30 (size: 30 ml)": how a SKU is named in pickers. */
  label: string;
}

function describeSku(product: Product, sku: Sku): string {
  const attributes = Object.values(sku.attributes).join(', ');
  return `${product.title} — ${sku.code}${attributes ? ` (${attributes})` : ''}`;
}

/** The catalog's SKUs by id, for naming offer components and choosing them. */
export function useSkuDirectory(brandId: string | null, key?: unknown) {
  const path = brandId
    ? `/api/v1/products?brandId=${encodeURIComponent(brandId)}`
    : '/api/v1/products';
  const query = useQuery<ItemList<Product>>(path, key);
  const entries = useMemo(() => {
    const list: SkuEntry[] = [];
    for (const product of query.data?.items ?? []) {
      for (const sku of product.skus) {
        list.push({ sku, product, label: describeSku(product, sku) });
      }
    }
    return list;
  }, [query.data]);
  const byId = useMemo(() => new Map(entries.map((entry) => [entry.sku.id, entry])), [entries]);
  return { entries, byId, loading: query.loading, error: query.error, reload: query.reload };
}
