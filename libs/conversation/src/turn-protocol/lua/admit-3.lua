--[[
  Admits a Webim request as the next turn of its chat, or finds the turn it repeats.

  Input:
    KEYS[1] chat     the chat's hash (`last`: '<requestHash>|<turnId>|<atMs>' of the last request)
    KEYS[2] turns    the chat's order: a list of turn ids, the head runs
    KEYS[3] leases   turn id -> epoch ms until which the turn holds its place

    ARGV[1] requestHash    fingerprint of the request's input
    ARGV[2] nowMs
    ARGV[3] deadlineMs     the gateway answers Webim by then; the turn holds its place until then
    ARGV[4] dedupWindowMs  an identical request this soon after the last one is a re-send
    ARGV[5] chatTtlSec
    ARGV[6] turnId         proposed by the gateway, which adds the turn's job right behind

  Output:
    {1, turnId}         admitted as a new turn
    {0, earlierTurnId}  a re-send: wait for the earlier turn. The proposed turn is not listed,
                        so its job, already on its way, finds itself gone.
]]
local chatKey, turnsKey, leasesKey = KEYS[1], KEYS[2], KEYS[3]
local requestHash, nowMs, deadlineMs = ARGV[1], ARGV[2], ARGV[3]
local dedupWindowMs, chatTtlSec, turnId = ARGV[4], ARGV[5], ARGV[6]

local last = redis.call('HGET', chatKey, 'last')
if last then
  local hash, earlier, at = string.match(last, '^([^|]*)|([^|]*)|(%d+)$')
  if hash == requestHash and tonumber(at) + tonumber(dedupWindowMs) > tonumber(nowMs) then
    return {0, earlier}
  end
end
redis.call('HINCRBY', chatKey, 'seq', 1)
redis.call('HSET', chatKey, 'last', requestHash .. '|' .. turnId .. '|' .. nowMs)
redis.call('RPUSH', turnsKey, turnId)
redis.call('HSET', leasesKey, turnId, deadlineMs)
redis.call('EXPIRE', chatKey, chatTtlSec)
redis.call('EXPIRE', turnsKey, chatTtlSec)
redis.call('EXPIRE', leasesKey, chatTtlSec)
return {1, turnId}
