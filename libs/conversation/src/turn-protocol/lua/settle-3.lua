--[[
  The gateway's last word on a turn whose reply budget is spent: records the hand-off, unless
  the turn was answered in the meantime. Whichever of commit and settle sets the outcome first
  wins, so a turn is answered or handed off, never both.

  Input:
    KEYS[1] chat        the chat's hash (`handoff`: the last hand-off)
    KEYS[2] outcome     the turn's outcome
    KEYS[3] transcript  the chat's transcript

    ARGV[1] replyJson       the hand-off as the turn's reply
    ARGV[2] outcomeTtlMs
    ARGV[3] handoffJson     the hand-off record for the chat's hash
    ARGV[4] chatTtlSec
    ARGV[5] transcriptEntry ('' for none)
    ARGV[6] retentionSec
    ARGV[7] maxEntries

  Output: false when the hand-off was recorded, else the outcome that was already there
]]
--- @include "record-transcript"
local chatKey, outcomeKey, transcriptKey = KEYS[1], KEYS[2], KEYS[3]
local replyJson, outcomeTtlMs, handoffJson, chatTtlSec = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local entry, retentionSec, maxEntries = ARGV[5], ARGV[6], ARGV[7]

if redis.call('SET', outcomeKey, replyJson, 'NX', 'PX', outcomeTtlMs) then
  redis.call('HSET', chatKey, 'handoff', handoffJson)
  redis.call('EXPIRE', chatKey, chatTtlSec)
  record_transcript(transcriptKey, entry, retentionSec, maxEntries)
  return false
end
return redis.call('GET', outcomeKey)
