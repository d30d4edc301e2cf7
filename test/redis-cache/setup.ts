/** Shared pieces of the cache library's integration tests. */
import pino from 'pino';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { cacheSystemOptions } from '@/lib/config/cache-system';
import { createCacheSystem, type CacheSystem, type CacheSystemOptions } from '@/lib/redis-cache';
import type { RedisClient } from '@/lib/redis-cache/scripts';
import { startRedisServer, type RedisServerHandle } from '@/test/helpers/redis-server';

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** `base` with `over` on top; nested option groups (redis, ttl, l1…) are merged one level deep. */
export function mergeOptions(base: CacheSystemOptions, over: CacheSystemOptions): CacheSystemOptions {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    const group = k !== 'logger' && v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object';
    out[k] = group ? { ...b, ...v } : v;
  }
  return out as CacheSystemOptions;
}

/** The system's own Redis connection — for spies and for planting raw values, never instead of a real server. */
export function redisClientOf(s: CacheSystem): RedisClient {
  return (s as unknown as { gate: { client: RedisClient } }).gate.client;
}

let n = 0;
/** A cache system on the given Redis URL with a unique prefix (tests don't see each other's keys). */
export function makeSystem(url: string | null, opts: CacheSystemOptions = {}): CacheSystem {
  n++;
  const base = cacheSystemOptions(
    {
      // Nothing listens on port 1: "Redis absent" without waiting for a timeout.
      REDIS_URL: url ?? 'redis://127.0.0.1:1',
      REDIS_COMMAND_TIMEOUT: '0.3',
      REDIS_CONNECT_TIMEOUT: '2',
      CACHE_BREAKER_COOLDOWN: '0.1',
      CACHE_PREFIX: `t${process.pid}_${n}`,
      // The key layout tests count keys: grace copies are off unless a test asks for them (grace.test.ts does).
      CACHE_GRACE_PERIOD: '0',
    },
    silentLogger,
  );
  return createCacheSystem(mergeOptions(base, opts));
}

/**
 * One private redis-server for a test file, and cache systems on it that are closed after each test.
 * Registers the vitest hooks: call it at the top level of a test file.
 */
export function usePrivateRedis() {
  let server: RedisServerHandle | undefined;
  const systems: CacheSystem[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.all(systems.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await server?.stop();
  });
  const redis = (): RedisServerHandle => {
    if (!server) throw new Error('the private redis-server is not started yet (use it inside a test)');
    return server;
  };
  return {
    redis,
    /** A cache system on the private Redis, or on `url` (null: no Redis at all); closed after the test. */
    system(opts: CacheSystemOptions = {}, url: string | null = redis().url): CacheSystem {
      const s = makeSystem(url, opts);
      systems.push(s);
      return s;
    },
  };
}
