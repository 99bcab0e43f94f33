/*
 * The scripts of joining the waitlist: a join decided in line with claims, then confirmed once
 * its row is committed, or taken back when it could not be. Serving the line is the prelude's
 * (promote), as units come back in other scripts. Registered in redis-offer-scripts.ts.
 */

/**
 * Joins the waitlist of a live offer (as the embedded store); an offer split by market takes
 * shoppers of its markets only, and a shopper already at the per-buyer limit cannot wait. A
 * key that joined before gets its first answer, whatever the offer's state now. The entry is
 * recorded in `joining` until the store committed its row (joinWritten).
 * ARGV: shopper, quantity, market?, key?, entry id, now. Answers a refusal, nil without a
 * book, or { 'joined' | 'replay', answer, the joining record (JSON, '' once written), org }.
 */
export const joinWaitlist = `
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
export const joinWritten = `
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
export const unjoin = `
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
