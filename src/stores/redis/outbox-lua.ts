/** The webhook outbox's part of the generation save script (see webhooks.ts). */

/**
 * The outbox part of the generation save script. It reads its arguments from the END of KEYS and
 * ARGV (see {@link outboxArguments}), so it stays correct whatever the save itself passes first:
 * ARGV ends with '__outbox__' and `n` (the number of deliveries), preceded by 4 values per
 * delivery (id, fixed JSON, createdAt, dueAt); KEYS ends with the due index, then 2 keys per delivery (record,
 * endpoint index). A delivery already recorded is left alone.
 */
export const OUTBOX_LUA = `
local outboxCount = 0
if ARGV[#ARGV - 1] == '__outbox__' then outboxCount = tonumber(ARGV[#ARGV]) end
if outboxCount > 0 then
  local kb = #KEYS - 2 * outboxCount
  local ab = #ARGV - 2 - 4 * outboxCount
  for i = 1, outboxCount do
    local rec = KEYS[kb + 2 * i - 1]
    local byEndpoint = KEYS[kb + 2 * i]
    local a = ab + 4 * (i - 1)
    if redis.call('EXISTS', rec) == 0 then
      redis.call('HSET', rec, 'json', ARGV[a + 2], 'status', 'PENDING', 'attempts', '0', 'failures', '0',
        'nextAttemptAt', ARGV[a + 4], 'updatedAt', ARGV[a + 3])
      redis.call('ZADD', byEndpoint, ARGV[a + 3], ARGV[a + 1])
      redis.call('ZADD', KEYS[kb], ARGV[a + 4], ARGV[a + 1])
    end
  end
end
`;
