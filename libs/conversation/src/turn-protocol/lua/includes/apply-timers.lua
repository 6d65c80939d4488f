--[[
  Applies a turn's timer operations to the chat's hash and returns the timers that need a job.

  A timer `<agentId>:<name>` lives in two fields of the chat's hash:
    timer:<agentId>:<name>  when it is due (epoch ms)
    armed:<agentId>:<name>  the delayed job that will look at it: '<jobId>|<dueMs>'
  Starting a timer only moves its due time; a job is needed only when none is armed, or the
  armed one would look later than the timer is due, or it is more than a minute overdue (lost).
  Such a timer is marked armed for its new job here, before the job exists: the job only fires
  a timer that names it, and the worker adds it right after the commit.

  ops: JSON array of [timer, due, jobId]: due is epoch ms as text to start or restart it, with
  the id its job gets if one is needed; 'cancel' to cancel it (its job, if any, will find
  nothing to fire); 'fired' to clear a timer whose job runs this turn (so that its branch can
  start it again).
  Returns a flat table timer1, due1, timer2, due2, ... of the timers whose job must be added.
]]
local function apply_timers(chatKey, ops, nowMs)
  local arm = {}
  if ops == '' then return arm end
  for _, op in ipairs(cjson.decode(ops)) do
    local timer, due, jobId = op[1], op[2], op[3]
    if due == 'fired' then
      redis.call('HDEL', chatKey, 'timer:' .. timer, 'armed:' .. timer)
    elseif due == 'cancel' then
      redis.call('HDEL', chatKey, 'timer:' .. timer)
    else
      redis.call('HSET', chatKey, 'timer:' .. timer, due)
      local armed = redis.call('HGET', chatKey, 'armed:' .. timer)
      local armedDue = armed and tonumber(string.match(armed, '|(%d+)$'))
      if not armedDue or armedDue > tonumber(due) or armedDue + 60000 < tonumber(nowMs) then
        redis.call('HSET', chatKey, 'armed:' .. timer, jobId .. '|' .. due)
        arm[#arm + 1] = timer
        arm[#arm + 1] = due
      end
    end
  end
  return arm
end
