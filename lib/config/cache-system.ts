/**
 * The application's cache system: the library's process-wide system, built from this application's environment
 * (lib/config/env.ts) with the application's logger. Every part of the application reaches the cache through
 * {@link appCacheSystem}, so the library never has to read the environment itself.
 */
import { configureCacheSystem, getCacheSystem, type CacheLogger, type CacheSystem, type CacheSystemOptions } from '@/lib/redis-cache';
import { getLogger } from '@/lib/logger';
import { readEnv } from './env';

/** The cache library's options for an environment (default `process.env`), logging through `logger`. */
export function cacheSystemOptions(env: Record<string, string | undefined> = process.env, logger: CacheLogger = getLogger()): CacheSystemOptions {
  return { ...readEnv(env).cache, logger };
}

/** The process-wide cache system, built from the environment on first use (it connects on first use). */
export function appCacheSystem(): CacheSystem {
  configureCacheSystem(() => cacheSystemOptions());
  return getCacheSystem();
}
