--[[
  Publishes a committed visitor turn's outcome to the gateway waiting for it, once the worker
  has it on the replicas (REDIS_MIN_REPLICAS_ACK): the commit then publishes nothing itself.

  Input:
    KEYS[1] outcome       the turn's outcome
    ARGV[1] replyChannel  the gateway's Pub/Sub channel
    ARGV[2] jobId         the job the gateway waits on

  Output: 1 when published, 0 when the outcome is gone (its TTL passed)
]]
local outcome = redis.call('GET', KEYS[1])
if not outcome then return 0 end
redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\n' .. outcome)
return 1
