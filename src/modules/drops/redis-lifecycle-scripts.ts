/*
 * The scripts that open, change and end an offer's live state in Redis: loading it from its
 * rows, its status, closing it, releasing a market's reserve, and the sweep that expires holds
 * between claims. Registered with the others in redis-offer-scripts.ts.
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
export const load = `
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
export const setStatus = `
if redis.call('EXISTS', stateKey) == 0 then return 0 end
redis.call('HSET', stateKey, 'status', ARGV[1])
return 1
`;

/**
 * OfferBook.close. Then every key of the offer expires after ARGV[1] seconds, so Redis does
 * not keep closed offers forever; until then late payments still complete or abort, and
 * retries still get their first answers.
 */
export const close = `
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
export const releaseMarket = `
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
export const sweep = `
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
