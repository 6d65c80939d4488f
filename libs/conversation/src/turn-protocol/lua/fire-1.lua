--[[
  Makes a running timer due now and names `jobId` as the job armed for it, so that the job the
  caller adds next fires it at once. Any job armed before finds another armed and does nothing
  (see timers.ts checkTimer). A timer that is not running (never started, cancelled, fired) is
  left alone: firing it would run a branch the conversation no longer expects.

  Input:
    KEYS[1] chat    the chat's hash

    ARGV[1] dueField    'timer:<agentId>:<name>'
    ARGV[2] armedField  'armed:<agentId>:<name>'
    ARGV[3] jobId       the job the caller adds right after
    ARGV[4] nowMs

  Output: 1 when the timer was running and is now due, 0 otherwise
]]
local chatKey = KEYS[1]
local dueField, armedField, jobId, nowMs = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

if redis.call('HEXISTS', chatKey, dueField) == 0 then return 0 end
redis.call('HSET', chatKey, dueField, nowMs, armedField, jobId .. '|' .. nowMs)
return 1
