import { api } from '../api/client';
import type { FulfilmentStatus, Order, OrderStatus } from '../api/types';

// The order fields this area shows beyond the shared type (GET /api/v1/orders answers them all).
declare module '../api/types' {
  interface Order {
    /** What was charged, tax added where the region's prices exclude it; refunded whole. */
    totalMinor: number;
    taxMinor: number;
    /** The order's place among its offer's orders, 1 for the first. */
    saleNumber: number;
    /** The urgency rule's bonus item, for the offer's first N orders placed; else null. */
    bonus: string | null;
  }
}

export const fulfilmentLabels: Record<FulfilmentStatus, string> = {
  unfulfilled: 'Unfulfilled',
  packed: 'Packed',
  shipped: 'Shipped',
  delivered: 'Delivered',
};

export const orderStatusLabels: Record<OrderStatus, string> = {
  paid: 'Paid',
  cancelled: 'Cancelled',
  returned: 'Returned',
};

function filterQuery(offerId: string | null): string {
  return offerId ? `?offerId=${encodeURIComponent(offerId)}` : '';
}

export const ordersPath = (offerId: string | null) => `/api/v1/orders${filterQuery(offerId)}`;

/** The CSV download: a plain link, so the browser saves it with the session cookie. */
export const ordersCsvPath = (offerId: string | null) =>
  `/api/v1/orders.csv${filterQuery(offerId)}`;

const orderPath = (id: string) => `/api/v1/orders/${encodeURIComponent(id)}`;

/** Cancel (not shipped yet) or return (came back): refunds; `restock` puts units back on sale. */
export function endOrder(id: string, action: 'cancel' | 'return', restock: boolean) {
  return api<Order>(`${orderPath(id)}/${action}`, { method: 'POST', body: { restock } });
}

export function setFulfilment(id: string, status: FulfilmentStatus) {
  return api<Order>(`${orderPath(id)}/fulfilment`, { method: 'PUT', body: { status } });
}

/** Before shipping an order is cancelled; once it has left the warehouse it is returned. */
export function endActionFor(order: Order): 'cancel' | 'return' {
  return order.fulfilmentStatus === 'shipped' || order.fulfilmentStatus === 'delivered'
    ? 'return'
    : 'cancel';
}
