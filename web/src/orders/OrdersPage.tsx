import { useMemo } from 'react';
import { DropPermission, type ItemList, type Offer, type Order } from '../api/types';
import { useQuery } from '../api/useQuery';
import { useCan } from '../auth/session';
import { EmptyState, ErrorMessage, Loading, PageHeader } from '../common/feedback';
import { formatNumber } from '../common/format';
import { offersPath } from '../offers/offersApi';
import { useLocation, useNavigate, useSearchParam } from '../router/router';
import { useWorkspace } from '../shell/workspace';
import { OrdersTable } from './OrdersTable';
import { ordersCsvPath, ordersPath } from './ordersApi';

/** Every order of the organisation, newest first, filterable by offer and exportable as CSV. */
export function OrdersPage() {
  const canRead = useCan(DropPermission.ordersRead);
  return (
    <>
      <PageHeader
        title="Orders"
        description="Orders of every brand in the organisation, newest first. Cancel or return them with a refund, and track fulfilment."
      />
      {canRead ? (
        <OrdersBrowser />
      ) : (
        <EmptyState title="Your role cannot see orders">
          <p>Orders are open to operations, inventory and finance roles.</p>
        </EmptyState>
      )}
    </>
  );
}

function OrdersBrowser() {
  const { contextKey } = useWorkspace();
  const canManage = useCan(DropPermission.ordersManage);
  const offerId = useSearchParam('offer');
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const offers = useQuery<ItemList<Offer>>(offersPath(null), contextKey);
  const orders = useQuery<ItemList<Order>>(ordersPath(offerId), contextKey);
  const offerTitles = useMemo(
    () => new Map((offers.data?.items ?? []).map((offer) => [offer.id, offer.title])),
    [offers.data],
  );
  const items = orders.data?.items ?? [];

  const chooseOffer = (id: string) =>
    navigate(id ? `${pathname}?offer=${encodeURIComponent(id)}` : pathname, { replace: true });

  return (
    <section className="card" aria-labelledby="orders-heading">
      <div className="card-header orders-toolbar">
        <h2 id="orders-heading">
          {orders.data
            ? `${formatNumber(items.length)} ${items.length === 1 ? 'order' : 'orders'}`
            : 'Orders'}
        </h2>
        <div className="field-row">
          <div className="field">
            <label htmlFor="orders-offer-filter">Offer</label>
            <select
              id="orders-offer-filter"
              value={offerId ?? ''}
              onChange={(event) => chooseOffer(event.target.value)}
            >
              <option value="">All offers</option>
              {(offers.data?.items ?? []).map((offer) => (
                <option key={offer.id} value={offer.id}>
                  {offer.title}
                </option>
              ))}
            </select>
          </div>
          <div className="button-row">
            <button type="button" className="button" onClick={orders.reload}>
              Refresh
            </button>
            <a className="button" href={ordersCsvPath(offerId)} download>
              Export CSV
            </a>
          </div>
        </div>
      </div>
      <ErrorMessage error={offers.error} onRetry={offers.reload} />
      {orders.loading && !orders.data ? (
        <Loading label="Loading orders…" />
      ) : orders.error ? (
        <ErrorMessage error={orders.error} onRetry={orders.reload} />
      ) : items.length === 0 ? (
        <EmptyState title="No orders yet">
          <p>
            {offerId
              ? 'Nobody has bought this offer yet.'
              : 'Orders appear here as soon as shoppers check out.'}
          </p>
        </EmptyState>
      ) : (
        <OrdersTable
          orders={items}
          offerTitles={offerTitles}
          canManage={canManage}
          onChanged={orders.reload}
        />
      )}
    </section>
  );
}
