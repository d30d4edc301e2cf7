/**
 * Closed-loop load generator: `concurrency` async workers walk one shared request sequence for a fixed time.
 * Every contender walks the same sequence from the same offset, so all see the same inputs (a faster one
 * simply gets further). Latency is taken around each call; every returned value is checked against its key.
 * Two sequences: the read-heavy Zipf `Workload` (hot keys prefilled, the rest never seen) and the
 * `MissHeavyWorkload` (mostly never-seen keys, some repeats of recent ones).
 */
import { performance } from 'node:perf_hooks';
import { percentiles } from './stats';
import { valueEqualsFactory, valueMatchesKey, type MissHeavyWorkload, type Workload } from './workload';

export interface LoopResult {
  ops: number;
  elapsedMs: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Requests whose key was never seen before (should be ≈ 1 − expected hit ratio, or the miss-heavy new share). */
  missRequests: number;
  /** Values that did not belong to their key (must be 0). */
  mismatches: number;
  errors: number;
  /** CPU time of this process (user + system) per request, µs — less sensitive to a busy machine than wall time. */
  cpuUsPerOp: number;
}

const LAT_CAPACITY = 1 << 23; // 8 M samples (64 MiB), allocated once
let latencies: Float64Array | null = null;

export interface LoopOptions {
  workload: Workload | MissHeavyWorkload;
  /** Names of the read-heavy workload's prefilled ranks (unused by the miss-heavy one). */
  hotKeyNames: readonly string[];
  concurrency: number;
  durationMs: number;
  /** Prefix that makes this run's never-seen keys unique (contender, round, concurrency). */
  missPrefix: string;
  /** Full deep-equality check against the factory every `deepCheckEvery` requests (power of two). */
  deepCheckEvery?: number;
  /** First request index of the sequence this run walks (default 0): an untimed lead-in can walk the ones before. */
  startIndex?: number;
  /** Stop after this many requests even before `durationMs` (default: no limit). */
  maxRequests?: number;
  /** Cheap check of every value and full check of a sample (default: the 30-day forecast's). */
  matches?: (key: string, value: unknown) => boolean;
  equals?: (key: string, value: unknown) => boolean;
}

export async function runLoop(get: (key: string) => Promise<unknown>, o: LoopOptions): Promise<LoopResult> {
  latencies ??= new Float64Array(LAT_CAPACITY);
  const lat = latencies;
  const source = 'source' in o.workload ? o.workload.source : null;
  const ranks = 'ranks' in o.workload ? o.workload.ranks : new Int32Array(1);
  const hotKeys = 'hotKeys' in o.workload ? o.workload.hotKeys : 0;
  const matches = o.matches ?? valueMatchesKey;
  const equals = o.equals ?? valueEqualsFactory;
  const mask = (o.deepCheckEvery ?? 1024) - 1;
  const first = o.startIndex ?? 0;
  const end = first + Math.min(LAT_CAPACITY, o.maxRequests ?? LAT_CAPACITY);
  let next = first;
  let missRequests = 0;
  let mismatches = 0;
  let errors = 0;
  let latSum = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + o.durationMs;

  const worker = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= deadline) return;
      if (next >= end) return;
      const i = next++;
      const n = i - first;
      let key: string;
      if (source !== null) {
        // Miss-heavy: see missHeavyKeyIndex (inlined).
        const j = i % source.length;
        const s = source[j];
        key = o.missPrefix + (i - j + s);
        if (s === j) missRequests++;
      } else {
        const rank = ranks[i % ranks.length];
        if (rank < hotKeys) key = o.hotKeyNames[rank];
        else {
          key = o.missPrefix + i;
          missRequests++;
        }
      }
      let value: unknown;
      try {
        value = await get(key);
      } catch {
        errors++;
        lat[n] = performance.now() - t0;
        continue;
      }
      const dt = performance.now() - t0;
      lat[n] = dt;
      latSum += dt;
      if (!matches(key, value) || ((i & mask) === 0 && !equals(key, value))) mismatches++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const ops = next - first;
  const [p50Ms, p99Ms] = percentiles(lat, ops, [50, 99]);
  return {
    ops,
    elapsedMs,
    opsPerSec: (ops / elapsedMs) * 1000,
    p50Ms,
    p99Ms,
    meanMs: latSum / Math.max(1, ops - errors),
    missRequests,
    mismatches,
    errors,
    cpuUsPerOp: (cpu.user + cpu.system) / Math.max(1, ops),
  };
}
