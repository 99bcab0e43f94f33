/*
 * The scripts of a hold's payment and after: pinning it while its payment is in flight, the
 * payment failing or completing, and a sold order cancelled or returned. Registered in
 * redis-offer-scripts.ts.
 */

/**
 * OfferBook.beginCheckout, with the reason of a refusal. The pinned hold leaves the expiry set
 * for the paying set, where the sweeper finds it if its process dies mid-payment.
 * ARGV: holdId, now.
 */
export const beginCheckout = `
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
export const abortCheckout = `
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
export const completeSale = `
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
export const unsell = `
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
