/**
 * Redis INFO parsing, byte formatting and the alerts at the configured thresholds (README, "Monitoring and runbook").
 */
import { dataNodes } from './key-ops';
import type { AlertThresholds } from './options';
import { UNAVAILABLE, type RedisGate } from './redis-gate';

export interface RedisServerInfo {
  version: string | null;
  usedMemory: number;
  maxmemory: number;
  evictedKeys: number;
}

export type AlertCode = 'low_hit_rate' | 'high_memory' | 'redis_down';

/** An alert at the configured thresholds, the same in the info report and on the dashboard. */
export interface CacheAlert {
  code: AlertCode;
  severity: 'warning' | 'critical';
  /** Short title, e.g. "Cache not effective", "Possible leak", "Redis down — fallback active". */
  title: string;
  /** What it means, with the measured value. */
  message: string;
  /** What to do (the seed's troubleshooting hints). */
  hint: string;
  value: number | null;
  threshold: number | null;
}

export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && line[0] !== '#') out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/**
 * INFO of the server (summed over the masters that answer in Cluster mode); null while Redis is unavailable.
 * In Cluster mode one failed master (its replica not yet promoted) must not read as "Redis down": the sum covers
 * the masters that answered, and only when none does is it a failure.
 */
export async function readServerInfo(gate: RedisGate): Promise<RedisServerInfo | null> {
  if (!gate.up) return null;
  const infos = await gate.run(async (c) => {
    const settled = await Promise.allSettled(dataNodes(c).map(async (n) => parseInfo(await n.info())));
    const answered = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (answered.length === 0) throw settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason ?? new Error('no master');
    return answered;
  });
  if (infos === UNAVAILABLE) return null;
  return {
    version: infos[0]?.redis_version ?? null,
    usedMemory: infos.reduce((a, i) => a + Number(i.used_memory ?? 0), 0),
    maxmemory: infos.reduce((a, i) => a + Number(i.maxmemory ?? 0), 0),
    evictedKeys: infos.reduce((a, i) => a + Number(i.evicted_keys ?? 0), 0),
  };
}

/** Redis-style human bytes: "1.50M", "812.00K", "100B". */
export function humanBytes(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n}B` : `${v.toFixed(2)}${units[u]}`;
}

export interface AlertInput {
  backend: 'redis' | 'memory';
  hits: number;
  misses: number;
  hitRate: number;
  usedMemory: number | null;
  thresholds: AlertThresholds;
}

/** The alerts at the configured thresholds; the same list is shown on the dashboard. */
export function computeAlerts(a: AlertInput): CacheAlert[] {
  const out: CacheAlert[] = [];
  const requests = a.hits + a.misses;
  if (a.backend === 'memory') {
    out.push({
      code: 'redis_down',
      severity: 'critical',
      title: 'Redis down — fallback active',
      message: 'Redis is unreachable; values are served from and stored in process memory (not shared between instances).',
      hint: 'Check that redis-server runs and is reachable (redis-cli -h $REDIS_HOST -p $REDIS_PORT ping); the service returns to Redis by itself.',
      value: null,
      threshold: null,
    });
  }
  if (requests >= a.thresholds.hitRateMinRequests && requests > 0 && a.hitRate < a.thresholds.hitRateMinPercent) {
    out.push({
      code: 'low_hit_rate',
      severity: 'warning',
      title: 'Cache not effective',
      message: `Hit rate ${a.hitRate.toFixed(1)}% over ${requests} lookups is below ${a.thresholds.hitRateMinPercent}%.`,
      hint: 'Check that TTLs are not too low, warm up the cache, and look for frequent invalidations or retrains.',
      value: a.hitRate,
      threshold: a.thresholds.hitRateMinPercent,
    });
  }
  if (a.usedMemory !== null && a.usedMemory > a.thresholds.memoryMaxBytes) {
    out.push({
      code: 'high_memory',
      severity: 'warning',
      title: 'Possible leak',
      message: `Redis uses ${humanBytes(a.usedMemory)}, above ${humanBytes(a.thresholds.memoryMaxBytes)}.`,
      hint: 'Check `redis-cli info memory` and the key breakdown; make sure every key has a TTL; consider maxmemory with an eviction policy.',
      value: a.usedMemory,
      threshold: a.thresholds.memoryMaxBytes,
    });
  }
  return out;
}
