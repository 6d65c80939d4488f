--[[
  Puts a proactive turn (a timer's or an incoming request's) in its chat's order, once: a
  retried job, or one that waits for the chat, keeps its place and renews its lease.

  Input:
    KEYS[1] turns   the chat's order
    KEYS[2] leases  turn id -> epoch ms until which the turn holds its place

    ARGV[1] turnId
    ARGV[2] leaseUntilMs
    ARGV[3] ttlSec

  Output: 1
]]
local turnsKey, leasesKey = KEYS[1], KEYS[2]
local turnId, leaseUntilMs, ttlSec = ARGV[1], ARGV[2], ARGV[3]

if not redis.call('LPOS', turnsKey, turnId) then redis.call('RPUSH', turnsKey, turnId) end
redis.call('HSET', leasesKey, turnId, leaseUntilMs)
redis.call('EXPIRE', turnsKey, ttlSec)
redis.call('EXPIRE', leasesKey, ttlSec)
return 1
