import { appMetrics } from './registry';

/**
 * Feeds the Prometheus metrics from a cache system's events. The cache library stays free of prom-client: it
 * only emits events; this module listens. Binding is idempotent per event source (a WeakSet), so calling it from
 * instrumentation and from every route is safe.
 *
 * Typed structurally on the event payloads of the cache library's contract; unknown values are mapped to a fixed
 * label ("other"/"none") so a future event shape can't create unbounded label values.
 */
export interface CacheEventSource {
  on(event: string, listener: (payload: unknown) => void): unknown;
}

const CACHE_TYPES = new Set(['models', 'predictions', 'products', 'other']);
const SINGULAR_TO_TYPE: Record<string, string> = { model: 'models', prediction: 'predictions', product: 'products', products_list: 'products' };

const BOUND = Symbol.for('ai-cache.metrics.bound-sources');
type WithBound = typeof globalThis & { [BOUND]?: WeakSet<object> };

export function bindCacheMetrics(events: CacheEventSource): void {
  const holder = globalThis as WithBound;
  holder[BOUND] ??= new WeakSet();
  if (holder[BOUND].has(events)) return;
  holder[BOUND].add(events);

  const metrics = appMetrics();
  events.on('lookup', (payload) => {
    const event = record(payload);
    const type = cacheType(event.type);
    const result = event.result === 'hit' ? 'hit' : 'miss';
    metrics.cacheRequests.inc({ type, result });
    const seconds = durationSeconds(event.durationMs);
    if (seconds !== null) {
      const tier = event.tier === 'l1' || event.tier === 'l2' ? event.tier : 'none';
      metrics.cacheLookupDuration.observe({ type, tier }, seconds);
    }
  });
  events.on('compute', (payload) => {
    const event = record(payload);
    const seconds = durationSeconds(event.durationMs);
    if (seconds !== null) metrics.cacheComputeDuration.observe({ type: cacheType(event.type) }, seconds);
  });
  events.on('backend', (payload) => {
    const backend = record(payload).backend;
    metrics.fallbackActive.set(backend === 'memory' ? 1 : 0);
    metrics.redisUp.set(backend === 'redis' ? 1 : 0);
  });
  events.on('invalidate', (payload) => {
    const event = record(payload);
    // Another instance's invalidation arrives here too (pub/sub); count each invalidation once, where it was made.
    if (event.remote === true) return;
    metrics.invalidations.inc({ scope: invalidationScope(event) });
  });
}

/** Maps the cache's own numbers (sampled at scrape time) onto the gauges. */
export function setCacheGauges(sample: {
  backend: 'redis' | 'memory';
  redisConnected: boolean;
  usedMemoryBytes: number | null;
  keys: Record<'models' | 'predictions' | 'products' | 'other', number>;
}): void {
  const metrics = appMetrics();
  metrics.fallbackActive.set(sample.backend === 'memory' ? 1 : 0);
  metrics.redisUp.set(sample.redisConnected ? 1 : 0);
  // No stale memory figure while Redis is away: NaN (a label-less gauge can't be absent), so a
  // `> 100e6` alert neither fires nor keeps firing on a number from before the outage.
  metrics.redisUsedMemory.set(sample.usedMemoryBytes ?? NaN);
  for (const [type, count] of Object.entries(sample.keys)) metrics.cacheKeys.set({ type }, count);
}

function record(payload: unknown): Record<string, unknown> {
  return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
}

function cacheType(value: unknown): string {
  if (typeof value !== 'string') return 'other';
  if (CACHE_TYPES.has(value)) return value;
  return SINGULAR_TO_TYPE[value] ?? 'other';
}

function durationSeconds(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value / 1000 : null;
}

/** The cache describes a target as "all", a type name, "product <name>", "key <key>" or "<n> keys". */
function invalidationScope(event: Record<string, unknown>): string {
  const target = event.target;
  if (typeof target !== 'string') return 'other';
  if (target === 'all') return 'all';
  if (target === 'models' || target === 'predictions' || target === 'products' || target === 'other') return 'type';
  if (target.startsWith('product ')) return 'product';
  if (target.startsWith('key ') || target.endsWith(' keys')) return 'keys';
  return 'other';
}
