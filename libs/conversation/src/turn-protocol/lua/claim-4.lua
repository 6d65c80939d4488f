--[[
  Lets a worker run a turn when it is the head of its chat's order, and reads the chat's state.
  Heads whose lease has passed are dropped on the way: their gateway has answered Webim and
  their worker has given up.

  Input:
    KEYS[1] chat     the chat's hash
    KEYS[2] turns    the chat's order
    KEYS[3] leases   turn id -> epoch ms until which the turn holds its place
    KEYS[4] outcome  the turn's outcome, set once it is answered, handed off or done

    ARGV[1] turnId
    ARGV[2] nowMs
    ARGV[3] leaseUntilMs  how long the claimed turn holds the chat
    ARGV[4...]            more fields of the chat's hash to read with the state (a timer's)

  Output:
    {'ok', state, value...}  claimed: the state ('' for a new chat) and the fields asked for
                             ('' when absent)
    {'wait'}                 an earlier turn holds the chat
    {'settled'}              the turn already has its outcome (handed off, or done by a worker
                             that died before its job completed): not to run
    {'gone'}                 the turn is not in the order (dropped after its lease, or a
                             re-sent request's)
]]
local chatKey, turnsKey, leasesKey, outcomeKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local turnId, nowMs, leaseUntilMs = ARGV[1], tonumber(ARGV[2]), ARGV[3]

if redis.call('EXISTS', outcomeKey) == 1 then
  redis.call('LREM', turnsKey, 0, turnId)
  redis.call('HDEL', leasesKey, turnId)
  return {'settled'}
end
if not redis.call('LPOS', turnsKey, turnId) then return {'gone'} end
while true do
  local head = redis.call('LINDEX', turnsKey, 0)
  if not head then return {'gone'} end
  if head == turnId then
    redis.call('HSET', leasesKey, head, leaseUntilMs)
    local found = {'ok', redis.call('HGET', chatKey, 'state') or ''}
    for i = 4, #ARGV do found[#found + 1] = redis.call('HGET', chatKey, ARGV[i]) or '' end
    return found
  end
  local lease = tonumber(redis.call('HGET', leasesKey, head) or '0')
  if lease > nowMs then return {'wait'} end
  redis.call('LPOP', turnsKey)
  redis.call('HDEL', leasesKey, head)
end
