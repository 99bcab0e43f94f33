import { answerWindowMs } from './offer-book.js';

/**
 * The Lua every offer script starts with (redis-offer-scripts.ts): its keys, the offer's
 * counts, its holds and the waitlist promotion, as OfferBook keeps them.
 */
export const offerPrelude = `
local stateKey, holdsKey, expKey, payingKey, buyersKey, answersKey, waitKey = KEYS[1], KEYS[2],
  KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local refusedKey, refusedBeforeKey, waitAnswersKey, joiningKey = KEYS[8], KEYS[9], KEYS[10],
  KEYS[11]
local answerWindowMs = ${answerWindowMs}

-- Lua formats large numbers as 1.7e+12: epoch milliseconds are written as integers instead.
local function int(n) return string.format('%d', n) end

-- An optional argument is '' for null and '=' .. value otherwise, so '' stays a value.
local function optional(arg)
  if arg == '' then return nil end
  return string.sub(arg, 2)
end

local function argsFrom(first)
  local values = {}
  for i = first, #ARGV do values[#values + 1] = ARGV[i] end
  return values
end

-- The counts are read once and written back once, and only if they changed: most claims in a
-- drop are refusals, which then write nothing.
local function loadBook()
  local v = redis.call('HMGET', stateKey, 'status', 'reserved', 'held', 'sold', 'limit', 'ttl',
    'opensAt', 'closesAt', 'org', 'pending', 'markets', 'forgetAt', 'before')
  if not v[1] then return nil end
  local book = { status = v[1], reserved = tonumber(v[2]), held = tonumber(v[3]),
    sold = tonumber(v[4]), limit = tonumber(v[5]), ttl = tonumber(v[6]), opensAt = tonumber(v[7]),
    closesAt = tonumber(v[8]), org = v[9], pending = v[10] == '1', marketsChanged = false,
    forgetAt = tonumber(v[12]), before = v[13] == '1' }
  -- Per-market reserves (OfferBook's pools): market -> { r = reserved, h = held, s = sold,
  -- x = released }; absent when the offer is not split.
  if v[11] then book.markets = cjson.decode(v[11]) end
  book.saved = { book.status, book.reserved, book.held, book.sold, book.pending }
  return book
end

local function saveBook(book)
  if book.marketsChanged then redis.call('HSET', stateKey, 'markets', cjson.encode(book.markets)) end
  local s = book.saved
  if s[1] == book.status and s[2] == book.reserved and s[3] == book.held and s[4] == book.sold
    and s[5] == book.pending then return end
  redis.call('HSET', stateKey, 'status', book.status, 'reserved', int(book.reserved),
    'held', int(book.held), 'sold', int(book.sold), 'pending', book.pending and '1' or '0')
end

local function available(book) return book.reserved - book.held - book.sold end

local function poolOf(book, market)
  if not market or not book.markets then return nil end
  return book.markets[market]
end

local function poolAvailable(pool) return pool.r - pool.h - pool.s end

-- Moves a market's counts along with the offer's (a no-op when the offer is not split).
local function touchPool(book, market, reserved, held, sold)
  local pool = poolOf(book, market)
  if not pool then return end
  pool.r, pool.h, pool.s = pool.r + reserved, pool.h + held, pool.s + sold
  book.marketsChanged = true
end

-- A waitlist entry is '<id>|<quantity>|<market or empty>|<shopper>': the shopper last, as it
-- may contain '|'. Answers quantity, market (nil when not split), shopper, id.
local function parseEntry(entry)
  local first = string.find(entry, '|', 1, true)
  local second = string.find(entry, '|', first + 1, true)
  local third = string.find(entry, '|', second + 1, true)
  local market = string.sub(entry, second + 1, third - 1)
  if market == '' then market = nil end
  return tonumber(string.sub(entry, first + 1, second - 1)), market,
    string.sub(entry, third + 1), string.sub(entry, 1, first - 1)
end

local function waitEntry(id, quantity, market, shopper)
  return id .. '|' .. quantity .. '|' .. (market or '') .. '|' .. shopper
end

-- Waits this script ended without a hold, as pairs of entry id and 'left' | 'expired', for the
-- store to journal (served waits are named by their holds, as 'w').
local waitEnds = {}

-- A wait that ends before its join's row is written is noted on the join as well: the update
-- the store journals now may land before the row, so the joining process writes it again after.
local function noteEarlyEnd(id, ending)
  local raw = redis.call('HGET', joiningKey, id)
  if not raw then return end
  local joining = cjson.decode(raw)
  joining.x = ending
  redis.call('HSET', joiningKey, id, cjson.encode(joining))
end

local function endWait(id, status)
  waitEnds[#waitEnds + 1] = id
  waitEnds[#waitEnds + 1] = status
  noteEarlyEnd(id, status)
end

-- Marks waitlist entries to delete in one LREM afterwards (no real entry is empty).
local removedEntry = ''

local function unitsOf(shopper) return tonumber(redis.call('HGET', buyersKey, shopper)) or 0 end

local function addUnits(shopper, delta)
  local units = unitsOf(shopper) + delta
  if units > 0 then redis.call('HSET', buyersKey, shopper, int(units))
  else redis.call('HDEL', buyersKey, shopper) end
end

local function readHold(id)
  local raw = redis.call('HGET', holdsKey, id)
  if not raw then return nil end
  return cjson.decode(raw)
end

local function holdAnswer(id, hold) return 'h:' .. int(hold.e) .. ':' .. id end

-- OfferBook.moveRefusalsOn: the first decision starts the clock; then, each window, the
-- previous window's refusals are forgotten and this window's become the previous ones. A
-- closed offer's keys expire instead.
local function moveRefusalsOn(book, now)
  if book.forgetAt and now < book.forgetAt then return end
  if book.status == 'closed' then return end
  local started = book.forgetAt ~= nil
  book.forgetAt = now + answerWindowMs
  redis.call('HSET', stateKey, 'forgetAt', int(book.forgetAt))
  if not started then return end
  redis.call('DEL', refusedBeforeKey)
  if redis.call('EXISTS', refusedKey) == 1 then redis.call('RENAME', refusedKey, refusedBeforeKey) end
  book.before = true
  redis.call('HSET', stateKey, 'before', '1')
end

-- A key's first answer: its hold, or a refusal of this window or the previous one.
local function firstAnswer(book, key)
  local first = redis.call('HGET', answersKey, key) or redis.call('HGET', refusedKey, key)
  if not first and book.before then first = redis.call('HGET', refusedBeforeKey, key) end
  return first
end

local function addHold(book, id, hold)
  redis.call('HSET', holdsKey, id, cjson.encode(hold))
  redis.call('ZADD', expKey, int(hold.e), id)
  book.held = book.held + hold.q
  touchPool(book, hold.m, 0, hold.q, 0)
  addUnits(hold.s, hold.q)
  if hold.k then redis.call('HSET', answersKey, hold.k, holdAnswer(id, hold)) end
end

local function dropHold(book, id, hold)
  redis.call('HDEL', holdsKey, id)
  redis.call('ZREM', expKey, id)
  redis.call('ZREM', payingKey, id)
  book.held = book.held - hold.q
  touchPool(book, hold.m, 0, -hold.q, 0)
  addUnits(hold.s, -hold.q)
end

-- Holds being paid for are not in the expiry set (they cannot expire): no check needed here
-- beyond stale entries.
local function expireDue(book, now)
  local expired = {}
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', expKey, '-inf', int(now))) do
    local hold = readHold(id)
    if hold and hold.st == 'held' and hold.e <= now then
      dropHold(book, id, hold)
      expired[#expired + 1] = id
    else
      redis.call('ZREM', expKey, id)
    end
  end
  return expired
end

local function waitlistHold(book, id, shopper, quantity, market, now, promoted, entryId)
  local hold = { s = shopper, q = quantity, c = now, e = now + book.ttl, st = 'held',
    ts = 'waitlist', m = market, w = entryId }
  addHold(book, id, hold)
  noteEarlyEnd(entryId, 'served:' .. id)
  promoted[#promoted + 1] = id
  promoted[#promoted + 1] = cjson.encode(hold)
end

-- OfferBook.afterRelease for an offer split by market: each market's line stops at its own
-- first entry that does not fit.
local function promoteByMarket(book, now, ids, promoted)
  local blocked, used, removed = {}, 0, false
  for index, entry in ipairs(redis.call('LRANGE', waitKey, 0, -1)) do
    local quantity, market, shopper, entryId = parseEntry(entry)
    local line = market or ''
    local pool = poolOf(book, market)
    if blocked[line] then
      -- behind an entry of its market that waits
    elseif not pool or pool.x or poolAvailable(pool) < quantity or available(book) < quantity then
      blocked[line] = true
    elseif book.limit and unitsOf(shopper) + quantity > book.limit then
      redis.call('LSET', waitKey, index - 1, removedEntry)
      removed = true
      endWait(entryId, 'left')
    else
      local id = ids[used + 1]
      if not id then
        book.pending = true
        break
      end
      used = used + 1
      redis.call('LSET', waitKey, index - 1, removedEntry)
      removed = true
      waitlistHold(book, id, shopper, quantity, market, now, promoted, entryId)
    end
  end
  if removed then redis.call('LREM', waitKey, 0, removedEntry) end
end

-- OfferBook.afterRelease: first come, first served; an entry over the per-buyer limit is
-- dropped ('left'), the first that does not fit stops the line. When the spare ids run out the rest is
-- left 'pending' and the next script (at the latest the next sweep) goes on.
local function promote(book, released, now, ids, promoted)
  if not (released or book.pending) then return end
  book.pending = false
  if book.status ~= 'live' then return end
  if book.markets then return promoteByMarket(book, now, ids, promoted) end
  local used = 0
  while true do
    local entry = redis.call('LINDEX', waitKey, 0)
    if not entry then return end
    local quantity, _, shopper, entryId = parseEntry(entry)
    if available(book) < quantity then return end
    if book.limit and unitsOf(shopper) + quantity > book.limit then
      redis.call('LPOP', waitKey)
      endWait(entryId, 'left')
    else
      local id = ids[used + 1]
      if not id then
        book.pending = true
        return
      end
      used = used + 1
      redis.call('LPOP', waitKey)
      waitlistHold(book, id, shopper, quantity, nil, now, promoted, entryId)
    end
  end
end
`;

export const claimDecision = `
-- The ids of holds the waitlist gets in a batch of claims: a random seed (a UUID) with its
-- last four hex digits counting, so one argument stands for as many ids as a batch needs.
local function derivedIds(seed, offset)
  local stem = string.sub(seed, 1, 32)
  return setmetatable({}, { __index = function(_, index)
    return stem .. string.format('%04x', offset + index)
  end })
end

-- OfferBook.decide: a refusal, or a hold for the shopper. A refusal is remembered for the
-- key's retries (this window); a hold's answer was kept by addHold. A closed offer's keys
-- expire (see close): writing a new key then would outlive them, and its answer to any new
-- key is 'closed' anyway.
local function decideClaim(book, now, quantity, shopper, key, offerCode, trafficSource, holdId,
    market)
  local pool = poolOf(book, market)
  local answer
  if book.status == 'closed' then answer = 'r:closed'
  elseif book.status == 'paused' then answer = 'r:paused'
  elseif book.status ~= 'live' then answer = 'r:not_live'
  elseif book.closesAt and now >= book.closesAt then answer = 'r:closed'
  elseif book.opensAt and now < book.opensAt then answer = 'r:not_live'
  elseif book.markets and not pool then answer = 'r:not_in_market'
  elseif available(book) < quantity then answer = 'r:sold_out'
  elseif pool and (pool.x or poolAvailable(pool) < quantity) then answer = 'r:sold_out'
  elseif book.limit and unitsOf(shopper) + quantity > book.limit then answer = 'r:limit_reached'
  else
    local hold = { s = shopper, q = quantity, c = now, e = now + book.ttl, st = 'held', k = key,
      oc = offerCode, ts = trafficSource, m = market }
    addHold(book, holdId, hold)
    return holdAnswer(holdId, hold)
  end
  if key and book.status ~= 'closed' then redis.call('HSET', refusedKey, key, answer) end
  return answer
end
`;
