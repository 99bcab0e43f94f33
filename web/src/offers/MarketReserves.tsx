import type { Offer, OfferMarketReserve } from '../api/types';
import { useMe } from '../auth/session';
import { formatDateTime, formatNumber } from '../common/format';
import { useMemberDirectory } from './memberDirectory';
import { StockBar, StockLegend } from './StockBar';

/** The TTL of one market: when its unused units go back, or when they went. */
function MarketTtl({ share }: { share: OfferMarketReserve }) {
  if (share.releasedAt) {
    return (
      <>
        Released <time dateTime={share.releasedAt}>{formatDateTime(share.releasedAt)}</time>
      </>
    );
  }
  if (share.expiresAt) {
    return (
      <>
        Until <time dateTime={share.expiresAt}>{formatDateTime(share.expiresAt)}</time>
      </>
    );
  }
  return <span className="muted">No TTL</span>;
}

/**
 * The reserve split by market (seed 004): who owns each share, when its TTL returns its unused
 * units, its low-stock level (badged "low" once its owner was told), and its units as a bar of
 * sold, held and available with the numbers beside it.
 */
export function MarketReserves({ offer }: { offer: Offer }) {
  const me = useMe();
  const directory = useMemberDirectory();
  const ownerName = (userId: string) => {
    const name = directory.byId.get(userId)?.name || (userId === me.user.id ? me.user.name : '');
    if (!name) return <code>{userId}</code>;
    return userId === me.user.id ? `${name} (you)` : name;
  };
  return (
    <>
      <StockLegend />
      <div className="table-scroll">
        <table className="table market-table">
          <caption className="visually-hidden">
            Reserve by market: owner, TTL, low-stock level and units of each market, in offer units
          </caption>
          <thead>
            <tr>
              <th scope="col">Market</th>
              <th scope="col">Owner</th>
              <th scope="col">TTL</th>
              <th scope="col" className="market-stock">
                Stock
              </th>
              <th scope="col" className="numeric">
                Reserved
              </th>
              <th scope="col" className="numeric">
                Sold
              </th>
              <th scope="col" className="numeric">
                Held
              </th>
              <th scope="col" className="numeric">
                Available
              </th>
              <th scope="col" className="numeric">
                Low-stock at
              </th>
            </tr>
          </thead>
          <tbody>
            {offer.markets.map((share) => (
              <tr
                key={share.market}
                data-testid={`market-${share.market}`}
                className={share.releasedAt ? 'row-muted' : undefined}
              >
                <th scope="row">
                  <code>{share.market}</code>
                </th>
                <td>{ownerName(share.ownerId)}</td>
                <td data-testid="market-ttl">
                  <MarketTtl share={share} />
                </td>
                <td className="market-stock">
                  <StockBar counts={share} />
                </td>
                <td className="numeric" data-testid="market-reserved">
                  {formatNumber(share.reserved)}
                </td>
                <td className="numeric" data-testid="market-sold">
                  {formatNumber(share.sold)}
                </td>
                <td className="numeric" data-testid="market-held">
                  {formatNumber(share.held)}
                </td>
                <td className="numeric" data-testid="market-available">
                  {formatNumber(share.available)}
                </td>
                <td className="numeric" data-testid="market-low-stock">
                  {formatNumber(share.lowStockThreshold)}
                  {share.lowStockFlaggedAt && (
                    <>
                      {' '}
                      <span
                        className="badge badge-warning"
                        title={`Flagged ${formatDateTime(share.lowStockFlaggedAt)}`}
                      >
                        low
                      </span>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
