/**
 * Closed-loop load generator: `concurrency` async workers walk one shared request sequence for a fixed time.
 * Every contender walks the same sequence from the same offset, so all see the same inputs (a faster one
 * simply gets further). Latency is taken around each call; every returned value is checked against its key.
 */
import { performance } from 'node:perf_hooks';
import { percentiles } from './stats';
import { valueEqualsFactory, valueMatchesKey, type BenchForecast, type Workload } from './workload';

export interface LoopResult {
  ops: number;
  elapsedMs: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Requests whose key was never seen before (should be ≈ 1 − expected hit ratio). */
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
  workload: Workload;
  hotKeyNames: readonly string[];
  concurrency: number;
  durationMs: number;
  /** Prefix that makes this run's never-seen keys unique (contender, round, concurrency). */
  missPrefix: string;
  /** Full deep-equality check against the factory every `deepCheckEvery` requests (power of two). */
  deepCheckEvery?: number;
}

export async function runLoop(get: (key: string) => Promise<BenchForecast>, o: LoopOptions): Promise<LoopResult> {
  latencies ??= new Float64Array(LAT_CAPACITY);
  const lat = latencies;
  const { ranks, hotKeys } = o.workload;
  const mask = (o.deepCheckEvery ?? 1024) - 1;
  let next = 0;
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
      const i = next++;
      if (i >= LAT_CAPACITY) return;
      const rank = ranks[i % ranks.length];
      let key: string;
      if (rank < hotKeys) key = o.hotKeyNames[rank];
      else {
        key = o.missPrefix + i;
        missRequests++;
      }
      let value: BenchForecast;
      try {
        value = await get(key);
      } catch {
        errors++;
        lat[i] = performance.now() - t0;
        continue;
      }
      const dt = performance.now() - t0;
      lat[i] = dt;
      latSum += dt;
      if (!valueMatchesKey(key, value) || ((i & mask) === 0 && !valueEqualsFactory(key, value))) mismatches++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const ops = Math.min(next, LAT_CAPACITY);
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
