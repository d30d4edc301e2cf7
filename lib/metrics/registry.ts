import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { processSingleton } from '@/lib/redis-cache';
import packageJson from '@/package.json';

/**
 * The process' Prometheus metrics, in one registry kept on globalThis: every Next.js route bundle and every
 * `next dev` reload must increment the same counters, and prom-client refuses to register a name twice.
 *
 * Naming follows Prometheus conventions (`_total` counters, `_seconds` durations, `_bytes` sizes). Labels have
 * small fixed value sets — cache type, tier, result, route pattern — never a product name or a key, so the number
 * of series stays bounded whatever users ask for.
 */
export interface AppMetrics {
  registry: Registry;
  cacheRequests: Counter<'type' | 'result'>;
  cacheLookupDuration: Histogram<'type' | 'tier'>;
  cacheComputeDuration: Histogram<'type'>;
  httpRequestDuration: Histogram<'route' | 'method' | 'status'>;
  fallbackActive: Gauge;
  redisUp: Gauge;
  redisUsedMemory: Gauge;
  cacheKeys: Gauge<'type'>;
  invalidations: Counter<'scope'>;
  warmUps: Counter<'trigger' | 'result'>;
  warmUpTasks: Counter<'result'>;
  retrains: Counter<'result'>;
  l1Evictions: Counter;
  breakerState: Gauge;
  breakerTransitions: Counter<'to'>;
  lockTimeouts: Counter;
  staleServed: Counter<'type'>;
  cpuSecondsSaved: Counter;
  costSaved: Counter<'currency'>;
  trainingsAvoided: Counter;
  forecastsFromCache: Counter;
  compressedEntries: Counter;
  compressionInputBytes: Counter;
  compressionOutputBytes: Counter;
  alertMemoryMaxBytes: Gauge;
  alertHitRateMinRatio: Gauge;
  forecastInFlight: Gauge;
  forecastWorkers: Gauge;
  forecastRefused: Counter<'reason'>;
  autotuneChanges: Counter<'setting' | 'outcome'>;
  desiredInstances: Gauge;
  autotuneLookupsPerSecond: Gauge;
  autotuneMissRatio: Gauge;
  autotuneComputeSecondsPerMiss: Gauge;
  targetUtilization: Gauge;
  l1MaxEntries: Gauge;
  predictionTtlSeconds: Gauge;
  buildInfo: Gauge<'version' | 'nodejs_version'>;
}

/** `ai_cache_breaker_state` values: a number per state, so a graph shows the state and an alert can compare. */
export const BREAKER_STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * prom-client's default set names three gauges `…_total` (active handles, requests, resources), which
 * `promtool check metrics` rejects: only counters end in `_total`. Their labelled per-type twins
 * (`nodejs_active_handles`, …) carry the same information, so these three are dropped.
 */
const MISNAMED_DEFAULT_GAUGES = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Cache lookups take microseconds (L1) to milliseconds (Redis): buckets from 50 µs to 1 s. */
const LOOKUP_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
/** What a miss costs: a product list in ms, a Prophet fit in hundreds of ms, a slow training in seconds. */
const COMPUTE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function createMetrics(): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULT_GAUGES) registry.removeSingleMetric(name);
  const registers = [registry];
  const buildInfo = new Gauge({
    name: 'ai_cache_build_info',
    help: 'Always 1; the labels say which version of the service and of Node.js runs.',
    labelNames: ['version', 'nodejs_version'],
    registers,
  });
  buildInfo.set({ version: packageJson.version, nodejs_version: process.version }, 1);
  return {
    registry,
    cacheRequests: new Counter({
      name: 'ai_cache_requests_total',
      help: 'Cache lookups by cached data type and result (hit or miss).',
      labelNames: ['type', 'result'],
      registers,
    }),
    cacheLookupDuration: new Histogram({
      name: 'ai_cache_lookup_duration_seconds',
      help: 'Time to look a value up in the cache, by type and by the tier that answered (l1, l2, or none on a miss).',
      labelNames: ['type', 'tier'],
      buckets: LOOKUP_BUCKETS,
      registers,
    }),
    cacheComputeDuration: new Histogram({
      name: 'ai_cache_compute_duration_seconds',
      help: 'Time spent computing a value after a cache miss (training, loading, predicting, listing), by type.',
      labelNames: ['type'],
      buckets: COMPUTE_BUCKETS,
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP API response time by route pattern, method and status code.',
      labelNames: ['route', 'method', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    }),
    fallbackActive: new Gauge({
      name: 'ai_cache_fallback_active',
      help: '1 while Redis is unreachable and the cache runs on the in-process memory fallback, 0 otherwise.',
      registers,
    }),
    redisUp: new Gauge({
      name: 'ai_cache_redis_up',
      help: '1 when the last check reached Redis, 0 otherwise.',
      registers,
    }),
    redisUsedMemory: new Gauge({
      name: 'ai_cache_redis_used_memory_bytes',
      help: 'Redis used_memory as last sampled (absent while Redis is unreachable).',
      registers,
    }),
    cacheKeys: new Gauge({
      name: 'ai_cache_keys',
      help: 'Live cache entries by type, from the cache bookkeeping (no keyspace scan).',
      labelNames: ['type'],
      registers,
    }),
    invalidations: new Counter({
      name: 'ai_cache_invalidations_total',
      help: 'Cache invalidations by scope (product, type, all).',
      labelNames: ['scope'],
      registers,
    }),
    warmUps: new Counter({
      name: 'ai_cache_warmups_total',
      help: 'Finished cache warm-up jobs by trigger (manual, startup) and result (done, failed).',
      labelNames: ['trigger', 'result'],
      registers,
    }),
    warmUpTasks: new Counter({
      name: 'ai_cache_warmup_tasks_total',
      help: "Warm-up tasks (a product's training job, its warm-product job, the product list) by result (ok, error).",
      labelNames: ['result'],
      registers,
    }),
    retrains: new Counter({
      name: 'ai_model_retrains_total',
      help: 'Model retrain calls by result (success, error).',
      labelNames: ['result'],
      registers,
    }),
    l1Evictions: new Counter({
      name: 'ai_cache_l1_evictions_total',
      help: 'Entries evicted from the in-process tier (L1, and the fallback store while Redis is down) to stay within its bounds.',
      registers,
    }),
    breakerState: new Gauge({
      name: 'ai_cache_breaker_state',
      help: 'Circuit breaker in front of Redis: 0 closed (Redis used), 1 half-open (probing), 2 open (fallback).',
      registers,
    }),
    breakerTransitions: new Counter({
      name: 'ai_cache_breaker_transitions_total',
      help: 'Circuit breaker state changes, by the state entered (closed, half_open, open).',
      labelNames: ['to'],
      registers,
    }),
    lockTimeouts: new Counter({
      name: 'ai_cache_lock_timeouts_total',
      help: 'Cross-instance lock waits (e.g. a training of the same product elsewhere) that timed out.',
      registers,
    }),
    staleServed: new Counter({
      name: 'ai_cache_stale_served_total',
      help: 'Answers served from a grace copy because recomputing the value failed (CACHE_GRACE_PERIOD).',
      labelNames: ['type'],
      registers,
    }),
    compressedEntries: new Counter({
      name: 'ai_cache_compressed_entries_total',
      help: 'Values this process wrote to Redis compressed (CACHE_COMPRESSION=auto, at least CACHE_COMPRESSION_MIN_BYTES).',
      registers,
    }),
    compressionInputBytes: new Counter({
      name: 'ai_cache_compression_input_bytes_total',
      help: 'Encoded size (bytes) of the values this process wrote compressed, before compression.',
      registers,
    }),
    compressionOutputBytes: new Counter({
      name: 'ai_cache_compression_output_bytes_total',
      help: 'Size (bytes) of those values as stored in Redis, after compression; input / output is the ratio.',
      registers,
    }),
    cpuSecondsSaved: new Counter({
      name: 'ai_cache_cpu_seconds_saved_total',
      help: 'Compute time cache hits avoided, seconds: per hit the measured time of the computation that produced the value, else the mean per type.',
      registers,
    }),
    costSaved: new Counter({
      name: 'ai_cache_cost_saved_total',
      help: 'What the compute time saved would have cost: ai_cache_cpu_seconds_saved_total × CACHE_COST_PER_CPU_SECOND, in the currency of the label (CACHE_COST_CURRENCY).',
      labelNames: ['currency'],
      registers,
    }),
    trainingsAvoided: new Counter({
      name: 'ai_cache_trainings_avoided_total',
      help: 'Model cache hits: trainings (or loads and rebuilds of a stored model) that did not run.',
      registers,
    }),
    forecastsFromCache: new Counter({
      name: 'ai_cache_forecasts_served_from_cache_total',
      help: 'Forecasts answered from the cache (prediction hits, L1 or Redis) instead of being computed.',
      registers,
    }),
    alertMemoryMaxBytes: new Gauge({
      name: 'ai_cache_alert_memory_max_bytes',
      help: 'The configured "possible leak" threshold on Redis used memory (CACHE_ALERT_MEMORY_MAX_BYTES), for alert rules.',
      registers,
    }),
    alertHitRateMinRatio: new Gauge({
      name: 'ai_cache_alert_hit_rate_min_ratio',
      help: 'The configured "cache not effective" threshold on the hit rate, as a ratio (CACHE_ALERT_HIT_RATE_MIN / 100), for alert rules.',
      registers,
    }),
    forecastInFlight: new Gauge({
      name: 'ai_forecast_in_flight',
      help: 'Forecast computations (cache misses) admitted and not finished, sampled at scrape time (FORECAST_QUEUE_MAX bounds it).',
      registers,
    }),
    forecastWorkers: new Gauge({
      name: 'ai_forecast_workers',
      help: 'Worker threads computing forecasts (FORECAST_WORKERS; 0 = on the main thread).',
      registers,
    }),
    forecastRefused: new Counter({
      name: 'ai_forecast_refused_total',
      help: 'Forecast computations refused by admission control: reason="client" (429, over FORECAST_MAX_PER_CLIENT) or "queue" (503, FORECAST_QUEUE_MAX reached).',
      labelNames: ['reason'] as const,
      registers,
    }),
    autotuneChanges: new Counter({
      name: 'ai_cache_autotune_changes_total',
      help: 'Tuning decisions by setting (l1_max_entries, prediction_ttl_seconds) and outcome: applied (CACHE_AUTOTUNE=true) or advised (recorded only).',
      labelNames: ['setting', 'outcome'] as const,
      registers,
    }),
    desiredInstances: new Gauge({
      name: 'ai_cache_desired_instances',
      help: 'Instances the miss load of the last autotune window needs: max(1, ceil(lookups/s × miss ratio × compute s per miss / CACHE_TARGET_UTILIZATION)).',
      registers,
    }),
    autotuneLookupsPerSecond: new Gauge({
      name: 'ai_cache_autotune_lookups_per_second',
      help: 'Cache lookups per second over the last autotune window, every instance together (input of ai_cache_desired_instances).',
      registers,
    }),
    autotuneMissRatio: new Gauge({
      name: 'ai_cache_autotune_miss_ratio',
      help: 'Misses / lookups over the last autotune window, every instance together (input of ai_cache_desired_instances).',
      registers,
    }),
    autotuneComputeSecondsPerMiss: new Gauge({
      name: 'ai_cache_autotune_compute_seconds_per_miss',
      help: 'Average seconds one computation after a miss took on this instance over the last autotune window (input of ai_cache_desired_instances).',
      registers,
    }),
    targetUtilization: new Gauge({
      name: 'ai_cache_target_utilization_ratio',
      help: "CACHE_TARGET_UTILIZATION: the share of one instance's compute that ai_cache_desired_instances plans for.",
      registers,
    }),
    l1MaxEntries: new Gauge({
      name: 'ai_cache_l1_max_entries',
      help: 'The L1 entry bound in force on this instance (CACHE_L1_MAX_ENTRIES, or what autotuning set).',
      registers,
    }),
    predictionTtlSeconds: new Gauge({
      name: 'ai_cache_prediction_ttl_seconds',
      help: 'The TTL given to predictions stored from now on (CACHE_PREDICTION_TTL, or what autotuning set).',
      registers,
    }),
    buildInfo,
  };
}

/** The process-wide metrics, created on first use. */
export function appMetrics(): AppMetrics {
  return processSingleton('metrics', createMetrics);
}
