/*
 * The Lua scripts behind `RedisLeaseStore`. Each runs atomically on the Redis server, so check-and-set on a
 * lease never races, and uses the server's clock (PX, TIME), never the caller's. Scripts that call TIME and
 * then write are fine on Redis 7, which replicates scripts by their effects.
 *
 * Keys per lease key K under prefix P: `P{K}:holder` holds "<epoch>:<holder>" with the lease's TTL (PX);
 * `P{K}:epoch` holds the last epoch issued for K and never expires. The braces make both keys hash to one
 * slot, so the scripts would also run on a Redis Cluster. `Pmembers` is a sorted set: member -> expiry (ms).
 */

/** KEYS: holder, epoch. ARGV: holder, ttlMs, epoch origin (s). Returns the new epoch, or nil when held. */
export const ACQUIRE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return nil end
local floor = tonumber(redis.call('TIME')[1]) - tonumber(ARGV[3])
local epoch = tonumber(redis.call('GET', KEYS[2]) or '0') + 1
if floor > epoch then epoch = floor end
local text = string.format('%d', epoch)
redis.call('SET', KEYS[2], text)
redis.call('SET', KEYS[1], text .. ':' .. ARGV[1], 'PX', ARGV[2])
return epoch
`;

/** KEYS: holder. ARGV: holder, epoch, ttlMs. Returns 1 when renewed, 0 when not held by holder at epoch. */
export const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[2] .. ':' .. ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** KEYS: holder. ARGV: holder, epoch. Returns 1 when released, 0 when not held by holder at epoch. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[2] .. ':' .. ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/** KEYS: holder, epoch. Returns { "<epoch>:<holder>" or false, pttl, last epoch or false }, read atomically. */
export const STATE_SCRIPT = `
return { redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]), redis.call('GET', KEYS[2]) }
`;

/** KEYS: members. ARGV: member, ttlMs. Drops expired members, then records this one until now + ttl. */
export const HEARTBEAT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return 1
`;

/** KEYS: members. Returns the members whose heartbeat has not expired. */
export const MEMBERS_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
`;
