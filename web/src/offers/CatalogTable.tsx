import type { Brand, Product, Sku } from '../api/types';
import { formatMoney, formatNumber } from '../common/format';

interface Props {
  products: Product[];
  brands: Brand[];
  showBrand: boolean;
}

function attributesText(sku: Sku): string {
  const entries = Object.entries(sku.attributes);
  if (entries.length === 0) return '—';
  return entries.map(([key, value]) => `${key}: ${value}`).join(' · ');
}

/** Products grouped with their SKUs: one table body per product. */
export function CatalogTable({ products, brands, showBrand }: Props) {
  const brandName = (id: string) =>
    brands.find((brand) => brand.id === id)?.name ?? 'Unknown brand';
  return (
    <div className="table-scroll">
      <table className="table catalog-table">
        <thead>
          <tr>
            <th scope="col">SKU code</th>
            <th scope="col">Attributes</th>
            <th scope="col" className="numeric">
              Price
            </th>
            <th scope="col" className="numeric">
              Stock on hand
            </th>
          </tr>
        </thead>
        {products.map((product) => (
          <tbody key={product.id}>
            <tr className="group-row">
              <th scope="rowgroup" colSpan={4}>
                <div className="product-heading">
                  {product.imageUrls[0] && (
                    <img
                      className="product-thumb"
                      src={product.imageUrls[0]}
                      alt=""
                      loading="lazy"
                    />
                  )}
                  <div>
                    <span className="product-title">{product.title}</span>
                    {showBrand && (
                      <span className="badge badge-quiet">{brandName(product.brandId)}</span>
                    )}
                    {product.description && (
                      <p className="product-description">{product.description}</p>
                    )}
                  </div>
                </div>
              </th>
            </tr>
            {product.skus.length === 0 ? (
              <tr>
                <td colSpan={4} className="muted">
                  No SKUs for this product yet.
                </td>
              </tr>
            ) : (
              product.skus.map((sku) => (
                <tr key={sku.id}>
                  <td>
                    <code>{sku.code}</code>
                  </td>
                  <td>{attributesText(sku)}</td>
                  <td className="numeric">{formatMoney(sku.priceMinor, sku.currency)}</td>
                  <td className={sku.stockOnHand <= 0 ? 'numeric stock-out' : 'numeric'}>
                    {formatNumber(sku.stockOnHand)}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        ))}
      </table>
    </div>
  );
}
