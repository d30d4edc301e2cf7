/**
 * What a cache system reports about itself: the numbers behind `cache/info`, the health round trip and the
 * metrics gauges. Results are camelCase domain objects; the HTTP layer maps them to the API's JSON.
 * Cost: O(1) Redis work — INFO, one HGETALL of the shared totals, one of the shared key counts; never a keyspace
 * scan. Nothing here fails because of Redis.
 */
import { randomUUID } from 'node:crypto';
import type { StatsRecorder } from './history';
import { computeAlerts, HIT_RATE_WINDOW_MS, readServerInfo, type CacheAlert } from './info';
import type { Compression, CompressionStats } from './compression';
import type { Grace, GraceEvent } from './grace';
import type { KeyCounter } from './key-counter';
import { sumCounts, TYPE_INDEX, type CacheType, type KeyScheme } from './keys';
import type { SavingsLedger, SavingsReport } from './savings';
import type { MemoryTier } from './memory-tier';
import type { BreakerState } from './circuit-breaker';
import { describeRedisAddress, type AlertThresholds, type RedisMode, type ResolvedCacheOptions, type TtlSeconds } from './options';
import { UNAVAILABLE, type RedisGate } from './redis-gate';
import { counterTotals, countersByType, type CacheStats, type TypeCounters } from './stats';
import type { RedisTopology, TopologyReader } from './topology';

export type Backend = 'redis' | 'memory';

export interface CacheReport {
  enabled: boolean;
  /** Where values live right now: Redis, or the in-process fallback while Redis is unreachable. */
  backend: Backend;
  redis: { mode: RedisMode; address: string; connected: boolean; version: string | null };
  /** Shared across instances while Redis is up, this instance's own otherwise. Percent, one decimal; 0 before any lookup. */
  hitRate: number;
  hits: number;
  misses: number;
  byType: Record<CacheType, TypeCounters>;
  usedMemory: number | null;
  maxmemory: number | null;
  evictedKeys: number | null;
  /** Live keys per type, from the background count (no scan per report). */
  keys: Record<CacheType, number>;
  totalKeys: number;
  ttl: TtlSeconds;
  l1: { entries: number; bytes: number; maxEntries: number; maxBytes: number };
  alerts: CacheAlert[];
  thresholds: AlertThresholds;
  /** Estimated compute time saved by hits so far. */
  timeSavedMs: number;
  /** Every Redis node with role, up/down, memory and keys, and the deployment's status. */
  topology: RedisTopology;
  /**
   * Grace copies (grace.ts): the period (0 = off), answers served stale and refresh loops running (this instance),
   * and the recent stale answers with their count over every instance (this instance's while Redis can't be read).
   */
  grace: {
    periodSeconds: number;
    staleServed: number;
    refreshesPending: number;
    staleServedAllInstances: number;
    recent: GraceEvent[];
  };
  /** What hits saved, in total and for the products that saved most (savings.ts). */
  savings: SavingsReport;
  /** Compression of large values (compression.ts): mode, threshold and what this instance compressed since start. */
  compression: CompressionStats;
  generatedAt: Date;
}

export interface HealthCheck {
  /** Redis answered (even if it refused the write). */
  redisAvailable: boolean;
  /** Redis returned exactly what was written, and deleted it. */
  readWriteTest: boolean;
  backend: Backend;
  latencyMs: number | null;
  stats: { hits: number; misses: number; hitRate: number; totalKeys: number };
  /** The deployment's status and what is wrong with it (nodes down, slots without a master…). */
  topology: Pick<RedisTopology, 'mode' | 'status' | 'problems'>;
}

/** The part of the report the metrics gauges sample at scrape time. */
export interface GaugeSample {
  backend: Backend;
  usedMemory: number | null;
  keys: Record<CacheType, number>;
  /** L1 evictions since this system started (a running total). */
  l1Evictions: number;
  breaker: BreakerState;
}

export interface ReportDeps {
  options: ResolvedCacheOptions;
  gate: RedisGate;
  keys: KeyScheme;
  memory: MemoryTier;
  stats: CacheStats;
  recorder: StatsRecorder;
  keyCounter: KeyCounter;
  topology: TopologyReader;
  instanceId: string;
  /** What the previous report raised (the hit-rate alert's hysteresis). */
  alertState: { lowHitRate: boolean };
  grace: Grace;
  compression: Compression;
  savings: SavingsLedger;
}

function backendOf(gate: RedisGate): Backend {
  return gate.up ? 'redis' : 'memory';
}

export async function cacheReport(d: ReportDeps): Promise<CacheReport> {
  await d.gate.startup();
  const [server, totals, keyCounts, recent, topology, graceRecent] = await Promise.all([
    readServerInfo(d.gate),
    d.recorder.sharedTotals(),
    d.keyCounter.get(),
    d.recorder.recentLookups(HIT_RATE_WINDOW_MS),
    d.topology.read(),
    d.grace.recent(),
  ]);
  const backend = backendOf(d.gate);
  const hitsArr = totals?.hits ?? d.stats.hits;
  const missArr = totals?.misses ?? d.stats.misses;
  const { hits, misses, hitRate } = counterTotals(hitsArr, missArr);
  const usedMemory = server?.usedMemory ?? null;
  const savedMs = totals?.savedMs ?? d.stats.savedMs;
  // Forecasts served from cache are prediction hits; trainings (or model loads) avoided are model hits.
  const savings = await d.savings.report(
    { cpuMs: savedMs, forecasts: hitsArr[TYPE_INDEX.predictions], trainings: hitsArr[TYPE_INDEX.models] },
    totals !== null,
  );
  const l1 = d.memory.stats();
  const o = d.options;
  const alerts = computeAlerts({ backend, recent, lowHitRateRaised: d.alertState.lowHitRate, usedMemory, thresholds: o.alerts });
  d.alertState.lowHitRate = alerts.some((a) => a.code === 'low_hit_rate');
  return {
    enabled: o.enabled,
    backend,
    redis: { mode: o.redis.mode, address: describeRedisAddress(o.redis), connected: backend === 'redis', version: server?.version ?? null },
    hitRate,
    hits,
    misses,
    byType: countersByType(hitsArr, missArr),
    usedMemory,
    maxmemory: server?.maxmemory ?? null,
    evictedKeys: server?.evictedKeys ?? null,
    keys: keyCounts.counts,
    totalKeys: sumCounts(keyCounts.counts),
    ttl: { ...o.ttl },
    l1: { entries: l1.entries, bytes: l1.bytes, maxEntries: l1.maxEntries, maxBytes: l1.maxBytes },
    alerts,
    thresholds: { ...o.alerts },
    timeSavedMs: Math.round(savedMs),
    topology,
    grace: {
      periodSeconds: o.grace.periodSeconds,
      staleServed: d.grace.staleServed,
      refreshesPending: d.grace.refreshesPending,
      staleServedAllInstances: graceRecent.total,
      recent: graceRecent.events,
    },
    savings,
    compression: d.compression.stats(),
    generatedAt: new Date(),
  };
}

/**
 * A real round trip: writes a unique value under a meta key, reads it back, deletes it. `readWriteTest` is true
 * only when Redis returned exactly what was written. An error *reply* (e.g. OOM under `noeviction`) leaves
 * Redis available but the test failed.
 */
export async function healthCheck(d: ReportDeps): Promise<HealthCheck> {
  const stats = () => {
    const t = d.stats.totals();
    const c = d.keyCounter.peek();
    return { hits: t.hits, misses: t.misses, hitRate: t.hitRate, totalKeys: c ? sumCounts(c) : 0 };
  };
  await d.gate.startup();
  const [roundTrip, t] = await Promise.all([readWriteRoundTrip(d), d.topology.read()]);
  const topology = { mode: t.mode, status: t.status, problems: t.problems };
  if (roundTrip === 'down') return { redisAvailable: false, readWriteTest: false, backend: 'memory', latencyMs: null, stats: stats(), topology };
  if (roundTrip === UNAVAILABLE) {
    return { redisAvailable: d.gate.up, readWriteTest: false, backend: backendOf(d.gate), latencyMs: null, stats: stats(), topology };
  }
  // Shared key counts: one HGETALL, never a scan here (a stale count is refreshed in the background).
  await d.keyCounter.get(0);
  return { redisAvailable: true, readWriteTest: roundTrip.ok, backend: backendOf(d.gate), latencyMs: roundTrip.latencyMs, stats: stats(), topology };
}

/** SET, GET and UNLINK of a unique value; 'down' when the breaker keeps Redis out. */
async function readWriteRoundTrip(d: ReportDeps): Promise<{ ok: boolean; latencyMs: number } | typeof UNAVAILABLE | 'down'> {
  if (!d.gate.up) return 'down';
  const key = d.keys.meta + 'health:{' + d.instanceId + '}';
  const token = randomUUID();
  const t0 = performance.now();
  const back = await d.gate.run(async (c) => {
    await c.set(key, token, 'PX', 10_000);
    const read = await c.get(key);
    await c.unlink(key);
    return read;
  });
  if (back === UNAVAILABLE) return UNAVAILABLE;
  return { ok: back === token, latencyMs: Math.round((performance.now() - t0) * 100) / 100 };
}

export async function gaugeSample(d: ReportDeps): Promise<GaugeSample> {
  await d.gate.startup();
  const [server, keyCounts] = await Promise.all([readServerInfo(d.gate), d.keyCounter.get()]);
  return {
    backend: backendOf(d.gate),
    usedMemory: server?.usedMemory ?? null,
    keys: keyCounts.counts,
    l1Evictions: d.memory.evictions,
    breaker: d.gate.breakerState,
  };
}
