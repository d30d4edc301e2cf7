import { appCacheSystem } from '@/lib/config/cache-system';
import { readEnv, type SmartWarmupMode } from '@/lib/config/env';
import { estimatedPredictionBytes, selectWithinBudget, usageWarmUpItems } from '@/lib/forecasting/usage-plan';
import { topPairs, type RankedPair } from '@/lib/forecasting/usage-ranking';
import { fixedWarmUpItems, type ProductWarmUp, type WarmableForecasting } from '@/lib/forecasting/warmup';
import { SmartScheduler, type SchedulerRun } from '@/lib/forecasting/smart-scheduler';
import { productVolumes } from '@/lib/forecasting/usage-ranking';
import type { PlannedPrewarmInfo, SmartWarmupInfo, UsageReport } from '@/lib/api-types';
import { z } from 'zod';
import { HOUR_MS, isLockTimeoutError, processSingleton, type CacheSystem } from '@/lib/redis-cache';
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

/** What the warm-up loads, per product (one job each): the fixed plan with CACHE_SMART_WARMUP=off, else the usage-based plan. */
export async function warmUpItems(
  forecasting: Pick<WarmableForecasting, 'listProductNames'>,
  system: CacheSystem = appCacheSystem(),
): Promise<ProductWarmUp[]> {
  const { mode, topK } = readEnv().smartWarmup;
  if (mode === 'off') return fixedWarmUpItems(forecasting);
  return usageWarmUpItems(forecasting, { ranking: await recentRanking(system, topK), topK, budgetBytes: await memoryBudget(system) });
}

// ── predictive warm-up ──────────────────────────────────────────────────────────────────────────────────────

/** Seconds between scheduler runs (a hot forecast is refreshed when a third of its TTL, at least two runs, is left). */
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
      forecastVolume: async (firstHour, series, horizon) => (await forecastingService()).forecastHourlyVolume(firstHour, series, horizon),
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
        if (run.outcome === 'ran') publishRun(run);
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

// ── reports ─────────────────────────────────────────────────────────────────────────────────────────────────

const RUN_RECORD = 'smart-warm-up:run';
/** A published run older than a few intervals is no plan any more. */
const RUN_RECORD_TTL_S = 4 * SCHEDULER_INTERVAL_S;

/** Best effort, not awaited: the instance that ran the scheduler shares its plan with the others' reports. */
function publishRun(run: SchedulerRun): void {
  void appCacheSystem().writeShared(RUN_RECORD, JSON.stringify(toPlanned(run)), RUN_RECORD_TTL_S);
}

function toPlanned(run: SchedulerRun): PlannedPrewarmInfo[] {
  return run.plan.map((p) => ({
    at: new Date(p.at).toISOString(),
    hour: new Date(p.hour).toISOString(),
    pairs: p.pairs.map((x) => ({ product: x.product, days: x.days, expected: Math.round(x.expected * 10) / 10 })),
  }));
}

const PlannedSchema = z.array(
  z.object({
    at: z.string(),
    hour: z.string(),
    pairs: z.array(z.object({ product: z.string(), days: z.number(), expected: z.number() })),
  }),
);

/** The scheduler's latest plan: this instance's own run, else the one another instance published. */
async function scheduledPrewarms(system: CacheSystem): Promise<PlannedPrewarmInfo[]> {
  const own = slot().scheduler?.lastRun;
  if (own?.outcome === 'ran') return toPlanned(own);
  try {
    const text = await system.readShared(RUN_RECORD);
    const parsed = text === undefined ? null : PlannedSchema.safeParse(JSON.parse(text));
    return parsed?.success ? parsed.data : [];
  } catch {
    return []; // unreadable: as if none was published
  }
}

/** `cache/info.smart_warmup`. Never throws (usage reads fall back to this process's counts). */
export async function smartWarmupInfo(system: CacheSystem = appCacheSystem()): Promise<SmartWarmupInfo> {
  const plan = await plannedWarmUp(system);
  const run = slot().scheduler?.lastRun ?? null;
  return {
    mode: plan.mode,
    top_k: plan.topK,
    basis: plan.basis,
    planned_pairs: plan.pairs,
    budget_bytes: plan.budgetBytes,
    estimated_bytes: plan.estimatedBytes,
    usage_dropped: system.usage.dropped,
    scheduler:
      plan.mode === 'predictive' && run !== null
        ? { last_run_at: new Date(run.at).toISOString(), outcome: run.outcome, prewarmed: run.prewarmed, refreshed: run.refreshed }
        : null,
  };
}

/** Rows of the heat map. */
const HEATMAP_PRODUCTS = 20;

/** `GET /api/ai/cache/usage`: the last `hours` hours of usage, the volume forecast (predictive mode) and the plan. */
export async function usageReport(hours: number, system: CacheSystem = appCacheSystem()): Promise<UsageReport> {
  const now = Date.now();
  const currentHour = now - (now % HOUR_MS);
  const { source, hours: buckets } = await system.usage.hours(currentHour - (hours - 1) * HOUR_MS, now);
  const volumes = [...productVolumes(buckets)]
    .map(([product, counts]) => ({ product, counts, total: counts.reduce((s, v) => s + v, 0) }))
    .sort((a, b) => b.total - a.total || (a.product < b.product ? -1 : 1));
  const actual = buckets.map((b) => b.counts.reduce((s, c) => s + c.count, 0));
  const plan = await plannedWarmUp(system);
  let predictedHours: string[] = [];
  let predicted: number[] = [];
  let scheduled: PlannedPrewarmInfo[] = [];
  // Fitting is the scheduler's work: only in predictive mode (once per hour and instance, then reused).
  if (plan.mode === 'predictive') {
    const forecasts = await smartScheduler().forecastAt(now);
    const horizon = Math.max(0, ...forecasts.map((f) => f.predicted.length));
    predicted = Array.from({ length: horizon }, (_, i) => Math.round(forecasts.reduce((s, f) => s + (f.predicted[i] ?? 0), 0) * 10) / 10);
    predictedHours = predicted.map((_, i) => new Date(currentHour + i * HOUR_MS).toISOString());
    scheduled = await scheduledPrewarms(system);
  }
  return {
    mode: plan.mode,
    source,
    hours: buckets.map((b) => new Date(b.hour).toISOString()),
    heatmap: volumes.slice(0, HEATMAP_PRODUCTS).map(({ product, counts }) => ({ product, counts })),
    volume: { actual, predicted_hours: predictedHours, predicted },
    planned_warm_up: { basis: plan.basis, top_k: plan.topK, pairs: plan.pairs, scheduled },
    generated_at: new Date(now).toISOString(),
  };
}
