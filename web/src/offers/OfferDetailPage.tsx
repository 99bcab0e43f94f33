import { DropPermission, type ItemList, type Offer, type Order } from '../api/types';
import { useQuery } from '../api/useQuery';
import { useCan } from '../auth/session';
import { EmptyState, ErrorMessage, Loading, PageHeader } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { OrdersTable } from '../orders/OrdersTable';
import { ordersCsvPath, ordersPath } from '../orders/ordersApi';
import { Link } from '../router/router';
import { useWorkspace } from '../shell/workspace';
import { MarketReserves } from './MarketReserves';
import { OfferControls } from './OfferControls';
import { OfferInventory, OfferTerms } from './OfferTerms';
import {
  awaitsMarketRelease,
  isMoving,
  nextMarketRelease,
  offerPath,
  offerPollMs,
  offersHref,
  shopperPagePath,
} from './offersApi';
import { StatusBadge } from './StatusBadge';
import { useSkuDirectory } from './skuDirectory';
import { usePolling, useReloadAt } from './usePolling';

/** One offer: its terms, lifecycle controls, live stock and its orders. */
export function OfferDetailPage({ offerId }: { offerId: string }) {
  const query = useQuery<Offer>(offerPath(offerId));
  const offer = query.data;
  usePolling(
    query.reload,
    offer !== undefined && (isMoving(offer) || awaitsMarketRelease(offer)),
    offerPollMs,
  );
  // A market's TTL returns its units even while the offer is only armed: look again then.
  useReloadAt(query.reload, offer ? nextMarketRelease(offer) : null);

  if (!offer) {
    return (
      <>
        <PageHeader title="Offer" />
        <BackLink />
        {query.error ? (
          <ErrorMessage error={query.error} onRetry={query.reload} />
        ) : (
          <Loading label="Loading the offer…" />
        )}
      </>
    );
  }
  return <OfferDetail offer={offer} reload={query.reload} pollError={query.error} />;
}

function BackLink() {
  return (
    <p className="section-nav">
      <Link to={offersHref.list}>← All offers</Link>
    </p>
  );
}

function OfferDetail({
  offer,
  reload,
  pollError,
}: {
  offer: Offer;
  reload: () => void;
  pollError: unknown;
}) {
  const { brands } = useWorkspace();
  const skus = useSkuDirectory(offer.brandId);
  const canWrite = useCan(DropPermission.offersWrite);
  const editable = offer.status === 'draft' || offer.status === 'approved';
  const brand = brands.find((candidate) => candidate.id === offer.brandId);
  return (
    <>
      <PageHeader
        title={offer.title}
        description={
          <>
            <StatusBadge status={offer.status} /> {brand ? `${brand.name} · ` : ''}
            updated {formatDateTime(offer.updatedAt)}
          </>
        }
      />
      <nav className="section-nav" aria-label="Offer">
        <Link to={offersHref.list}>← All offers</Link>
        <a href={shopperPagePath(offer.id)} target="_blank" rel="noopener">
          Shopper page ↗
        </a>
        {canWrite && editable && <Link to={offersHref.edit(offer.id)}>Edit terms</Link>}
      </nav>
      {/* A failed refresh keeps the last counts on screen and says so. */}
      <ErrorMessage error={pollError} onRetry={reload} />

      <section className="card" aria-labelledby="offer-controls-heading">
        <h2 id="offer-controls-heading" className="card-header">
          Lifecycle
        </h2>
        <OfferControls offer={offer} onChanged={reload} />
      </section>

      <div className="offer-detail-grid">
        <section className="card" aria-labelledby="offer-stock-heading">
          <h2 id="offer-stock-heading" className="card-header">
            Inventory
          </h2>
          <OfferInventory offer={offer} skus={skus.byId} />
        </section>
        <section className="card" aria-labelledby="offer-terms-heading">
          <h2 id="offer-terms-heading" className="card-header">
            Terms
          </h2>
          <OfferTerms offer={offer} />
        </section>
      </div>

      {offer.markets.length > 0 && (
        <section className="card" aria-labelledby="offer-markets-heading">
          <h2 id="offer-markets-heading" className="card-header">
            Reserve by market
          </h2>
          <MarketReserves offer={offer} />
        </section>
      )}

      <OfferOrders offer={offer} onOfferChanged={reload} />
    </>
  );
}

function OfferOrders({ offer, onOfferChanged }: { offer: Offer; onOfferChanged: () => void }) {
  const canRead = useCan(DropPermission.ordersRead);
  const canManage = useCan(DropPermission.ordersManage);
  const orders = useQuery<ItemList<Order>>(canRead ? ordersPath(offer.id) : null);
  usePolling(orders.reload, canRead && isMoving(offer), offerPollMs);
  if (!canRead) return null;
  const items = orders.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="offer-orders-heading">
      <div className="card-header card-header-row">
        <h2 id="offer-orders-heading">Orders</h2>
        <a className="button button-small" href={ordersCsvPath(offer.id)} download>
          Export CSV
        </a>
      </div>
      {orders.loading && !orders.data ? (
        <Loading label="Loading orders…" />
      ) : orders.error && !orders.data ? (
        <ErrorMessage error={orders.error} onRetry={orders.reload} />
      ) : items.length === 0 ? (
        <EmptyState title="No orders yet">
          <p>Orders appear here as shoppers check out.</p>
        </EmptyState>
      ) : (
        <OrdersTable
          orders={items}
          canManage={canManage}
          onChanged={() => {
            orders.reload();
            // A refund with restock changes the offer's stock too.
            onOfferChanged();
          }}
        />
      )}
    </section>
  );
}
