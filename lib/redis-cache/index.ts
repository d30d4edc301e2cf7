/**
 * The cache library's public API (docs/ARCHITECTURE.md). Framework-free and application-free: it imports nothing
 * from Next.js, React, the forecasting module or the application, and reads no environment variable; importing it
 * connects to nothing.
 */
export { CacheSystem, type ClearTarget, type TunableSettings } from './system';
export type { MemoryTierStats } from './memory-tier';
export {
  createCacheSystem,
  getCacheSystem,
  configureCacheSystem,
  resetCacheSystemForTests,
  getCacheInfo,
  healthCheck,
  type CacheOptionsSource,
} from './singleton';
export { RedisCache, type Lookup, type EntryOptions, type SetOptions } from './redis-cache';
export { ModelCache, type PredictionKeyOptions } from './model-cache';
export {
  cached,
  cachedModel,
  cachedPrediction,
  type CachedFunction,
  type CachedOptions,
  type CachedModelOptions,
  type CachedPredictionOptions,
} from './wrappers';
export type { Detailed } from './entry-plan';
export { jsonCodec, liveCodec, type EntryCodec, type ValueCodec } from './entry-codec';
export {
  resolveOptions,
  describeRedisAddress,
  DEFAULT_OPTIONS,
  type CacheSystemOptions,
  type ResolvedCacheOptions,
  type RedisConnectionOptions,
  type RedisMode,
  type HostPort,
  type TtlSeconds,
  type AlertThresholds,
} from './options';
export type { CacheLogger } from './logger';
export { KeyScheme, encodeSegment, decodeSegment, productOfKey, CACHE_TYPES, type CacheType } from './keys';
export { encode, decode } from './codec';
export { CACHE_CHANNELS, type CacheEvents, type CacheEventMap, type CacheEventMessage, type CacheEventName, type InvalidationScope } from './events';
export { LockTimeoutError, isLockTimeoutError, type LockOptions } from './lock';
export { humanBytes, type CacheAlert, type AlertCode } from './info';
export type { CacheReport, HealthCheck, GaugeSample, Backend } from './reports';
export type { RedisTopology, TopologyNode, TopologyStatus, NodeRole } from './topology';
export type { CacheHistory, HistoryBucket, HistoryRange } from './history';
export type { TypeCounters } from './stats';
export type { BreakerState } from './circuit-breaker';
export {
  WarmUpRunner,
  type WarmUpTask,
  type WarmUpSnapshot,
  type WarmUpState,
  type WarmUpOptions,
  type WarmUpStartResult,
  type WarmUpRunnerEvents,
} from './warmup';
export { UsageTracker, hourStart, HOUR_MS, type UsageCount, type UsageHour, type UsageTrackerOptions } from './usage';
export { withTimeout, sleep, errorMessage } from './timeout';
export { processSingleton, replaceProcessSingleton } from './process-singleton';
export { Grace, graceKey, GRACE_EVENTS_KEPT, type StaleInfo, type GraceEvent } from './grace';
export { Compression, type CompressionMode, type CompressionOptions, type CompressionStats } from './compression';
export { ProductTally, othersOf, type SavedFigures, type ProductSavings, type SavingsReport, type SavingsOptions } from './savings';
export { GraceRefresher, type GraceRefresherOptions } from './grace-refresher';
