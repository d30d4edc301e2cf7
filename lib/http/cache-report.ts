/**
 * The cache library's camelCase results mapped onto the API's JSON (snake_case, the seed's field names and
 * formatted strings such as `used_memory_human` and `ttl_settings`).
 */
import type { CacheHistory as ApiHistory, CacheInfo, HealthReport, RedisTopologyInfo } from '@/lib/api-types';
import {
  humanBytes,
  type CacheHistory,
  type CacheReport,
  type CacheType,
  type HealthCheck,
  type RedisTopology,
  type TypeCounters,
} from '@/lib/redis-cache';

/** "21600s (6h)", "300s (5min)", "90s (1min 30s)". */
export function formatTtl(seconds: number): string {
  const parts: string[] = [];
  let s = seconds;
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  return `${seconds}s (${parts.join(' ') || '0s'})`;
}

/** The library's report as the API's JSON; the route adds the application's own sections (`smart_warmup`, `savings`, `tuning`). */
export function toCacheInfo(r: CacheReport): Omit<CacheInfo, 'smart_warmup' | 'savings' | 'tuning'> {
  return {
    enabled: r.enabled,
    backend: r.backend,
    redis: r.redis,
    hit_rate: r.hitRate,
    hits: r.hits,
    misses: r.misses,
    by_type: mapTypes(r.byType, (c: TypeCounters) => ({ hits: c.hits, misses: c.misses, hit_rate: c.hitRate })),
    used_memory: r.usedMemory,
    used_memory_human: r.usedMemory === null ? 'n/a' : humanBytes(r.usedMemory),
    maxmemory: r.maxmemory,
    maxmemory_human: r.maxmemory === null ? null : r.maxmemory === 0 ? 'unlimited' : humanBytes(r.maxmemory),
    evicted_keys: r.evictedKeys,
    cache_breakdown: { ...r.keys },
    total_keys: r.totalKeys,
    ttl_settings: { models: formatTtl(r.ttl.models), predictions: formatTtl(r.ttl.predictions), products: formatTtl(r.ttl.products) },
    l1: { entries: r.l1.entries, bytes: r.l1.bytes, max_entries: r.l1.maxEntries, max_bytes: r.l1.maxBytes },
    alerts: r.alerts,
    thresholds: {
      hit_rate_min_percent: r.thresholds.hitRateMinPercent,
      hit_rate_min_requests: r.thresholds.hitRateMinRequests,
      memory_max_bytes: r.thresholds.memoryMaxBytes,
    },
    time_saved_ms: r.timeSavedMs,
    topology: toTopology(r.topology),
    grace: {
      period_s: r.grace.periodSeconds,
      stale_served: r.grace.staleServed,
      refreshes_pending: r.grace.refreshesPending,
      stale_served_all_instances: r.grace.staleServedAllInstances,
      recent: r.grace.recent.map((e) => ({
        at: new Date(e.at).toISOString(),
        product: e.product,
        days: e.days,
        age_s: Math.floor(e.ageMs / 1000), // whole seconds, as the `Age` header
        reason: e.reason,
      })),
    },
    compression: {
      mode: r.compression.mode,
      min_bytes: r.compression.minBytes,
      entries: r.compression.entries,
      input_bytes: r.compression.inputBytes,
      output_bytes: r.compression.outputBytes,
      // Input over output of the values compressed so far, two decimals; null before the first.
      ratio: r.compression.outputBytes > 0 ? Math.round((r.compression.inputBytes / r.compression.outputBytes) * 100) / 100 : null,
    },
    generated_at: r.generatedAt.toISOString(),
  };
}

export function toTopology(t: RedisTopology): RedisTopologyInfo {
  return {
    mode: t.mode,
    status: t.status,
    nodes: t.nodes.map((n) => ({
      address: n.address,
      role: n.role,
      up: n.up,
      master_address: n.masterAddress,
      slots: n.slots,
      used_memory: n.usedMemory,
      used_memory_human: n.usedMemory === null ? null : humanBytes(n.usedMemory),
      keys: n.keys,
    })),
    problems: [...t.problems],
  };
}

export function toCacheHealth(h: HealthCheck): HealthReport['cache'] {
  return {
    redis_available: h.redisAvailable,
    read_write_test: h.readWriteTest,
    backend: h.backend,
    latency_ms: h.latencyMs,
    stats: { hits: h.stats.hits, misses: h.stats.misses, hit_rate: h.stats.hitRate, total_keys: h.stats.totalKeys },
    topology: { mode: h.topology.mode, status: h.topology.status, problems: [...h.topology.problems] },
  };
}

export function toHistory(h: CacheHistory): ApiHistory {
  return {
    range: h.range,
    bucket_seconds: h.bucketSeconds,
    buckets: h.buckets.map((b) => ({
      t: b.t,
      hits: b.hits,
      misses: b.misses,
      hit_rate: b.hitRate,
      used_memory: b.usedMemory,
      keys: b.keys,
      saved_ms: Math.round(b.savedMs * 1000) / 1000,
    })),
  };
}

function mapTypes<A, B>(record: Record<CacheType, A>, f: (a: A) => B): Record<CacheType, B> {
  return Object.fromEntries(Object.entries(record).map(([t, v]) => [t, f(v as A)])) as Record<CacheType, B>;
}
