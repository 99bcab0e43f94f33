import { useState } from 'react';
import type { FulfilmentStatus, Order } from '../api/types';
import { formatMoney } from '../common/format';
import { endActionFor, endOrder, fulfilmentLabels, setFulfilment } from './ordersApi';

interface Props {
  order: Order;
  onChanged: () => void;
  onError: (error: unknown) => void;
}

const statuses = Object.keys(fulfilmentLabels) as FulfilmentStatus[];
const shortId = (order: Order) => order.id.slice(0, 8);

/** The fulfilment step of a paid order, changeable in place. */
export function FulfilmentSelect({ order, onChanged, onError }: Props) {
  const [pending, setPending] = useState(false);
  const id = `fulfilment-${order.id}`;
  const change = async (status: FulfilmentStatus) => {
    setPending(true);
    onError(null);
    try {
      await setFulfilment(order.id, status);
      onChanged();
    } catch (caught) {
      onError(caught);
    } finally {
      setPending(false);
    }
  };
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        Fulfilment of order {shortId(order)}
      </label>
      <select
        id={id}
        value={order.fulfilmentStatus}
        disabled={pending}
        onChange={(event) => void change(event.target.value as FulfilmentStatus)}
      >
        {statuses.map((status) => (
          <option key={status} value={status}>
            {fulfilmentLabels[status]}
          </option>
        ))}
      </select>
    </>
  );
}

/**
 * Cancel or return with a refund of the whole charge, in two steps since money moves. Restock is on by default:
 * most cancellations put sellable units back; damaged returns are unticked and written off.
 */
export function EndOrderControl({ order, onChanged, onError }: Props) {
  const action = endActionFor(order);
  const [restock, setRestock] = useState(true);
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState(false);
  const verb = action === 'cancel' ? 'Cancel' : 'Return';
  const id = `restock-${order.id}`;

  const run = async () => {
    setPending(true);
    onError(null);
    try {
      await endOrder(order.id, action, restock);
      onChanged();
    } catch (caught) {
      onError(caught);
      setPending(false);
      setConfirming(false);
    }
  };

  return (
    <div className="order-actions">
      <label htmlFor={id} className="checkbox-label">
        <input
          id={id}
          type="checkbox"
          checked={restock}
          disabled={pending}
          onChange={(event) => setRestock(event.target.checked)}
        />{' '}
        Restock<span className="visually-hidden"> units of order {shortId(order)}</span>
      </label>
      {confirming ? (
        <>
          <button
            type="button"
            className="button button-small button-danger"
            disabled={pending}
            onClick={() => void run()}
          >
            {pending
              ? 'Refunding…'
              : `Refund ${formatMoney(order.totalMinor, order.currency)} and ${verb.toLowerCase()}`}
          </button>
          <button
            type="button"
            className="button button-small button-quiet"
            disabled={pending}
            onClick={() => setConfirming(false)}
          >
            Keep
          </button>
        </>
      ) : (
        <button type="button" className="button button-small" onClick={() => setConfirming(true)}>
          {verb}…<span className="visually-hidden"> order {shortId(order)}</span>
        </button>
      )}
    </div>
  );
}
