import './orders.css';
import { useState } from 'react';
import type { Order } from '../api/types';
import { ErrorMessage } from '../common/feedback';
import { formatDateTime, formatMoney, formatNumber } from '../common/format';
import { offersHref } from '../offers/offersApi';
import { Link } from '../router/router';
import { EndOrderControl, FulfilmentSelect } from './OrderActions';
import { fulfilmentLabels, orderStatusLabels } from './ordersApi';

interface Props {
  orders: Order[];
  /** Shown as a column when the table mixes offers (the Orders area). */
  offerTitles?: Map<string, string>;
  canManage: boolean;
  onChanged: () => void;
}

const statusClass: Record<Order['status'], string> = {
  paid: 'badge badge-ok',
  cancelled: 'badge badge-quiet',
  returned: 'badge badge-warning',
};

/** Orders, newest first, with refund and fulfilment controls for people who manage orders. */
export function OrdersTable({ orders, offerTitles, canManage, onChanged }: Props) {
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <ErrorMessage error={error} />
      <div className="table-scroll">
        <table className="table orders-table">
          <thead>
            <tr>
              <th scope="col">Placed</th>
              <th scope="col">Buyer</th>
              {offerTitles && <th scope="col">Offer</th>}
              <th scope="col">Code</th>
              <th scope="col" className="numeric">
                Qty
              </th>
              <th scope="col" className="numeric">
                Charged
              </th>
              <th scope="col">Bonus</th>
              <th scope="col">Status</th>
              <th scope="col">Fulfilment</th>
              {canManage && (
                <th scope="col" className="actions">
                  Refund
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {orders.map((order) => {
              const open = order.status === 'paid';
              return (
                <tr key={order.id} className={open ? undefined : 'row-muted'}>
                  <td>{formatDateTime(order.createdAt)}</td>
                  <td>
                    <div>{order.name}</div>
                    <div className="hint">{order.email}</div>
                  </td>
                  {offerTitles && (
                    <td>
                      <Link to={offersHref.detail(order.offerId)}>
                        {offerTitles.get(order.offerId) ?? 'Unknown offer'}
                      </Link>
                    </td>
                  )}
                  <td>{order.offerCode ? <code>{order.offerCode}</code> : '—'}</td>
                  <td className="numeric">{formatNumber(order.quantity)}</td>
                  <td className="numeric">
                    <div>{formatMoney(order.totalMinor, order.currency)}</div>
                    {order.totalMinor !== order.amountMinor && (
                      <div className="hint">
                        {formatMoney(order.taxMinor, order.currency)} tax on top
                      </div>
                    )}
                  </td>
                  <td>
                    {order.bonus ? (
                      <span
                        className="badge badge-ok"
                        title={`Order ${formatNumber(order.saleNumber)} of the offer: within the first orders that get the bonus`}
                      >
                        + {order.bonus}
                      </span>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    <span className={statusClass[order.status]}>
                      {orderStatusLabels[order.status]}
                    </span>
                  </td>
                  <td>
                    {canManage && open ? (
                      <FulfilmentSelect order={order} onChanged={onChanged} onError={setError} />
                    ) : (
                      fulfilmentLabels[order.fulfilmentStatus]
                    )}
                  </td>
                  {canManage && (
                    <td className="actions">
                      {open ? (
                        <EndOrderControl order={order} onChanged={onChanged} onError={setError} />
                      ) : (
                        <span className="muted">Refunded</span>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
