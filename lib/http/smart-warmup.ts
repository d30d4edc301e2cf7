import { appCacheSystem } from '@/lib/config/cache-system';
import { readEnv, type SmartWarmupMode } from '@/lib/config/env';
import { estimatedPredictionBytes, selectWithinBudget, usageWarmUpPlan } from '@/lib/forecasting/usage-plan';
import { topPairs, type RankedPair } from '@/lib/forecasting/usage-ranking';
import { warmUpPlan, type WarmableForecasting } from '@/lib/forecasting/warmup';
import { SmartScheduler } from '@/lib/forecasting/smart-scheduler';
import { HOUR_MS, isLockTimeoutError, processSingleton, type CacheSystem, type WarmUpTask } from '@/lib/redis-cache';
import { forecastingService } from './forecasting-access';
import { httpLogger } from './log';

/** How far back "recent use" reaches for the usage-based plan. */
export const USAGE_WINDOW_HOURS = 24;

/** What the next warm-up will load, and why. */
export interface PlannedWarmUp {
  mode: SmartWarmupMode;
  /** `fixed`: every product × 7 and 30 days (mode off, or no usage recorded yet); `usage`: the top pairs. */
  basis: 'fixed' | 'usage';
  topK: number;
  budgetBytes: number;
  /** The pairs a usage-based warm-up loads, most requested first (empty with the fixed basis). */
  pairs: RankedPair[];
  estimatedBytes: number;
}

/**
 * The memory the planned forecasts may take: the headroom under the memory alert's threshold
 * (`CACHE_ALERT_MEMORY_MAX_BYTES` − Redis `used_memory`), half of it — the rest stays for what requests cache
 * themselves. With `used_memory` unknown (Redis down) half the threshold.
 */
async function memoryBudget(system: CacheSystem): Promise<number> {
  const limit = system.options.alerts.memoryMaxBytes;
  const used = (await system.gaugeSample().catch(() => null))?.usedMemory ?? 0;
  return Math.max(0, Math.floor((limit - used) / 2));
}

/** The ranking over the recent window (shared by every instance through Redis; this process's own while it is down). */
async function recentRanking(system: CacheSystem, k: number, now = Date.now()): Promise<RankedPair[]> {
  const { hours } = await system.usage.hours(now - (USAGE_WINDOW_HOURS - 1) * HOUR_MS, now);
  return topPairs(hours, k);
}

/** The plan the next warm-up follows (CACHE_SMART_WARMUP, CACHE_WARMUP_TOP_K, the memory budget). */
export async function plannedWarmUp(system: CacheSystem = appCacheSystem()): Promise<PlannedWarmUp> {
  const { mode, topK } = readEnv().smartWarmup;
  const budgetBytes = await memoryBudget(system);
  const ranking = mode === 'off' ? [] : await recentRanking(system, topK);
  if (ranking.length === 0) return { mode, basis: 'fixed', topK, budgetBytes, pairs: [], estimatedBytes: 0 };
  const pairs = selectWithinBudget(ranking, topK, budgetBytes);
  return { mode, basis: 'usage', topK, budgetBytes, pairs, estimatedBytes: pairs.reduce((sum, p) => sum + estimatedPredictionBytes(p.days), 0) };
}

/** The warm-up's task list: the fixed plan with CACHE_SMART_WARMUP=off, else the usage-based plan. */
export async function warmUpTasks(forecasting: WarmableForecasting, system: CacheSystem = appCacheSystem()): Promise<WarmUpTask[][]> {
  const { mode, topK } = readEnv().smartWarmup;
  if (mode === 'off') return warmUpPlan(forecasting);
  return usageWarmUpPlan(forecasting, { ranking: await recentRanking(system, topK), topK, budgetBytes: await memoryBudget(system) });
}

// ── predictive warm-up ──────────────────────────────────────────────────────────────────────────────────────

/** Seconds between scheduler runs (a hot forecast is refreshed when it has less than two runs left). */
export const SCHEDULER_INTERVAL_S = 30;
const SCHEDULER_LOCK = 'smart-warm-up';
/** Renewed by the lock's watchdog while a run lasts; frees itself if the holder dies. */
const SCHEDULER_LOCK_TTL_MS = 60_000;

interface SchedulerSlot {
  scheduler: SmartScheduler | null;
  timer: NodeJS.Timeout | null;
}

const slot = (): SchedulerSlot => processSingleton<SchedulerSlot>('smart-scheduler', () => ({ scheduler: null, timer: null }));

/** The process's predictive scheduler over the process-wide cache and forecasting service (created on first use). */
export function smartScheduler(): SmartScheduler {
  const s = slot();
  s.scheduler ??= new SmartScheduler(
    {
      usageHours: async (from, to) => (await appCacheSystem().usage.hours(from, to)).hours,
      exclusive: async (fn) => {
        try {
          return await appCacheSystem().lock(SCHEDULER_LOCK, SCHEDULER_LOCK_TTL_MS, fn, { waitMs: 0 });
        } catch (error) {
          if (isLockTimeoutError(error)) return undefined;
          throw error;
        }
      },
      predictionTtl: async (product, days) => (await forecastingService()).predictionTtl(product, days),
      warm: async (product, days) => void (await (await forecastingService()).predictDemand(product, days)),
      refresh: async (product, days) => (await forecastingService()).refreshPrediction(product, days),
      now: () => Date.now(),
    },
    { topK: readEnv().smartWarmup.topK, predictionTtlS: appCacheSystem().options.ttl.predictions, intervalS: SCHEDULER_INTERVAL_S },
  );
  return s.scheduler;
}

/**
 * With CACHE_SMART_WARMUP=predictive: runs the scheduler every {@link SCHEDULER_INTERVAL_S} seconds (one instance
 * at a time through its lock; the others' runs report `elsewhere`). Idempotent; the timer never keeps the process up.
 */
export function startSmartScheduler(): void {
  const s = slot();
  if (s.timer) return;
  s.timer = setInterval(() => {
    void smartScheduler()
      .run()
      .then((run) => {
        if (run.outcome === 'failed') httpLogger().warn({ err: { message: run.error } }, 'predictive warm-up run failed');
        else if (run.prewarmed.length || run.refreshed.length)
          httpLogger().info({ prewarmed: run.prewarmed, refreshed: run.refreshed }, 'predictive warm-up: forecasts loaded ahead of demand');
      });
  }, SCHEDULER_INTERVAL_S * 1000);
  s.timer.unref();
}

/** Stops the timer (shutdown, tests). */
export function stopSmartScheduler(): void {
  const s = slot();
  if (s.timer) clearInterval(s.timer);
  s.timer = null;
}
