import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import * as checkout from './redis-checkout-scripts.js';
import * as claim from './redis-claim-scripts.js';
import * as lifecycle from './redis-lifecycle-scripts.js';
import { claimDecision, offerPrelude } from './redis-offer-prelude.js';
import * as waitlist from './redis-waitlist-scripts.js';

/**
 * The Lua scripts of the Redis offer store: one atomic script per decision, so no two
 * processes can both take the last unit (Redis runs one script at a time). Each script is
 * OfferBook's method of the same name, rewritten over the offer's keys; offer-book.ts stays the
 * reference and redis-offer-store.test.ts checks both give the same answers.
 *
 * Every script receives the offer's eleven keys (redis-offer-keys.ts), all in one hash slot, and
 * never builds a key name itself, so the scripts also run on Redis Cluster. Hold ids come from
 * the caller (the holds.id column is a uuid and Lua has no UUID generator): scripts that may
 * hand released units to the waitlist take spare ids as their last arguments.
 *
 * Scripts that may move units or end waits reply [answer, org, expired hold ids, promoted
 * (hold id, stored hold) pairs, ended waits (entry id, 'left' | 'expired') pairs, extra?]; the
 * store journals all of it.
 *
 * The bodies sit by concern in redis-lifecycle-, redis-claim-, redis-checkout- and
 * redis-waitlist-scripts.ts; this file puts the prelude before each and runs them.
 */

export interface OfferScript {
  readonly name: string;
  readonly lua: string;
  readonly sha: string;
}

function defineScript(name: string, body: string): OfferScript {
  const lua = `${offerPrelude}\n${claimDecision}\n${body}`;
  return { name, lua, sha: createHash('sha1').update(lua).digest('hex') };
}

export const offerScripts = {
  load: defineScript('load', lifecycle.load),
  setStatus: defineScript('setStatus', lifecycle.setStatus),
  claims: defineScript('claims', claim.claims),
  revoke: defineScript('revoke', claim.revoke),
  release: defineScript('release', claim.release),
  joinWaitlist: defineScript('joinWaitlist', waitlist.joinWaitlist),
  joinWritten: defineScript('joinWritten', waitlist.joinWritten),
  unjoin: defineScript('unjoin', waitlist.unjoin),
  beginCheckout: defineScript('beginCheckout', checkout.beginCheckout),
  abortCheckout: defineScript('abortCheckout', checkout.abortCheckout),
  completeSale: defineScript('completeSale', checkout.completeSale),
  unsell: defineScript('unsell', checkout.unsell),
  close: defineScript('close', lifecycle.close),
  releaseMarket: defineScript('releaseMarket', lifecycle.releaseMarket),
  sweep: defineScript('sweep', lifecycle.sweep),
} as const;

export type OfferScriptName = keyof typeof offerScripts;

/** Runs a script over one offer's keys: the store's, handed to the parts that act for it. */
export type RunOfferScript = (
  script: OfferScriptName,
  offerId: string,
  args: ReadonlyArray<string | number>,
) => Promise<unknown>;

/**
 * Runs a script by its SHA1 (the body is sent once per Redis server, not with every claim),
 * falling back to EVAL, which also caches it, after a restart or failover emptied the cache.
 */
export async function runOfferScript(
  redis: Redis,
  script: OfferScript,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(script.lua, keys.length, ...keys, ...args);
  }
}
