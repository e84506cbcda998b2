--[[
  Reads a partition's progress in one atomic step: watermark, unproduced outbox, and the states
  too when the partition is small enough to return them without blocking Redis for long.

  Input:
    KEYS[1] states hash      entity key -> encoded KeyState
    KEYS[2] watermark        offset of the last applied event (absent: -1)
    KEYS[3] outbox hash      wm, from, produced, msgs

    ARGV[1] inline limit: the states are returned only when the hash has at most this many keys

  Output: { watermark, outbox wm or "", outbox msgs or "", state count, states }
    outbox wm and msgs are "" when there is no outbox or it is marked produced.
    states is the flat HGETALL array (key, state, key, state, ...) when state count <= ARGV[1],
    else an empty array: the caller reads them with HSCAN and checks the watermark did not move.
]]
local wm = redis.call('GET', KEYS[2]) or '-1'
local outboxWm, msgs = '', ''
local outbox = redis.call('HMGET', KEYS[3], 'wm', 'produced', 'msgs')
if outbox[1] and outbox[2] == '0' then
  outboxWm, msgs = outbox[1], outbox[3] or ''
end
local count = redis.call('HLEN', KEYS[1])
local states = {}
if count <= tonumber(ARGV[1]) then
  states = redis.call('HGETALL', KEYS[1])
end
return {wm, outboxWm, msgs, count, states}
