import type { SavedFigures } from '@/lib/redis-cache';
import { processSingleton } from '@/lib/redis-cache';
import type { ComputePricing } from '@/lib/savings/savings-info';
import { appMetrics } from './registry';

/**
 * The business counters (`ai_cache_cpu_seconds_saved_total`, `ai_cache_cost_saved_total{currency}`,
 * `ai_cache_trainings_avoided_total`, `ai_cache_forecasts_served_from_cache_total`), advanced at scrape time from
 * the cache system's own running totals for this process — per process like every counter here (sum across
 * instances in PromQL). Only what is new since the last scrape is added, so the hit path publishes nothing.
 */
export function advanceSavingsCounters(totals: SavedFigures, pricing: ComputePricing): void {
  const metrics = appMetrics();
  const last = processSingleton('metrics-savings-seen', (): SavedFigures => ({ cpuMs: 0, forecasts: 0, trainings: 0 }));
  // A smaller total means another system (a reconfigured one): all of its figures are new.
  const delta = (now: number, seen: number) => (now >= seen ? now - seen : now);
  const cpuMs = delta(totals.cpuMs, last.cpuMs);
  const forecasts = delta(totals.forecasts, last.forecasts);
  const trainings = delta(totals.trainings, last.trainings);
  Object.assign(last, totals);
  // Always touched, so every series is exported from the first scrape on (0 before any hit).
  metrics.cpuSecondsSaved.inc(cpuMs / 1000);
  metrics.costSaved.inc({ currency: pricing.currency }, (cpuMs / 1000) * pricing.costPerCpuSecond);
  metrics.trainingsAvoided.inc(trainings);
  metrics.forecastsFromCache.inc(forecasts);
}
