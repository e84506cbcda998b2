--[[
  Applies one batch of an input partition atomically, fenced by the partition's watermark:
  the states of the keys it touched (the champion's, and each shadow model's in its own hash),
  its outbox (predictions) and the new watermark. Called with numkeys = 3 + shadow hashes.

  Input:
    KEYS[1] states hash      entity key -> encoded KeyState (key-state-codec.ts), the champion's
    KEYS[2] watermark        offset of the last applied event of the partition (absent: -1)
    KEYS[3] outbox hash      wm, from, produced, msgs
    KEYS[4..] shadow states  one hash per shadow model version (entity key -> encoded KeyState)

    ARGV[1] expected watermark, decimal (what the writer believes is stored)
    ARGV[2] new watermark, decimal (offset of the batch's last message; > ARGV[1])
    ARGV[3] outbox messages, encoded (outbox-codec.ts)
    ARGV[4] outbox produced flag: "1" when the batch has no predictions, else "0"
    ARGV[5] n: number of values for KEYS[1] that follow (2 per key: entity key, encoded state)
    ARGV[6..5+n] entity key, encoded state, ...
    then for each of KEYS[4..] in order: its number of values m, then m values as above

  Output: { code, watermark stored after the call }
     1  applied
     0  already applied: the watermark is ARGV[2] and the outbox was written from ARGV[1], so
        this is a retry of the batch that is stored (same bytes by determinism); nothing written
    -1  fenced: the stored watermark is not ARGV[1] (another writer); nothing written
    -2  KEYS[1], KEYS[3] or a shadow hash holds another type than a hash (written by something
        else); nothing written (checked first: a script is not rolled back when a later command fails)
]]
local current = redis.call('GET', KEYS[2]) or '-1'
if current ~= ARGV[1] then
  if current == ARGV[2] and redis.call('HGET', KEYS[3], 'from') == ARGV[1] then
    return {0, current}
  end
  return {-1, current}
end
for i = 1, #KEYS do
  if i ~= 2 then
    local t = redis.call('TYPE', KEYS[i]).ok
    if t ~= 'hash' and t ~= 'none' then
      return {-2, KEYS[i]}
    end
  end
end
-- HSET in chunks of 500 pairs: unpack() of very many values overflows the Lua C stack.
local at = 5
for i = 1, #KEYS do
  if i ~= 2 and i ~= 3 then
    local n = tonumber(ARGV[at])
    local first = at + 1
    local last = at + n
    for j = first, last, 1000 do
      redis.call('HSET', KEYS[i], unpack(ARGV, j, math.min(j + 999, last)))
    end
    at = last + 1
  end
end
redis.call('HSET', KEYS[3], 'wm', ARGV[2], 'from', ARGV[1], 'produced', ARGV[4], 'msgs', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2])
return {1, ARGV[2]}
