/**
 * What the cache measured since the previous evaluation: the advisor's signals and the autoscaler's inputs.
 *
 * - Lookups and hits are the fleet's (every instance's shared 10 s buckets in Redis, `recentLookups`; this
 *   process's own while Redis is away): the hit rate and the load are properties of the service, not of one
 *   instance.
 * - L1 occupancy, evictions and where this instance's hits came from are this instance's (its L1 is its own):
 *   running totals, turned into the window's figures by subtracting the previous snapshot.
 * - Redis memory is `used_memory` as sampled now (null while Redis is unavailable).
 * - Compute time per miss is this instance's computations of the window; a window without any falls back to the
 *   process's average so far (0 before the first).
 */
import type { CacheSystem } from '@/lib/redis-cache';
import type { TuningSignals } from './advisor';
import type { DesiredInstancesInputs } from './desired-instances';

/** The parts of the cache system a measurement reads. */
export type MeasuredSystem = Pick<CacheSystem, 'recentLookups' | 'localCounters' | 'localTierStats' | 'gaugeSample' | 'tuning' | 'options'>;

interface Snapshot {
  at: number;
  evictions: number;
  l1Hits: number;
  l2Hits: number;
  computedCount: number;
  computedMs: number;
}

export interface MeasuredWindow {
  startedAt: number;
  endedAt: number;
  seconds: number;
  signals: TuningSignals;
  /** Misses of the window, every instance. */
  misses: number;
  /** This instance's computations in the window (count, summed ms). */
  computed: { count: number; totalMs: number };
  /** The desired-instances inputs, without the target (the caller's setting). */
  load: Omit<DesiredInstancesInputs, 'targetUtilization'>;
}

/** Redis `used_memory` unknown: the sample failed or Redis is not the backend. */
async function usedMemory(system: MeasuredSystem): Promise<number | null> {
  try {
    const sample = await system.gaugeSample();
    return sample.backend === 'redis' ? sample.usedMemory : null;
  } catch {
    return null;
  }
}

export class WindowMeter {
  private last: Snapshot;

  constructor(
    private readonly system: MeasuredSystem,
    now: number,
  ) {
    this.last = this.snapshot(now);
  }

  private snapshot(at: number): Snapshot {
    const counters = this.system.localCounters();
    return {
      at,
      evictions: this.system.localTierStats().evictions,
      l1Hits: counters.l1Hits,
      l2Hits: counters.l2Hits,
      computedCount: counters.computed.count,
      computedMs: counters.computed.totalMs,
    };
  }

  /** The window from the previous measurement (or the meter's creation) to `now`; the next one starts here. */
  async measure(now: number): Promise<MeasuredWindow> {
    const previous = this.last;
    const current = this.snapshot(now);
    this.last = current;
    // At least one 10 s bucket: two evaluations in quick succession (a test, a manual call) still read something.
    const windowMs = Math.max(10_000, now - previous.at);
    const [fleet, memory] = await Promise.all([this.system.recentLookups(windowMs), usedMemory(this.system)]);
    const tier = this.system.localTierStats();
    const { alerts } = this.system.options;
    const lookups = fleet.hits + fleet.misses;
    const computed = { count: current.computedCount - previous.computedCount, totalMs: current.computedMs - previous.computedMs };
    const seconds = windowMs / 1000;
    const computeSecondsPerMiss =
      computed.count > 0
        ? computed.totalMs / computed.count / 1000
        : current.computedCount > 0
          ? current.computedMs / current.computedCount / 1000
          : 0;
    return {
      startedAt: now - windowMs,
      endedAt: now,
      seconds,
      misses: fleet.misses,
      computed,
      signals: {
        lookups,
        hits: fleet.hits,
        hitRateMinPercent: alerts.hitRateMinPercent,
        minLookups: alerts.hitRateMinRequests,
        l1: {
          entries: tier.entries,
          maxEntries: tier.maxEntries,
          bytes: tier.bytes,
          maxBytes: tier.maxBytes,
          evictions: current.evictions - previous.evictions,
          l1Hits: current.l1Hits - previous.l1Hits,
          l2Hits: current.l2Hits - previous.l2Hits,
        },
        memory: { usedBytes: memory, budgetBytes: alerts.memoryMaxBytes },
        predictionTtlSeconds: this.system.tuning.predictionTtlSeconds,
      },
      load: { lookupsPerSecond: lookups / seconds, missRatio: lookups > 0 ? fleet.misses / lookups : 0, computeSecondsPerMiss },
    };
  }
}
