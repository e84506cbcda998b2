--[[
  Marks a partition's outbox as produced when it still belongs to the given watermark, and drops
  its messages (they are in Kafka now).

  Input:
    KEYS[1] outbox hash      wm, from, produced, msgs
    ARGV[1] watermark, decimal (of the batch whose predictions were produced)

  Output:
     1  marked
     0  the outbox belongs to another watermark (a newer batch replaced it) or is absent; untouched
]]
if redis.call('HGET', KEYS[1], 'wm') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'produced', '1')
  redis.call('HDEL', KEYS[1], 'msgs')
  return 1
end
return 0
