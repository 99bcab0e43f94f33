import type { HoldRow } from './holds.repository.js';
import type { ClaimRefusal, MarketShare } from './offer-book.types.js';
import type { StoreHold } from './offer-store.js';
import type { OfferRow } from './offers.repository.js';
import type { WaitlistAnswerRow, WaitlistRow } from './waitlist.repository.js';

/**
 * How an offer lives in Redis. Every key of one offer carries the hash tag `{offer:<id>}`, so
 * all of them sit in one hash slot and one script may touch them all (also on Redis Cluster).
 * The scripts receive them in this order as KEYS[1..11]:
 * - state:   hash status, reserved, held, sold, limit, ttl, opensAt, closesAt, org, pending,
 *            waitOrder (the queue_order the last join got)
 * - holds:   hash hold id -> StoredHold (JSON)
 * - exp:     sorted set of held holds by expiresAt (what may expire)
 * - paying:  sorted set of holds checking out by expiresAt (what may be stuck)
 * - buyers:  hash shopper -> units held, paying or bought (the per-buyer limit)
 * - answers: hash idempotency key -> first answer that made a hold ('h:<expiresAt>:<holdId>')
 * - wait:    list of '<entry id>|<quantity>|<market or empty>|<shopper>', first come first
 *            served (the shopper last: it may contain '|')
 * - refused: hash idempotency key -> first answer that was a refusal ('r:<refusal>'), this
 *            window's (answerWindowMs; the state's forgetAt says when the window moves on)
 * - refusedBefore: the previous window's refusals, forgotten when the window moves on
 * - waitAnswers: hash idempotency key -> first answer of a join ('w:<position>:<entry id>')
 * - joining: hash entry id -> the entry as its row needs it (JSON), from the join until its
 *            row is committed; a wait that ends meanwhile is noted on it (`x`), for the
 *            joining process to write after the row (a script cannot reach the database)
 */
const offerKeyNames = [
  'state',
  'holds',
  'exp',
  'paying',
  'buyers',
  'answers',
  'wait',
  'refused',
  'refusedBefore',
  'waitAnswers',
  'joining',
] as const;

export interface OfferKeys {
  /** KEYS[1..11] of every script. */
  all: string[];
  state: string;
  holds: string;
  wait: string;
}

export function offerKeys(prefix: string, offerId: string): OfferKeys {
  const tag = `${prefix}{offer:${offerId}}`;
  return {
    all: offerKeyNames.map((name) => `${tag}:${name}`),
    state: `${tag}:state`,
    holds: `${tag}:holds`,
    wait: `${tag}:wait`,
  };
}

/**
 * The offers the sweeper visits. Outside every offer's slot, so no script writes it: it is only
 * an index, and an id whose offer has no state any more is dropped from it.
 */
export const offerIndexKey = (prefix: string): string => `${prefix}offers`;

/** A hold as the scripts keep it; short names because a drop holds thousands of them. */
export interface StoredHold {
  /** shopper */ s: string;
  /** quantity */ q: number;
  /** createdAt */ c: number;
  /** expiresAt */ e: number;
  st: 'held' | 'checking_out';
  /** idempotency key, offer code, traffic source: absent when null (cjson reads null as a truthy value). */
  k?: string;
  oc?: string;
  ts?: string;
  /** market, when the offer is split by market */
  m?: string;
  /** the waitlist entry the hold served, for a hold the waitlist gave */
  w?: string;
}

/** An open hold row, as the load script restores it (held: payment pins do not survive). */
export function storedHoldOf(row: HoldRow): StoredHold {
  return {
    s: row.shopperId,
    q: row.quantity,
    c: row.createdAt.getTime(),
    e: row.expiresAt.getTime(),
    st: 'held',
    ...(row.idempotencyKey === null ? {} : { k: row.idempotencyKey }),
    ...(row.offerCode === null ? {} : { oc: row.offerCode }),
    ...(row.trafficSource === null ? {} : { ts: row.trafficSource }),
    ...(row.market === null ? {} : { m: row.market }),
  };
}

export function storeHoldOf(
  id: string,
  offerId: string,
  organizationId: string,
  encoded: string,
): StoreHold {
  const stored = JSON.parse(encoded) as StoredHold;
  return {
    id,
    offerId,
    organizationId,
    shopperId: stored.s,
    quantity: stored.q,
    createdAt: stored.c,
    expiresAt: stored.e,
    state: stored.st,
    idempotencyKey: stored.k ?? null,
    offerCode: stored.oc ?? null,
    trafficSource: stored.ts ?? null,
    market: stored.m ?? null,
  };
}

export function holdAnswer(holdId: string, expiresAt: number): string {
  return `h:${expiresAt}:${holdId}`;
}

export type DecidedAnswer =
  | { ok: true; holdId: string; expiresAt: number }
  | { ok: false; code: ClaimRefusal };

export function parseAnswer(answer: string): DecidedAnswer {
  if (answer.startsWith('r:')) return { ok: false, code: answer.slice(2) as ClaimRefusal };
  const separator = answer.indexOf(':', 2);
  return {
    ok: true,
    expiresAt: Number(answer.slice(2, separator)),
    holdId: answer.slice(separator + 1),
  };
}

/** An optional script argument: '' for null, '=' and the value otherwise (so '' stays a value). */
export function optionalArg(value: string | null): string {
  return value === null ? '' : `=${value}`;
}

/** A number script argument that may be null ('' then, which the scripts read as nil). */
export function numberArg(value: number | null): string {
  return value === null ? '' : String(value);
}

/** A market's counts as the scripts keep them (see loadBook in redis-offer-prelude.ts). */
export interface StoredPool {
  r: number;
  h: number;
  s: number;
  x: boolean;
}

/** The waitlist's rows as the load script restores them. */
export interface LoadedWaitlist {
  /** Entries still waiting, first in line first. */
  waiting: readonly WaitlistRow[];
  /** The first answers of keyed joins, whatever became of their entries. */
  answers: readonly WaitlistAnswerRow[];
}

const noWaitlist: LoadedWaitlist = { waiting: [], answers: [] };

/** A join's first answer as the scripts keep it. */
export function waitAnswer(position: number, entryId: string): string {
  return `w:${position}:${entryId}`;
}

/**
 * The load script's arguments (before the spare ids): the offer's terms, its sold units, its
 * open holds (held again: a payment pin does not survive a reload), the first answers of
 * holds that ended, the markets' shares when the reserve is split, and the waitlist: waiting
 * entries in line, the last order given, the first answers of keyed joins.
 */
export function loadArgs(
  offer: OfferRow,
  sold: number,
  holds: readonly HoldRow[],
  now: number,
  bought: ReadonlyArray<{ shopperId: string; units: number }>,
  markets: readonly MarketShare[] = [],
  waitlist: LoadedWaitlist = noWaitlist,
): Array<string | number> {
  const pools: Record<string, StoredPool> = {};
  for (const share of markets) {
    pools[share.market] = { r: share.reserved, h: 0, s: share.sold, x: share.released };
  }
  const open = holds.filter((row) => row.status === 'held');
  const answered = holds.filter((row) => row.status !== 'held' && row.idempotencyKey !== null);
  return [
    offer.organizationId,
    offer.status,
    offer.reservedUnits,
    sold,
    numberArg(offer.perBuyerLimit),
    offer.holdTtlSeconds * 1000,
    numberArg(offer.startsAt?.getTime() ?? null),
    numberArg(offer.endsAt?.getTime() ?? null),
    now,
    JSON.stringify(open.map((row) => [row.id, storedHoldOf(row)])),
    JSON.stringify(
      answered.map((row) => [row.idempotencyKey, holdAnswer(row.id, row.expiresAt.getTime())]),
    ),
    JSON.stringify(bought.map((entry) => [entry.shopperId, entry.units])),
    markets.length > 0 ? JSON.stringify(pools) : '',
    JSON.stringify(
      waitlist.waiting.map((row) => [row.id, row.quantity, row.market ?? '', row.shopperId]),
    ),
    waitlist.waiting.reduce((last, row) => Math.max(last, row.queueOrder), 0),
    JSON.stringify(
      waitlist.answers.map((row) => [row.idempotencyKey, waitAnswer(row.position, row.id)]),
    ),
  ];
}

/** An entry of the waitlist as the join script records it until its row is committed. */
export interface JoiningEntry {
  /** shopper, quantity, market (absent when not split), order, joinedAt, position, key */
  s: string;
  q: number;
  m?: string;
  o: number;
  t: number;
  p: number;
  k?: string;
  /** How the wait ended before the row was written: 'served:<hold id>', 'left' or 'expired'. */
  x?: string;
}
