/**
 * The cache library's public API (DESIGN.md §3). Framework-free: imports nothing from Next.js, React or the
 * forecasting module; importing it connects to nothing.
 */
export { getCacheSystem, createCacheSystem, resetCacheSystemForTests, CacheSystem, type CacheSystemOptions, type ClearTarget, type HealthCheck } from './system';
export { RedisCache, type Lookup, type SetOptions, type GetOptions, type InvalidationTarget } from './redis-cache';
export { ModelCache, type PredictionKeyOptions } from './model-cache';
export {
  cached,
  cachedModel,
  cachedPrediction,
  type CachedFunction,
  type CachedOptions,
  type CachedModelOptions,
  type CachedPredictionOptions,
  type Detailed,
  type ValueCodec,
} from './wrappers';
export { loadConfig, ConfigError, formatTtl, describeRedisAddress, type CacheConfig, type RedisMode } from './config';
export { KeyScheme, encodeSegment, decodeSegment, CACHE_TYPES, type CacheType } from './keys';
export { encode, decode } from './codec';
export { CacheEventEmitter, type CacheEvents, type CacheEventName } from './events';
export type { BreakerState } from './circuit-breaker';
export { LockTimeoutError, isLockTimeoutError, type LockOptions } from './lock';
export { humanBytes, computeAlerts } from './info';
export type { KeyCounts } from './key-counter';
