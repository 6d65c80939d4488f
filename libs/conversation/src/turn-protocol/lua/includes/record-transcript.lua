--[[
  Appends an entry to a chat's transcript: a list capped at maxEntries (the oldest go first)
  that expires retentionSec after its last entry. An empty entry records nothing: transcripts
  are off, or the turn is not worth an entry.
]]
local function record_transcript(key, entry, retentionSec, maxEntries)
  if entry == '' then return end
  if redis.call('RPUSH', key, entry) > tonumber(maxEntries) then
    redis.call('LTRIM', key, -tonumber(maxEntries), -1)
  end
  redis.call('EXPIRE', key, retentionSec)
end
