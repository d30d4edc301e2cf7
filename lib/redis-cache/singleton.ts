/**
 * The process-wide cache system and the seed's top-level functions over it.
 *
 * The library reads no environment: the application says how the process-wide system is built with
 * {@link configureCacheSystem} (its options, from the application's own configuration) before the first
 * {@link getCacheSystem}; without that, the defaults apply (Redis on localhost:6379, prefix `ai_module`).
 */
import { processSingleton, replaceProcessSingleton } from './process-singleton';
import type { CacheSystemOptions } from './options';
import type { CacheReport, HealthCheck } from './reports';
import { CacheSystem } from './system';

/** The process-wide system's options, or what builds them. */
export type CacheOptionsSource = CacheSystemOptions | (() => CacheSystemOptions);

const SYSTEM = 'cache-system';
const SOURCE = 'cache-system-options';

/** A new, independent cache system (tests, tools). The caller closes it. */
export function createCacheSystem(opts: CacheSystemOptions = {}): CacheSystem {
  return new CacheSystem(opts);
}

/**
 * How the process-wide system will be built: its options, or a function returning them (called once, when the
 * system is first needed). Has no effect on a system that already exists.
 */
export function configureCacheSystem(source: CacheOptionsSource): void {
  replaceProcessSingleton(SOURCE, source);
}

/** The process-wide cache system, built on first call (it connects on first use). */
export function getCacheSystem(): CacheSystem {
  return processSingleton(SYSTEM, () => {
    const source = processSingleton<CacheOptionsSource>(SOURCE, () => ({}));
    return new CacheSystem(typeof source === 'function' ? source() : source);
  });
}

/** Closes the process-wide system and, with `opts`, replaces it by a new one built from them. For tests. */
export async function resetCacheSystemForTests(opts?: CacheSystemOptions): Promise<CacheSystem | undefined> {
  const next = opts ? new CacheSystem(opts) : undefined;
  const old = replaceProcessSingleton<CacheSystem>(SYSTEM, next);
  if (old) await old.close();
  return next;
}

/** The seed's `get_cache_info()`: the process-wide system's report. */
export function getCacheInfo(): Promise<CacheReport> {
  return getCacheSystem().getCacheInfo();
}

/** The seed's `health_check()`: a real round trip against Redis by the process-wide system. */
export function healthCheck(): Promise<HealthCheck> {
  return getCacheSystem().healthCheck();
}
