import type { Brand, Offer } from '../api/types';
import { formatMoney, formatNumber } from '../common/format';
import { Link } from '../router/router';
import { kindLabels, offersHref } from './offersApi';
import { StatusBadge } from './StatusBadge';
import { StockBar, StockLegend } from './StockBar';

interface Props {
  offers: Offer[];
  brands: Brand[];
  showBrand: boolean;
}

const count = (value: number | undefined) => (value === undefined ? '—' : formatNumber(value));

/** Offers with their state and stock: the table the live room glances at. */
export function OfferList({ offers, brands, showBrand }: Props) {
  const brandName = (id: string) =>
    brands.find((brand) => brand.id === id)?.name ?? 'Unknown brand';
  return (
    <>
      <StockLegend />
      <div className="table-scroll">
        <table className="table offer-table">
          <thead>
            <tr>
              <th scope="col">Offer</th>
              <th scope="col">Status</th>
              <th scope="col" className="numeric">
                Price
              </th>
              <th scope="col" className="numeric">
                Reserved
              </th>
              <th scope="col" className="numeric">
                Available
              </th>
              <th scope="col" className="numeric">
                Held
              </th>
              <th scope="col" className="numeric">
                Sold
              </th>
              <th scope="col">Stock</th>
            </tr>
          </thead>
          <tbody>
            {offers.map((offer) => {
              const inventory = offer.inventory;
              return (
                <tr key={offer.id} data-offer-id={offer.id}>
                  <td>
                    <Link to={offersHref.detail(offer.id)} className="offer-title-link">
                      {offer.title}
                    </Link>
                    <div className="hint offer-meta">
                      {kindLabels[offer.kind]}
                      {showBrand && (
                        <span className="badge badge-quiet">{brandName(offer.brandId)}</span>
                      )}
                    </div>
                  </td>
                  <td>
                    <StatusBadge status={offer.status} />
                  </td>
                  <td className="numeric">{formatMoney(offer.priceMinor, offer.currency)}</td>
                  <td className="numeric" data-testid="offer-reserved">
                    {count(inventory?.reserved ?? offer.reservedUnits)}
                  </td>
                  <td className="numeric">{count(inventory?.available)}</td>
                  <td className="numeric">{count(inventory?.held)}</td>
                  <td className="numeric">{count(inventory?.sold)}</td>
                  <td className="offer-stock-cell">
                    {inventory ? (
                      <StockBar counts={inventory} />
                    ) : (
                      <span className="muted">
                        {offer.status === 'closed' ? 'Closed' : 'Not armed yet'}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
