import type { Db } from '../src/db/database.js';
import { type InventoryAudit, type Occupancy, peakOccupancy } from './drop-workload.js';

/**
 * Audits one offer from Mydrop's own tables after a run: what was reserved, sold and still
 * held, and the most units its holds ever committed at one instant. The engine gives an expired
 * hold's units back no earlier than its deadline, so an expired hold occupies [created, expires).
 */
export async function auditMydropOffer(db: Db, offerId: string): Promise<InventoryAudit> {
  const offer = await db
    .selectFrom('offers')
    .select(['reservedUnits'])
    .where('id', '=', offerId)
    .executeTakeFirstOrThrow();
  const holds = await db
    .selectFrom('holds')
    .select(['id', 'quantity', 'status', 'createdAt', 'expiresAt', 'endedAt'])
    .where('offerId', '=', offerId)
    .execute();
  const orders = await db
    .selectFrom('orders')
    .select(['holdId', 'quantity', 'status'])
    .where('offerId', '=', offerId)
    .execute();
  const stock = await db
    .selectFrom('offerComponents')
    .innerJoin('skus', 'skus.id', 'offerComponents.skuId')
    .select(['skus.code', 'skus.stockOnHand'])
    .where('offerComponents.offerId', '=', offerId)
    .execute();

  const now = Date.now();
  const problems: string[] = [];
  const intervals: Occupancy[] = [];
  let held = 0;
  const checkedOut = new Set<string>();
  for (const hold of holds) {
    const start = hold.createdAt.getTime();
    const expires = hold.expiresAt.getTime();
    let end: number;
    if (hold.status === 'checked_out') {
      end = Number.POSITIVE_INFINITY;
      checkedOut.add(hold.id);
    } else if (hold.status === 'held') {
      end = expires > now ? Number.POSITIVE_INFINITY : expires;
      if (expires > now) held += hold.quantity;
    } else if (hold.status === 'released') {
      end = hold.endedAt?.getTime() ?? expires;
    } else {
      end = expires;
    }
    intervals.push({ start, end, units: hold.quantity });
  }
  let sold = 0;
  const holdsWithOrders = new Set<string>();
  for (const order of orders) {
    if (holdsWithOrders.has(order.holdId)) problems.push(`two orders for hold ${order.holdId}`);
    holdsWithOrders.add(order.holdId);
    if (!checkedOut.has(order.holdId))
      problems.push(`order for hold ${order.holdId} not checked out`);
    if (order.status === 'paid') sold += order.quantity;
  }
  for (const id of checkedOut) {
    if (!holdsWithOrders.has(id)) problems.push(`hold ${id} checked out without an order`);
  }
  for (const sku of stock) {
    if (sku.stockOnHand < 0) problems.push(`SKU ${sku.code} stock is ${sku.stockOnHand}`);
  }
  return {
    reserved: offer.reservedUnits,
    sold,
    held,
    peakCommitted: peakOccupancy(intervals),
    problems,
  };
}
