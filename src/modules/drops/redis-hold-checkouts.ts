/*
 * A hold's payment on Redis: pinned while in flight, then aborted or completed. A process may
 * die mid-payment, leaving its hold pinned; the sweeper hands such holds here, and the order
 * row decides: an order means sold, none means the payment failed.
 */

import type { Logger } from 'pino';
import type { CheckoutStart } from './offer-store.js';
import type { OffersRepository } from './offers.repository.js';
import type { OrdersRepository } from './orders.repository.js';
import type { HoldPlaces } from './redis-hold-places.js';
import { storeHoldOf } from './redis-offer-keys.js';
import type { RunOfferScript } from './redis-offer-scripts.js';
import type { ScriptEffects } from './redis-script-effects.js';

export interface HoldCheckoutsDeps {
  run: RunOfferScript;
  places: HoldPlaces;
  effects: ScriptEffects;
  /** An order for a stuck hold means it sold; none means its payment failed. */
  orders: OrdersRepository;
  offers: OffersRepository;
  /** Returns units of a closed offer whose stuck payment was aborted to the catalog. */
  returnUnsold?:
    | ((
        organizationId: string,
        offerId: string,
        units: number,
        market: string | null,
      ) => Promise<void>)
    | undefined;
  logger?: Logger | undefined;
}

export class HoldCheckouts {
  private readonly settling = new Set<string>();

  constructor(private readonly deps: HoldCheckoutsDeps) {}

  async begin(holdId: string, now: number): Promise<CheckoutStart> {
    // Only a durable hold has a place: one acknowledged here, or one whose row was found.
    const place = await this.deps.places.find(holdId);
    if (!place) return { ok: false, reason: 'missing' };
    const reply = String(await this.deps.run('beginCheckout', place.offerId, [holdId, now]));
    if (reply === 'missing' || reply === 'busy' || reply === 'expired') {
      return { ok: false, reason: reply };
    }
    return { ok: true, hold: storeHoldOf(holdId, place.offerId, place.organizationId, reply) };
  }

  async abort(holdId: string): Promise<number> {
    const place = await this.deps.places.find(holdId);
    return place ? (await this.abortOf(place.offerId, holdId)).leaving : 0;
  }

  async complete(holdId: string): Promise<void> {
    const place = await this.deps.places.find(holdId);
    if (place) await this.completeOf(place.offerId, holdId);
  }

  /** A payment pinned long past its hold's deadline lost its process: the order decides. */
  async settleStuck(offerId: string, holdId: string): Promise<void> {
    if (this.settling.has(holdId)) return;
    this.settling.add(holdId);
    try {
      if (await this.deps.orders.findOrderByHold(holdId)) {
        await this.completeOf(offerId, holdId);
        return;
      }
      const { leaving, market } = await this.abortOf(offerId, holdId);
      if (leaving > 0) {
        const place = await this.deps.places.find(holdId);
        const organizationId = place?.organizationId ?? (await this.organizationOf(offerId));
        if (this.deps.returnUnsold && organizationId) {
          await this.deps.returnUnsold(organizationId, offerId, leaving, market);
        } else {
          this.deps.logger?.warn(
            { offerId, holdId, units: leaving },
            'stuck payment of a closed offer aborted: its units left the offer',
          );
        }
      }
    } finally {
      this.settling.delete(holdId);
    }
  }

  private async organizationOf(offerId: string): Promise<string | undefined> {
    return (await this.deps.offers.findOfferById(offerId))?.organizationId;
  }

  private async abortOf(
    offerId: string,
    holdId: string,
  ): Promise<{ leaving: number; market: string | null }> {
    const [units, market] = (await this.deps.run('abortCheckout', offerId, [holdId])) as [
      number,
      string,
    ];
    const leaving = Number(units);
    // The hold left a closed offer unpaid: its row ends too.
    if (leaving > 0) this.deps.effects.ended([holdId], 'released');
    return { leaving, market: market === '' ? null : market };
  }

  private async completeOf(offerId: string, holdId: string): Promise<void> {
    await this.deps.run('completeSale', offerId, [holdId]);
    this.deps.places.forget(holdId);
  }
}
