--[[
  Gives up a claimed proactive turn without running it, to run again later: a timer started
  again and now due later (the job is recorded as the one armed for the new due time), or a
  turn that waits for a `then: later` request to come back (no timer: armedField is '').

  Input:
    KEYS[1] chat    the chat's hash
    KEYS[2] turns   the chat's order
    KEYS[3] leases  turn id -> lease

    ARGV[1] turnId
    ARGV[2] armedField  'armed:<agentId>:<name>', or '' for a turn of no timer
    ARGV[3] armedValue  '<jobId>|<dueMs>'

  Output: 'ok', or 'lost' when the turn was no longer the head
]]
--- @include "release-head"
local chatKey, turnsKey, leasesKey = KEYS[1], KEYS[2], KEYS[3]
local turnId, armedField, armedValue = ARGV[1], ARGV[2], ARGV[3]

if not release_head(turnsKey, leasesKey, turnId) then return 'lost' end
if armedField ~= '' then redis.call('HSET', chatKey, armedField, armedValue) end
return 'ok'
