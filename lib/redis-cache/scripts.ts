/**
 * The library's Lua scripts, registered on each client with ioredis `defineCommand`: the script text is sent once
 * (EVALSHA afterwards, with a transparent fallback to EVAL after a SCRIPT FLUSH or a failover), and each script
 * becomes a typed method of the client. Every script touches only keys of one hash tag, so it is Cluster-safe.
 */
import type { Cluster, Redis } from 'ioredis';

const SCRIPTS = {
  /**
   * SET KEYS[1] ARGV[1] PX ARGV[2], then records KEYS[1] in the index set KEYS[2] and makes the set live at least
   * ARGV[2] ms (never shortens it): one command for a write and its bookkeeping.
   */
  setIndexed: {
    numberOfKeys: 2,
    lua: `redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('sadd', KEYS[2], KEYS[1])
local t = redis.call('pttl', KEYS[2])
if t == -1 or (t >= 0 and t < tonumber(ARGV[2])) then redis.call('pexpire', KEYS[2], ARGV[2]) end
return 1`,
  },
  /** Deletes the lock KEYS[1] only if it still holds the token ARGV[1] (released by its holder, never by another). */
  releaseLock: {
    numberOfKeys: 1,
    lua: `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`,
  },
  /**
   * Deletes KEYS[1] only if it still holds ARGV[1]: a value that failed to decode is removed, but not a good value
   * another writer put there since it was read.
   */
  deleteIfValue: {
    numberOfKeys: 1,
    lua: `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`,
  },
  /** Extends the lock KEYS[1] to ARGV[2] ms if it still holds the token ARGV[1]. */
  extendLock: {
    numberOfKeys: 1,
    lua: `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`,
  },
  /**
   * Adds usage counts to the hour hash KEYS[1]: ARGV[1] = the most fields the hash may hold, ARGV[2] = its TTL in
   * seconds, then field/increment pairs. A field not yet present is added only while the hash has room, atomically
   * (two instances cannot both pass the check). Returns the requests dropped because the hash was full.
   */
  addUsage: {
    numberOfKeys: 1,
    lua: `local cap = tonumber(ARGV[1])
local len = redis.call('hlen', KEYS[1])
local dropped = 0
for i = 3, #ARGV, 2 do
  local n = tonumber(ARGV[i + 1])
  if len < cap or redis.call('hexists', KEYS[1], ARGV[i]) == 1 then
    if redis.call('hincrby', KEYS[1], ARGV[i], n) == n then len = len + 1 end
  else
    dropped = dropped + n
  end
end
redis.call('expire', KEYS[1], ARGV[2])
return dropped`,
  },
  /**
   * Adds savings per product (savings.ts): KEYS[1] = sorted set product → CPU ms saved, KEYS[2] = hash of
   * `f:<product>` (forecasts served from cache) and `t:<product>` (trainings avoided); ARGV[1] = the most products
   * kept, then product, CPU ms, forecasts, trainings quadruples. Beyond the bound the products that saved least are
   * dropped with their hash fields (their figures stay in the totals, under "others"). Returns the products kept.
   */
  addSavings: {
    numberOfKeys: 2,
    lua: `local cap = tonumber(ARGV[1])
for i = 2, #ARGV, 4 do
  redis.call('zincrby', KEYS[1], ARGV[i + 1], ARGV[i])
  if ARGV[i + 2] ~= '0' then redis.call('hincrby', KEYS[2], 'f:' .. ARGV[i], ARGV[i + 2]) end
  if ARGV[i + 3] ~= '0' then redis.call('hincrby', KEYS[2], 't:' .. ARGV[i], ARGV[i + 3]) end
end
local n = redis.call('zcard', KEYS[1])
if n > cap then
  local gone = redis.call('zrange', KEYS[1], 0, n - cap - 1)
  for _, p in ipairs(gone) do redis.call('hdel', KEYS[2], 'f:' .. p, 't:' .. p) end
  redis.call('zremrangebyrank', KEYS[1], 0, n - cap - 1)
  n = cap
end
return n`,
  },
} as const;

/** The methods the scripts add to a client. */
export interface ScriptCommands {
  setIndexed(key: string, index: string, value: string | Buffer, ttlMs: number): Promise<number>;
  releaseLock(key: string, token: string): Promise<number>;
  deleteIfValue(key: string, value: string | Buffer): Promise<number>;
  extendLock(key: string, token: string, ttlMs: number): Promise<number>;
  addUsage(key: string, maxFields: number, ttlSeconds: number, ...fieldIncrements: (string | number)[]): Promise<number>;
}

/** The scripts as pipeline commands (ioredis adds defined commands to pipelines too). */
export interface ScriptPipeline {
  addUsage(key: string, maxFields: number, ttlSeconds: number, ...fieldIncrements: (string | number)[]): unknown;
  addSavings(productsKey: string, countsKey: string, maxProducts: number, ...quadruples: (string | number)[]): unknown;
}

export type RedisClient = (Redis | Cluster) & ScriptCommands;

/** Registers the scripts on `client` (no I/O) and returns it typed with their methods. */
export function withScripts(client: Redis | Cluster): RedisClient {
  for (const [name, def] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: def.numberOfKeys, lua: def.lua });
  return client as RedisClient;
}
