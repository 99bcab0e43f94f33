import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { claimDecision, offerPrelude } from './redis-offer-prelude.js';

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
 */

/**
 * Loads an offer from its rows, only if absent: other processes may already be deciding on it.
 * ARGV: org, status, reserved, sold, limit?, ttlMs, opensAt?, closesAt?, now, open holds (JSON
 * [[id, hold]]), remembered answers (JSON [[key, answer]]), units bought per shopper (JSON
 * [[shopper, units]], paid orders: the per-buyer limit counts them), the markets' shares (JSON
 * market -> { r, h = 0, s, x }, or '' when not split), the waiting entries in line (JSON
 * [[id, quantity, market or '', shopper]]), the last queue order given, the first answers of
 * keyed joins (JSON [[key, answer]]), spare ids. Entries whose market was released meanwhile
 * end 'expired' (OfferBook: a released market's line leaves with it).
 */
const load = `
if redis.call('EXISTS', stateKey) == 1 then return false end
redis.call('HSET', stateKey, 'org', ARGV[1], 'status', ARGV[2], 'reserved', ARGV[3], 'held', '0',
  'sold', ARGV[4], 'limit', ARGV[5], 'ttl', ARGV[6], 'opensAt', ARGV[7], 'closesAt', ARGV[8],
  'pending', '0', 'waitOrder', ARGV[15])
if ARGV[13] ~= '' then redis.call('HSET', stateKey, 'markets', ARGV[13]) end
-- Leftovers without a state (a partial flush) would count twice: the rows are the record.
redis.call('DEL', holdsKey, expKey, payingKey, buyersKey, answersKey, waitKey, refusedKey,
  refusedBeforeKey, waitAnswersKey, joiningKey)
for _, entry in ipairs(cjson.decode(ARGV[12])) do
  redis.call('HINCRBY', buyersKey, entry[1], entry[2])
end
local book = loadBook()
for _, entry in ipairs(cjson.decode(ARGV[10])) do addHold(book, entry[1], entry[2]) end
for _, entry in ipairs(cjson.decode(ARGV[11])) do
  redis.call('HSET', answersKey, entry[1], entry[2])
end
for _, entry in ipairs(cjson.decode(ARGV[14])) do
  local market = book.markets and entry[3] ~= '' and entry[3] or nil
  local pool = poolOf(book, market)
  if book.markets and (not pool or pool.x) then
    endWait(entry[1], 'expired')
  else
    redis.call('RPUSH', waitKey, waitEntry(entry[1], entry[2], market, entry[4]))
  end
end
for _, entry in ipairs(cjson.decode(ARGV[16])) do
  redis.call('HSET', waitAnswersKey, entry[1], entry[2])
end
local now = tonumber(ARGV[9])
local expired = expireDue(book, now)
local promoted = {}
promote(book, #expired > 0, now, argsFrom(17), promoted)
saveBook(book)
return { 'loaded', book.org, expired, promoted, waitEnds }
`;

/** ARGV: status. */
const setStatus = `
if redis.call('EXISTS', stateKey) == 0 then return 0 end
redis.call('HSET', stateKey, 'status', ARGV[1])
return 1
`;

/**
 * OfferBook.claim for claims in a row, as the store batches those that arrive together: the
 * book is read and written once for all of them, each decided as if alone, in order. ARGV:
 * count, then 8 per claim (now, quantity, shopper, key?, offerCode?, trafficSource?, holdId,
 * market?), then a seed for the ids of holds the waitlist gets. Answers [org, expired ids,
 * promoted, answers, ended waits] with 3 entries per claim in answers: the answer, replayed (0|1), the
 * hold's market or ''; or nil without a book.
 */
const claims = `
local book = loadBook()
if not book then return false end
local count = tonumber(ARGV[1])
local seed = ARGV[2 + count * 8]
local spareUsed = 0
local expired, promoted, answers = {}, {}, {}
for i = 0, count - 1 do
  local at = 1 + i * 8
  local now, quantity, shopper = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]), ARGV[at + 3]
  moveRefusalsOn(book, now)
  local key = optional(ARGV[at + 4])
  local first = key and firstAnswer(book, key)
  if first then
    answers[#answers + 1] = first
    answers[#answers + 1] = 1
    answers[#answers + 1] = ''
  else
    local market = book.markets and optional(ARGV[at + 8]) or nil
    local gone = expireDue(book, now)
    for _, id in ipairs(gone) do expired[#expired + 1] = id end
    local before = #promoted
    promote(book, #gone > 0, now, derivedIds(seed, spareUsed), promoted)
    spareUsed = spareUsed + (#promoted - before) / 2
    local answer = decideClaim(book, now, quantity, shopper, key, optional(ARGV[at + 5]),
      optional(ARGV[at + 6]), ARGV[at + 7], market)
    answers[#answers + 1] = answer
    answers[#answers + 1] = 0
    answers[#answers + 1] = market or ''
  end
end
saveBook(book)
return { book.org, expired, promoted, answers, waitEnds }
`;

/**
 * OfferBook.revokeHold: the hold's write failed, so it was never acknowledged; its units
 * return and its key's answer is forgotten (a retry decides afresh). ARGV: holdId, key?.
 */
const revoke = `
local book = loadBook()
if not book then return 0 end
local id = ARGV[1]
local hold = readHold(id)
if hold then
  dropHold(book, id, hold)
  saveBook(book)
end
local key = optional(ARGV[2])
local answer = key and redis.call('HGET', answersKey, key)
if answer and string.sub(answer, 1, 2) == 'h:' and string.sub(answer, -#id) == id then
  redis.call('HDEL', answersKey, key)
end
return hold and 1 or 0
`;

/** OfferBook.releaseHold. ARGV: holdId, now, spare ids. */
const release = `
local book = loadBook()
if not book then return false end
local id = ARGV[1]
local hold = readHold(id)
if not hold or hold.st ~= 'held' then return { 0, book.org, {}, {}, {} } end
dropHold(book, id, hold)
local promoted = {}
promote(book, true, tonumber(ARGV[2]), argsFrom(3), promoted)
saveBook(book)
return { 1, book.org, {}, promoted, waitEnds }
`;

/**
 * Joins the waitlist of a live offer (as the embedded store); an offer split by market takes
 * shoppers of its markets only, and a shopper already at the per-buyer limit cannot wait. A
 * key that joined before gets its first answer, whatever the offer's state now. The entry is
 * recorded in `joining` until the store committed its row (joinWritten).
 * ARGV: shopper, quantity, market?, key?, entry id, now. Answers a refusal, nil without a
 * book, or { 'joined' | 'replay', answer, the joining record (JSON, '' once written), org }.
 */
const joinWaitlist = `
local state = redis.call('HMGET', stateKey, 'status', 'markets', 'limit', 'org')
local status, markets, limit, org = state[1], state[2], tonumber(state[3]), state[4]
if not status then return false end
local key = optional(ARGV[4])
local first = key and redis.call('HGET', waitAnswersKey, key)
if first then
  local firstId = string.sub(first, string.find(first, ':', 3, true) + 1)
  return { 'replay', first, redis.call('HGET', joiningKey, firstId) or '', org }
end
if status == 'paused' then return 'paused' end
if status ~= 'live' then return 'closed' end
local market = nil
if markets then
  market = optional(ARGV[3])
  if not market or not cjson.decode(markets)[market] then return 'not_in_market' end
end
if limit and unitsOf(ARGV[1]) + tonumber(ARGV[2]) > limit then return 'limit_reached' end
local id = ARGV[5]
local order = redis.call('HINCRBY', stateKey, 'waitOrder', 1)
local position = redis.call('RPUSH', waitKey, waitEntry(id, ARGV[2], market, ARGV[1]))
local answer = 'w:' .. position .. ':' .. id
if key then redis.call('HSET', waitAnswersKey, key, answer) end
local joining = cjson.encode({ s = ARGV[1], q = tonumber(ARGV[2]), m = market, o = order,
  t = tonumber(ARGV[6]), p = position, k = key })
redis.call('HSET', joiningKey, id, joining)
return { 'joined', answer, joining, org }
`;

/**
 * The join's row is committed: the entry leaves the joining hash. Answers how its wait ended
 * meanwhile (x of JoiningEntry), '' while it waits. ARGV: entry id.
 */
const joinWritten = `
local raw = redis.call('HGET', joiningKey, ARGV[1])
if not raw then return '' end
redis.call('HDEL', joiningKey, ARGV[1])
return cjson.decode(raw).x or ''
`;

/**
 * Takes back a join whose row could not be written: out of line, its key's answer forgotten
 * (a retry joins afresh). Answers how its wait ended meanwhile ('served:<hold id>': the caller
 * takes that hold back too), '' if it was still waiting. ARGV: entry id, key?.
 */
const unjoin = `
local id = ARGV[1]
local raw = redis.call('HGET', joiningKey, id)
redis.call('HDEL', joiningKey, id)
local key = optional(ARGV[2])
local answer = key and redis.call('HGET', waitAnswersKey, key)
if answer and string.sub(answer, -#id) == id then redis.call('HDEL', waitAnswersKey, key) end
for index, entry in ipairs(redis.call('LRANGE', waitKey, 0, -1)) do
  if string.sub(entry, 1, #id + 1) == id .. '|' then
    redis.call('LSET', waitKey, index - 1, removedEntry)
    redis.call('LREM', waitKey, 1, removedEntry)
    return ''
  end
end
if not raw then return '' end
return cjson.decode(raw).x or ''
`;

/**
 * OfferBook.beginCheckout, with the reason of a refusal. The pinned hold leaves the expiry set
 * for the paying set, where the sweeper finds it if its process dies mid-payment.
 * ARGV: holdId, now.
 */
const beginCheckout = `
local id = ARGV[1]
local hold = readHold(id)
if not hold then return 'missing' end
if hold.st == 'checking_out' then return 'busy' end
if hold.e <= tonumber(ARGV[2]) then return 'expired' end
hold.st = 'checking_out'
local encoded = cjson.encode(hold)
redis.call('HSET', holdsKey, id, encoded)
redis.call('ZREM', expKey, id)
redis.call('ZADD', payingKey, int(hold.e), id)
return encoded
`;

/**
 * OfferBook.abortCheckout: answers the units that leave a closed offer and their market ('' if
 * none). ARGV: holdId.
 */
const abortCheckout = `
local book = loadBook()
if not book then return { 0, '' } end
local id = ARGV[1]
local hold = readHold(id)
if not hold or hold.st ~= 'checking_out' then return { 0, '' } end
if book.status == 'closed' then
  dropHold(book, id, hold)
  book.reserved = book.reserved - hold.q
  touchPool(book, hold.m, -hold.q, 0, 0)
  saveBook(book)
  return { hold.q, hold.m or '' }
end
hold.st = 'held'
redis.call('HSET', holdsKey, id, cjson.encode(hold))
redis.call('ZREM', payingKey, id)
redis.call('ZADD', expKey, int(hold.e), id)
return { 0, '' }
`;

/** OfferBook.completeSale: the units stay counted against the shopper's limit. ARGV: holdId. */
const completeSale = `
local book = loadBook()
if not book then return 0 end
local id = ARGV[1]
local hold = readHold(id)
if not hold then return 0 end
redis.call('HDEL', holdsKey, id)
redis.call('ZREM', expKey, id)
redis.call('ZREM', payingKey, id)
book.held = book.held - hold.q
book.sold = book.sold + hold.q
touchPool(book, hold.m, 0, -hold.q, hold.q)
saveBook(book)
return 1
`;

/** OfferBook.unsell. ARGV: shopper, quantity, restock (1|0), now, market?, spare ids. */
const unsell = `
local book = loadBook()
if not book then return false end
local quantity, restock = tonumber(ARGV[2]), ARGV[3] == '1'
book.sold = book.sold - quantity
addUnits(ARGV[1], -quantity)
if not restock then book.reserved = book.reserved - quantity end
touchPool(book, optional(ARGV[5]), restock and 0 or -quantity, 0, -quantity)
local promoted = {}
promote(book, restock, tonumber(ARGV[4]), argsFrom(6), promoted)
saveBook(book)
return { 'unsold', book.org, {}, promoted, waitEnds }
`;

/**
 * OfferBook.close. Then every key of the offer expires after ARGV[1] seconds, so Redis does
 * not keep closed offers forever; until then late payments still complete or abort, and
 * retries still get their first answers.
 */
const close = `
local book = loadBook()
if not book then return false end
book.status = 'closed'
book.pending = false
local released = {}
local entries = redis.call('HGETALL', holdsKey)
for i = 1, #entries, 2 do
  local hold = cjson.decode(entries[i + 1])
  if hold.st == 'held' then
    dropHold(book, entries[i], hold)
    released[#released + 1] = entries[i]
  end
end
local unsold = available(book)
book.reserved = book.reserved - unsold
local unsoldByMarket = {}
for market, pool in pairs(book.markets or {}) do
  unsoldByMarket[market] = poolAvailable(pool)
  pool.r = pool.r - unsoldByMarket[market]
  book.marketsChanged = true
end
for _, entry in ipairs(redis.call('LRANGE', waitKey, 0, -1)) do
  local _, _, _, entryId = parseEntry(entry)
  endWait(entryId, 'expired')
end
redis.call('DEL', waitKey)
saveBook(book)
for _, key in ipairs(KEYS) do redis.call('EXPIRE', key, ARGV[1]) end
return { unsold, book.org, released, {}, waitEnds, cjson.encode(unsoldByMarket) }
`;

/**
 * OfferBook.releaseMarket: a market's TTL passed; its unused units leave the offer, its
 * shoppers get no more and leave the waitlist ('expired'). Answers { units, org, {}, {},
 * ended waits }, nil without a book. ARGV: market.
 */
const releaseMarket = `
local book = loadBook()
if not book then return false end
local market = ARGV[1]
local pool = poolOf(book, market)
if not pool then return { 0, book.org, {}, {}, {} } end
pool.x = true
local unused = math.max(0, poolAvailable(pool))
pool.r = pool.r - unused
book.reserved = book.reserved - unused
book.marketsChanged = true
local removed = false
for index, entry in ipairs(redis.call('LRANGE', waitKey, 0, -1)) do
  local _, entryMarket, _, entryId = parseEntry(entry)
  if entryMarket == market then
    redis.call('LSET', waitKey, index - 1, removedEntry)
    removed = true
    endWait(entryId, 'expired')
  end
end
if removed then redis.call('LREM', waitKey, 0, removedEntry) end
saveBook(book)
return { unused, book.org, {}, {}, waitEnds }
`;

/**
 * OfferBook.sweep, plus the holds pinned for payment since before ARGV[2] (their process
 * probably died): the caller settles them from the database. ARGV: now, stuckBefore, spare ids.
 */
const sweep = `
local book = loadBook()
if not book then return false end
local now = tonumber(ARGV[1])
moveRefusalsOn(book, now)
local expired = expireDue(book, now)
local promoted = {}
promote(book, #expired > 0, now, argsFrom(3), promoted)
saveBook(book)
local stuck = redis.call('ZRANGEBYSCORE', payingKey, '-inf', ARGV[2], 'LIMIT', 0, 20)
return { 'swept', book.org, expired, promoted, waitEnds, stuck }
`;

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
  load: defineScript('load', load),
  setStatus: defineScript('setStatus', setStatus),
  claims: defineScript('claims', claims),
  revoke: defineScript('revoke', revoke),
  release: defineScript('release', release),
  joinWaitlist: defineScript('joinWaitlist', joinWaitlist),
  joinWritten: defineScript('joinWritten', joinWritten),
  unjoin: defineScript('unjoin', unjoin),
  beginCheckout: defineScript('beginCheckout', beginCheckout),
  abortCheckout: defineScript('abortCheckout', abortCheckout),
  completeSale: defineScript('completeSale', completeSale),
  unsell: defineScript('unsell', unsell),
  close: defineScript('close', close),
  releaseMarket: defineScript('releaseMarket', releaseMarket),
  sweep: defineScript('sweep', sweep),
} as const;

export type OfferScriptName = keyof typeof offerScripts;

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
