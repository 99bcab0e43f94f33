import type { OrderRow } from './orders.repository.js';

/**
 * What an order event tells webhook subscribers: enough to tag the buyer in a CRM, start
 * fulfilment (with the urgency rule's bonus item to pack, if the order earned one) and
 * attribute the sale (offer code, traffic source, show), never the payment reference or the
 * address.
 */
export function orderEventData(order: OrderRow): Record<string, unknown> {
  return {
    orderId: order.id,
    offerId: order.offerId,
    showId: order.showId,
    status: order.status,
    fulfilmentStatus: order.fulfilmentStatus,
    quantity: order.quantity,
    totalMinor: order.totalMinor,
    currency: order.currency,
    email: order.email,
    offerCode: order.offerCode,
    trafficSource: order.trafficSource,
    market: order.market,
    bonus: order.bonus,
  };
}
