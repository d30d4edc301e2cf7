import type { BreakerState, CacheEvents, CacheType } from '@/lib/redis-cache';
import { processSingleton } from '@/lib/redis-cache';
import { appMetrics, BREAKER_STATE_VALUE } from './registry';

/**
 * Feeds the Prometheus metrics from a cache system's typed events. The cache library stays free of prom-client:
 * it only publishes events; this module subscribes and reads their typed fields. Binding is idempotent per event
 * source (a WeakSet), so calling it from instrumentation and from every route is safe.
 */
export function bindCacheMetrics(events: CacheEvents): void {
  const bound = processSingleton('metrics-bound-sources', () => new WeakSet<CacheEvents>());
  if (bound.has(events)) return;
  bound.add(events);

  const metrics = appMetrics();
  events.on('lookup', (e) => {
    metrics.cacheRequests.inc({ type: e.type, result: e.result });
    metrics.cacheLookupDuration.observe({ type: e.type, tier: e.tier ?? 'none' }, e.durationMs / 1000);
  });
  events.on('compute', (e) => {
    metrics.cacheComputeDuration.observe({ type: e.type }, e.durationMs / 1000);
  });
  events.on('backend', (e) => {
    metrics.fallbackActive.set(e.backend === 'memory' ? 1 : 0);
    metrics.redisUp.set(e.backend === 'redis' ? 1 : 0);
  });
  events.on('invalidate', (e) => {
    // Another instance's invalidation arrives here too (pub/sub); count each invalidation once, where it was made.
    if (!e.remote) metrics.invalidations.inc({ scope: e.scope });
  });
  events.on('breaker', (e) => {
    metrics.breakerState.set(BREAKER_STATE_VALUE[e.state]);
    metrics.breakerTransitions.inc({ to: e.state.replace('-', '_') });
  });
  events.on('lockTimeout', () => metrics.lockTimeouts.inc());
  events.on('stale', (e) => metrics.staleServed.inc({ type: e.type }));
}

/** The alert thresholds as gauges, so the Prometheus rules compare with the service's own configuration. */
export function setAlertThresholdGauges(thresholds: { memoryMaxBytes: number; hitRateMinPercent: number }): void {
  const metrics = appMetrics();
  metrics.alertMemoryMaxBytes.set(thresholds.memoryMaxBytes);
  metrics.alertHitRateMinRatio.set(thresholds.hitRateMinPercent / 100);
}

/** Maps the cache's own numbers (sampled at scrape time) onto the gauges. */
export function setCacheGauges(sample: {
  backend: 'redis' | 'memory';
  usedMemoryBytes: number | null;
  keys: Record<CacheType, number>;
  /** The system's running total; the counter advances by what is new since the last sample. */
  l1Evictions: number;
  breaker: BreakerState;
}): void {
  const metrics = appMetrics();
  const last = processSingleton('metrics-l1-evictions-seen', () => ({ value: 0 }));
  // A smaller total means another system (a reconfigured one): all of its evictions are new.
  const delta = sample.l1Evictions >= last.value ? sample.l1Evictions - last.value : sample.l1Evictions;
  last.value = sample.l1Evictions;
  if (delta > 0) metrics.l1Evictions.inc(delta);
  metrics.breakerState.set(BREAKER_STATE_VALUE[sample.breaker]);
  metrics.fallbackActive.set(sample.backend === 'memory' ? 1 : 0);
  metrics.redisUp.set(sample.backend === 'redis' ? 1 : 0);
  // No stale memory figure while Redis is away: NaN (a label-less gauge can't be absent), so a
  // memory alert neither fires nor keeps firing on a number from before the outage.
  metrics.redisUsedMemory.set(sample.usedMemoryBytes ?? NaN);
  for (const [type, count] of Object.entries(sample.keys)) metrics.cacheKeys.set({ type }, count);
}
