import type { ItemList, Product } from '../api/types';
import { useQuery } from '../api/useQuery';
import { useCan } from '../auth/session';
import { EmptyState, ErrorMessage, Loading } from '../common/feedback';
import { useWorkspace } from '../shell/workspace';
import { CatalogImport } from './CatalogImport';
import { CatalogTable } from './CatalogTable';
import { catalogWrite } from './importApi';

/** The products and SKUs offers are built from, with the CSV import above them. */
export function CatalogSection() {
  const { activeBrand, brands, contextKey } = useWorkspace();
  const path = activeBrand
    ? `/api/v1/products?brandId=${encodeURIComponent(activeBrand.id)}`
    : '/api/v1/products';
  const products = useQuery<ItemList<Product>>(path, contextKey);
  const items = products.data?.items ?? [];
  const scope = activeBrand ? activeBrand.name : 'all brands';
  const canImport = useCan(catalogWrite) && activeBrand !== null;

  return (
    <>
      <CatalogImport brand={activeBrand} onImported={products.reload} />
      <section className="card" aria-labelledby="catalog-heading">
        <div className="card-header">
          <h2 id="catalog-heading">Catalog</h2>
          <p className="muted">
            Products and SKUs for <strong>{scope}</strong>
            {products.data && ` · ${items.length} ${items.length === 1 ? 'product' : 'products'}`}
          </p>
        </div>
        {products.loading && !products.data ? (
          <Loading label="Loading the catalog…" />
        ) : products.error ? (
          <ErrorMessage error={products.error} onRetry={products.reload} />
        ) : items.length === 0 ? (
          <EmptyState title="No products yet">
            <p>
              {activeBrand
                ? `${activeBrand.name} has no products in its catalog yet.`
                : 'No brand in this organisation has products yet.'}{' '}
              {canImport
                ? 'Import a CSV file above, or add products through the API.'
                : 'Products can be added through the API.'}
            </p>
          </EmptyState>
        ) : (
          <CatalogTable products={items} brands={brands} showBrand={!activeBrand} />
        )}
      </section>
    </>
  );
}
