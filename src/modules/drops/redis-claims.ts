/*
 * Claims on Redis: the code a claim names, kept only when it is the offer's; the decision, one
 * `claims` script per batch (redis-claim-batches.ts); a new hold answered only once its row is
 * durable. The store's other work never runs on a claim, so the path a claim takes reads here
 * from end to end.
 */

import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { bookedStatuses } from './book-rows.js';
import type { HoldJournal } from './hold-journal.js';
import type { OfferStatus } from './offer-book.types.js';
import type { StoreClaimOutcome, StoreClaimRequest } from './offer-store.js';
import type { OffersRepository } from './offers.repository.js';
import { ClaimBatches } from './redis-claim-batches.js';
import type { HoldPlaces } from './redis-hold-places.js';
import { offerKeys, parseAnswer, storeHoldOf } from './redis-offer-keys.js';
import type { RunOfferScript } from './redis-offer-scripts.js';
import type { ScriptEffects } from './redis-script-effects.js';
import { UnknownCodeWarnings } from './unknown-code-warnings.js';

export interface RedisClaimsDeps {
  redis: Redis;
  prefix: string;
  run: RunOfferScript;
  places: HoldPlaces;
  effects: ScriptEffects;
  journal: HoldJournal;
  /** The offer and its codes, to keep only a code that is the offer's. */
  offers: OffersRepository;
  /** Loads a booked offer whose keys are missing; true when it was loaded. */
  reopen: (offerId: string) => Promise<boolean>;
  logger?: Logger | undefined;
}

export class RedisClaims {
  private readonly batches: ClaimBatches;
  /**
   * Each booked offer's codes, loaded once per process: codes change only before arming, so
   * they never change while the offer takes claims.
   */
  private readonly codesByOffer = new Map<string, Promise<ReadonlySet<string> | undefined>>();
  private readonly unknownCodes: UnknownCodeWarnings;

  constructor(private readonly deps: RedisClaimsDeps) {
    this.unknownCodes = new UnknownCodeWarnings(deps.logger);
    this.batches = new ClaimBatches(
      (offerId, args) => deps.run('claims', offerId, args),
      (offerId, effects) => deps.effects.settleEffects(offerId, effects),
    );
  }

  async claim(offerId: string, asked: StoreClaimRequest): Promise<StoreClaimOutcome | undefined> {
    const request = asked.offerCode === null ? asked : await this.attribute(offerId, asked);
    const answer = await this.decideClaim(offerId, request);
    if (answer?.ok && !answer.replay && asked.offerCode !== null && request.offerCode === null) {
      this.unknownCodes.note(offerId, asked.offerCode, asked.now);
    }
    // Redis lost the offer (restarted empty, or flushed) while it is still on sale: rebuild it
    // from the database once and decide again, instead of refusing every shopper.
    if (answer === undefined && (await this.deps.reopen(offerId))) {
      return this.decideClaim(offerId, request);
    }
    return answer;
  }

  /**
   * A retry may be answered with a hold another process decided and has not written yet, or
   * never will (it died in between). Whoever answers makes the hold durable first: this
   * process writes the same row from Redis (the first insert wins, the other does nothing).
   */
  private async makeDurable(offerId: string, organizationId: string, holdId: string) {
    const { places, redis, prefix, journal } = this.deps;
    if (await places.find(holdId)) return;
    const encoded = await redis.hget(offerKeys(prefix, offerId).holds, holdId);
    if (!encoded) {
      // The hold ended meanwhile: it was written if anyone was ever told of it.
      await places.durable(holdId);
      return;
    }
    await journal.created(storeHoldOf(holdId, offerId, organizationId, encoded));
    places.remember(holdId, { offerId, organizationId });
  }

  /**
   * The claim with its code kept only when it is one of the offer's own (as OfferBook's
   * attributedCode): a wrong code never refuses a claim, it only goes unrecorded.
   */
  private async attribute(offerId: string, request: StoreClaimRequest) {
    let codes = this.codesByOffer.get(offerId);
    if (codes === undefined) {
      codes = this.loadCodes(offerId);
      this.codesByOffer.set(offerId, codes);
      // Not kept for an offer without a book yet: its codes may still change.
      const forget = () => this.codesByOffer.delete(offerId);
      codes.then((found) => found ?? forget(), forget);
    }
    const known = await codes;
    if (known === undefined || known.has(request.offerCode ?? '')) return request;
    return { ...request, offerCode: null };
  }

  private async loadCodes(offerId: string): Promise<ReadonlySet<string> | undefined> {
    const offer = await this.deps.offers.findOfferById(offerId);
    const booked =
      offer && (offer.status === 'closed' || bookedStatuses.includes(offer.status as OfferStatus));
    if (!offer || !booked) return undefined;
    const rows = await this.deps.offers.listCodes(offer.organizationId, [offer.id]);
    return new Set(rows.map((row) => row.code));
  }

  private async decideClaim(
    offerId: string,
    request: StoreClaimRequest,
  ): Promise<StoreClaimOutcome | undefined> {
    const decided = await this.batches.decide(offerId, request);
    if (!decided) return undefined;
    const answer = parseAnswer(decided.answer);
    if (!answer.ok) return answer;
    if (decided.replayed) {
      await this.makeDurable(offerId, decided.organizationId, answer.holdId);
      return { ...answer, replay: true };
    }
    const { holdId } = decided;
    const place = { offerId, organizationId: decided.organizationId };
    try {
      await this.deps.journal.created({
        ...place,
        id: holdId,
        shopperId: request.shopperId,
        quantity: request.quantity,
        createdAt: request.now,
        expiresAt: answer.expiresAt,
        idempotencyKey: request.idempotencyKey,
        offerCode: request.offerCode,
        trafficSource: request.trafficSource,
        market: decided.market,
      });
    } catch (error) {
      await this.deps.effects.revoke(offerId, holdId, request.idempotencyKey);
      throw error;
    }
    this.deps.places.remember(holdId, place);
    return { ...answer, replay: false };
  }
}
