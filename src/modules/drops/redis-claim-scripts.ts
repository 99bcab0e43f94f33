/*
 * The scripts that make and unmake holds before payment: the batched claim decision, taking
 * back a hold whose write failed, and a shopper giving a hold back. The claim's own rules are
 * in redis-offer-prelude.ts (claimDecision); registered in redis-offer-scripts.ts.
 */

/**
 * OfferBook.claim for claims in a row, as the store batches those that arrive together: the
 * book is read and written once for all of them, each decided as if alone, in order. ARGV:
 * count, then 8 per claim (now, quantity, shopper, key?, offerCode?, trafficSource?, holdId,
 * market?), then a seed for the ids of holds the waitlist gets. Answers [org, expired ids,
 * promoted, answers, ended waits] with 3 entries per claim in answers: the answer, replayed (0|1), the
 * hold's market or ''; or nil without a book.
 */
export const claims = `
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
export const revoke = `
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
export const release = `
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
