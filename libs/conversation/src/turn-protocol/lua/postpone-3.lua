--[[
  Gives up a claimed timer turn without running it, because its timer was started again and is
  now due later, and records the job as the one armed for the new due time.

  Input:
    KEYS[1] chat    the chat's hash
    KEYS[2] turns   the chat's order
    KEYS[3] leases  turn id -> lease

    ARGV[1] turnId
    ARGV[2] armedField  'armed:<agentId>:<name>'
    ARGV[3] armedValue  '<jobId>|<dueMs>'

  Output: 'ok', or 'lost' when the turn was no longer the head
]]
--- @include "release-head"
local chatKey, turnsKey, leasesKey = KEYS[1], KEYS[2], KEYS[3]
local turnId, armedField, armedValue = ARGV[1], ARGV[2], ARGV[3]

if not release_head(turnsKey, leasesKey, turnId) then return 'lost' end
redis.call('HSET', chatKey, armedField, armedValue)
return 'ok'
