// Lua scripts of the turn protocol. Each runs atomically in Redis, which is what makes the
// guarantees hold across any number of gateways and workers:
// - admit:  a request gets the next turn id of its chat (or joins an identical one just sent);
// - claim:  a worker may run a turn only when it is the head of the chat's turn list;
// - commit: the state changes and the reply is published only if the turn still holds its place
//           and the gateway has not handed the chat off meanwhile;
// - settle: the gateway, at its deadline, hands off unless the turn was already answered.
// The outcome key is written with SET NX by commit or settle, whichever comes first, so a
// turn is either answered or handed off, never both.
//
// Timers live in the chat's hash: `timer:<agent>:<name>` is when it is due, `armed:<agent>:
// <name>` is the delayed job that will look at it (`<jobId>|<dueMs>`). Starting a timer again
// only moves its due time, in the commit that starts it; a new job is needed only when none is
// armed, or the armed one is due later than the timer. A job that finds its timer moved later
// waits again (POSTPONE), one that finds it cancelled or armed for another job does nothing.

/**
 * Appends an entry to a chat's transcript (a capped list with its own retention). An empty
 * entry records nothing: transcripts are off.
 */
const RECORD = `
local function record(key, entry, retentionSec, maxEntries)
  if entry == '' then return end
  if redis.call('RPUSH', key, entry) > tonumber(maxEntries) then
    redis.call('LTRIM', key, -tonumber(maxEntries), -1)
  end
  redis.call('EXPIRE', key, retentionSec)
end
`;

/**
 * Applies a turn's timer operations (a JSON array of [agent:name, dueMs] with dueMs as text: '0'
 * cancels, '-1' clears a timer that has fired) and returns the timers to arm, as
 * 'agent:name|dueMs'. An armed job due more than a minute ago is taken as lost, and replaced.
 */
const TIMERS = `
local function set_timers(key, ops, nowMs)
  local arm = {}
  if ops == '' then return arm end
  for _, op in ipairs(cjson.decode(ops)) do
    local name, dueText = op[1], op[2]
    local due = tonumber(dueText)
    if due == -1 then
      redis.call('HDEL', key, 'timer:' .. name, 'armed:' .. name)
    elseif due == 0 then
      redis.call('HDEL', key, 'timer:' .. name)
    else
      redis.call('HSET', key, 'timer:' .. name, dueText)
      local armed = redis.call('HGET', key, 'armed:' .. name)
      local armedDue = armed and tonumber(string.match(armed, '|(%d+)$'))
      if not armedDue or armedDue > due or armedDue + 60000 < tonumber(nowMs) then
        arm[#arm + 1] = name .. '|' .. dueText
      end
    end
  end
  return arm
end
`;

/**
 * KEYS chat, turns, leases. ARGV requestHash, nowMs, deadlineMs, dedupWindowMs, chatTtlSec,
 * turnId (proposed by the gateway). Returns {1, turnId}, or {0, earlierTurnId} for a re-sent
 * request, whose own turn id is then never listed (its job finds itself gone).
 */
export const ADMIT = `
local last = redis.call('HGET', KEYS[1], 'last')
if last then
  local hash, turn, at = string.match(last, '^([^|]*)|([^|]*)|(%d+)$')
  if hash == ARGV[1] and tonumber(at) + tonumber(ARGV[4]) > tonumber(ARGV[2]) then
    return {0, turn}
  end
end
redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1] .. '|' .. ARGV[6] .. '|' .. ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[6])
redis.call('HSET', KEYS[3], ARGV[6], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('EXPIRE', KEYS[3], ARGV[5])
return {1, ARGV[6]}
`;

/**
 * KEYS chat, turns, leases, outcome. ARGV turnId, nowMs, leaseUntilMs, field... (more fields of
 * the chat's hash to read with the state, e.g. a timer's).
 * Returns {'ok', state, value...}, {'wait'}, {'settled'} or {'gone'} (not listed: dropped, or a
 * re-sent request's). Heads whose lease has passed are dropped on the way: their gateway has answered
 * Webim and their worker has given up.
 */
export const CLAIM = `
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('LREM', KEYS[2], 0, ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
  return {'settled'}
end
if not redis.call('LPOS', KEYS[2], ARGV[1]) then return {'gone'} end
while true do
  local head = redis.call('LINDEX', KEYS[2], 0)
  if not head then return {'gone'} end
  if head == ARGV[1] then
    redis.call('HSET', KEYS[3], head, ARGV[3])
    local found = {'ok', redis.call('HGET', KEYS[1], 'state') or ''}
    for i = 4, #ARGV do found[#found + 1] = redis.call('HGET', KEYS[1], ARGV[i]) or '' end
    return found
  end
  local lease = tonumber(redis.call('HGET', KEYS[3], head) or '0')
  if lease > tonumber(ARGV[2]) then return {'wait'} end
  redis.call('LPOP', KEYS[2])
  redis.call('HDEL', KEYS[3], head)
end
`;

/**
 * KEYS chat, turns, leases, outcome, outbox, transcript. ARGV turnId, stateJson ('' keeps the
 * state), messagesJson (the turn's own messages, a JSON array), outcomeTtlMs, chatTtlSec,
 * replyChannel, jobId, handoffRecordJson ('' clears it), handoffJson ('' when the turn answers),
 * transcriptHead (the entry's JSON without its closing brace), retentionSec, maxEntries,
 * timerOps (see TIMERS), nowMs.
 * Returns {'ok', delivered, timerToArm...} (delivered: how many buffered messages went out with
 * the answer), {'lost', 0} (no longer the head) or {'late', 0} (the gateway handed off first).
 * An answer starts with the chat's buffered messages and takes them out of the outbox in the
 * same step; a hand-off leaves the outbox alone (Webim would not show them). The transcript
 * entry gets the delivered buffered messages here, where they are known.
 */
export const COMMIT = `${RECORD}${TIMERS}
if redis.call('LINDEX', KEYS[2], 0) ~= ARGV[1] then return {'lost', 0} end
redis.call('LPOP', KEYS[2])
redis.call('HDEL', KEYS[3], ARGV[1])
local reply
local buffered = {}
if ARGV[9] == '' then
  buffered = redis.call('LRANGE', KEYS[5], 0, -1)
  local parts = {}
  if #buffered > 0 then parts[#parts + 1] = table.concat(buffered, ',') end
  local own = string.sub(ARGV[3], 2, -2)
  if own ~= '' then parts[#parts + 1] = own end
  reply = '{"messages":[' .. table.concat(parts, ',') .. '],"handoff":null}'
else
  reply = '{"messages":[],"handoff":' .. ARGV[9] .. '}'
end
if not redis.call('SET', KEYS[4], reply, 'NX', 'PX', ARGV[4]) then return {'late', 0} end
if #buffered > 0 then redis.call('DEL', KEYS[5]) end
-- An empty handoff field reads as none: one HSET stores the state and sets or clears it.
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'handoff', ARGV[8], 'state', ARGV[2])
else
  redis.call('HSET', KEYS[1], 'handoff', ARGV[8])
end
redis.call('EXPIRE', KEYS[1], ARGV[5])
if ARGV[10] ~= '' then
  record(KEYS[6], ARGV[10] .. ',"delivered":[' .. table.concat(buffered, ',') .. ']}', ARGV[11], ARGV[12])
end
redis.call('PUBLISH', ARGV[6], ARGV[7] .. '\\n' .. reply)
return {'ok', #buffered, unpack(set_timers(KEYS[1], ARGV[13], ARGV[14]))}
`;

/**
 * KEYS chat, outcome, transcript. ARGV outcomeJson (a hand-off), outcomeTtlMs, handoffJson,
 * chatTtlSec, transcriptEntry, retentionSec, maxEntries.
 * Returns nil when the hand-off was recorded, or the outcome that was already there.
 */
export const SETTLE = `${RECORD}
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('HSET', KEYS[1], 'handoff', ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  record(KEYS[3], ARGV[5], ARGV[6], ARGV[7])
  return false
end
return redis.call('GET', KEYS[2])
`;

/**
 * KEYS turns, leases. ARGV turnId, leaseUntilMs, ttlSec.
 * Puts a proactive turn (timer, event) in the chat's order, once: a retried job keeps its place.
 */
export const ENQUEUE_PROACTIVE = `
if not redis.call('LPOS', KEYS[1], ARGV[1]) then redis.call('RPUSH', KEYS[1], ARGV[1]) end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
`;

/**
 * KEYS chat, turns, leases, outcome, outbox, transcript. ARGV turnId, stateJson ('' keeps the
 * state), outcomeTtlMs, chatTtlSec, outboxMax, transcriptHead (without its closing brace),
 * retentionSec, maxEntries, timerOps (see TIMERS), nowMs, message JSON...
 * Ends a claimed proactive turn: the new state and its messages, appended to the outbox, in
 * one step. The outcome key marks the turn done, so a retry of a job that committed before
 * its worker died does nothing. Returns {'ok', dropped, timerToArm...} (dropped: messages over
 * the cap, oldest first), {'lost'} or {'settled'}.
 */
export const COMMIT_PROACTIVE = `${RECORD}${TIMERS}
if redis.call('LINDEX', KEYS[2], 0) ~= ARGV[1] then return {'lost', 0} end
redis.call('LPOP', KEYS[2])
redis.call('HDEL', KEYS[3], ARGV[1])
if not redis.call('SET', KEYS[4], 'done', 'NX', 'PX', ARGV[3]) then return {'settled', 0} end
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'state', ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
end
local dropped = 0
if #ARGV > 10 then
  redis.call('RPUSH', KEYS[5], unpack(ARGV, 11))
  local over = redis.call('LLEN', KEYS[5]) - tonumber(ARGV[5])
  if over > 0 then
    redis.call('LTRIM', KEYS[5], over, -1)
    dropped = over
  end
  redis.call('EXPIRE', KEYS[5], ARGV[4])
end
record(KEYS[6], ARGV[6] == '' and '' or ARGV[6] .. ',"dropped":' .. dropped .. '}', ARGV[7], ARGV[8])
return {'ok', dropped, unpack(set_timers(KEYS[1], ARGV[9], ARGV[10]))}
`;

/**
 * KEYS chat, turns, leases. ARGV turnId, armedField, armedValue.
 * Gives up a timer turn's place without running it (the timer was started again: it is due
 * later), and records the job as armed for the new due time. Returns 'ok' or 'lost'.
 */
export const POSTPONE = `
if redis.call('LINDEX', KEYS[2], 0) ~= ARGV[1] then return 'lost' end
redis.call('LPOP', KEYS[2])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 'ok'
`;
