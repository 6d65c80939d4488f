--[[
  Ends a claimed turn, all or nothing: the new state, the turn's messages, its outcome, its
  transcript entry and its timers. Where the messages go is the sink:
    'reply'   a visitor turn: the answer starts with the chat's buffered messages (taken out of
              the outbox here) and is published to the gateway waiting for it. A hand-off
              leaves the outbox alone: Webim would not show those messages.
    'outbox'  a timer's or an incoming request's turn: the messages are appended to the outbox
              (capped, the oldest dropped) for the chat's next answer.
  The outcome key is set with NX: for a visitor turn it fails when the gateway handed off first
  (see settle); for a proactive one when a worker that died after committing already did it.

  Input:
    KEYS[1] chat        the chat's hash: `state`, `handoff`, the timers' fields
    KEYS[2] turns       the chat's order
    KEYS[3] leases      turn id -> lease
    KEYS[4] outcome     the turn's outcome
    KEYS[5] outbox      the chat's buffered messages
    KEYS[6] transcript  the chat's transcript

    ARGV[1]  turnId
    ARGV[2]  sink             'reply' or 'outbox'
    ARGV[3]  state            the conversation as JSON; '' keeps the stored one
    ARGV[4]  handoffRecord    reply sink: the chat's last hand-off as JSON, '' clears it
    ARGV[5]  handoff          reply sink: the reply's hand-off as JSON, '' when it answers
    ARGV[6]  outcomeTtlMs     how long the outcome is kept; a proactive turn's, as long as the
                              conversation, so that its job running again finds it done
    ARGV[7]  chatTtlSec
    ARGV[8]  replyChannel     reply sink: the gateway's Pub/Sub channel; '' publishes nothing
                              (the worker publishes once replicas have the commit)
    ARGV[9]  jobId            reply sink: the job the gateway waits on
    ARGV[10] outboxMax        outbox sink: messages kept in the outbox
    ARGV[11] transcriptEntry  JSON, '' for none; gets `delivered` (reply) or `dropped` (outbox)
    ARGV[12] retentionSec
    ARGV[13] maxEntries
    ARGV[14] timerOps         see apply-timers
    ARGV[15] nowMs
    ARGV[16] messages         the turn's own messages, one JSON object a line ('' for none):
                              one argument however many there are, since every argument costs
                              the worker its encoding (JSON has no raw line break to confuse)

  Output:
    {'ok', delivered, dropped, timer, due, ...}  delivered: buffered messages that went out
                                                 with the answer; dropped: buffered messages
                                                 over the cap; then the timers to arm
    {'lost'}     no longer the head of the chat's order: nothing written
    {'settled'}  the outcome was already set: nothing written but the turn's release
]]
--- @include "release-head"
--- @include "record-transcript"
--- @include "json"
--- @include "apply-timers"
local chatKey, turnsKey, leasesKey, outcomeKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local outboxKey, transcriptKey = KEYS[5], KEYS[6]
local turnId, sink, state, handoffRecord, handoff = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local outcomeTtlMs, chatTtlSec, replyChannel, jobId = ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local outboxMax, entry, retentionSec, maxEntries = ARGV[10], ARGV[11], ARGV[12], ARGV[13]
local timerOps, nowMs, ownMessages = ARGV[14], ARGV[15], ARGV[16]

if not release_head(turnsKey, leasesKey, turnId) then return {'lost'} end

local messages = {}
for message in string.gmatch(ownMessages, '[^\n]+') do messages[#messages + 1] = message end
local delivered = {}
local outcome = 'done'
if sink == 'reply' then
  if handoff == '' then
    delivered = redis.call('LRANGE', outboxKey, 0, -1)
    local all = {unpack(delivered)}
    for _, message in ipairs(messages) do all[#all + 1] = message end
    outcome = '{"messages":' .. json_array(all) .. ',"handoff":null}'
  else
    outcome = '{"messages":[],"handoff":' .. handoff .. '}'
  end
end
if not redis.call('SET', outcomeKey, outcome, 'NX', 'PX', outcomeTtlMs) then
  return {'settled'}
end

local dropped = 0
if sink == 'reply' then
  if #delivered > 0 then redis.call('DEL', outboxKey) end
  -- An empty `handoff` reads as none: one HSET stores the state and sets or clears it.
  if state ~= '' then
    redis.call('HSET', chatKey, 'handoff', handoffRecord, 'state', state)
  else
    redis.call('HSET', chatKey, 'handoff', handoffRecord)
  end
  redis.call('EXPIRE', chatKey, chatTtlSec)
  if entry ~= '' then entry = json_with_field(entry, 'delivered', json_array(delivered)) end
else
  if state ~= '' then
    redis.call('HSET', chatKey, 'state', state)
    redis.call('EXPIRE', chatKey, chatTtlSec)
  end
  if #messages > 0 then
    redis.call('RPUSH', outboxKey, unpack(messages))
    local over = redis.call('LLEN', outboxKey) - tonumber(outboxMax)
    if over > 0 then
      redis.call('LTRIM', outboxKey, over, -1)
      dropped = over
    end
    redis.call('EXPIRE', outboxKey, chatTtlSec)
  end
  if entry ~= '' then entry = json_with_field(entry, 'dropped', tostring(dropped)) end
end
record_transcript(transcriptKey, entry, retentionSec, maxEntries)
if sink == 'reply' and replyChannel ~= '' then
  redis.call('PUBLISH', replyChannel, jobId .. '\n' .. outcome)
end
return {'ok', #delivered, dropped, unpack(apply_timers(chatKey, timerOps, nowMs))}
