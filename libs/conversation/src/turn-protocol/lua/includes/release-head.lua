--[[
  Ends a turn's hold on its chat: the turn must be the head of the chat's order; it is taken
  off the order, and its lease is forgotten.
  Returns true when the turn was the head, false when a later turn took over (this one's lease
  passed while it ran, and a claim dropped it).
]]
local function release_head(turnsKey, leasesKey, turnId)
  if redis.call('LINDEX', turnsKey, 0) ~= turnId then return false end
  redis.call('LPOP', turnsKey)
  redis.call('HDEL', leasesKey, turnId)
  return true
end
