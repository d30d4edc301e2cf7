/** Shared pieces of the cache library's integration tests. */
import pino from 'pino';
import { createCacheSystem, type CacheSystem, type CacheSystemOptions } from '@/lib/redis-cache';

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

let n = 0;
/** A cache system on the given Redis URL with a unique prefix (tests don't see each other's keys). */
export function makeSystem(url: string | null, opts: CacheSystemOptions = {}): CacheSystem {
  n++;
  return createCacheSystem({
    env: {
      // Nothing listens on port 1: "Redis absent" without waiting for a timeout.
      REDIS_URL: url ?? 'redis://127.0.0.1:1',
      REDIS_COMMAND_TIMEOUT: '0.3',
      REDIS_CONNECT_TIMEOUT: '2',
      CACHE_BREAKER_COOLDOWN: '0.1',
      CACHE_PREFIX: `t${process.pid}_${n}`,
    },
    logger: silentLogger,
    ...opts,
  });
}
