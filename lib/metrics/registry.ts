import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { processSingleton } from '@/lib/redis-cache';

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
}

/** Cache lookups take microseconds (L1) to milliseconds (Redis): buckets from 50 µs to 1 s. */
const LOOKUP_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
/** What a miss costs: a product list in ms, a Prophet fit in hundreds of ms, a slow training in seconds. */
const COMPUTE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function createMetrics(): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
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
      help: 'Warm-up tasks (a model, a prediction horizon, the product list) by result (ok, error).',
      labelNames: ['result'],
      registers,
    }),
    retrains: new Counter({
      name: 'ai_model_retrains_total',
      help: 'Model retrain calls by result (success, error).',
      labelNames: ['result'],
      registers,
    }),
  };
}

/** The process-wide metrics, created on first use. */
export function appMetrics(): AppMetrics {
  return processSingleton('metrics', createMetrics);
}
