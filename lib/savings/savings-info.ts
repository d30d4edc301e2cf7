/**
 * The cache library's savings (compute time, trainings and forecasts avoided — counted by lib/redis-cache) priced
 * with the operator's cost of compute and mapped to the API's JSON. Money exists only here and in the dashboard:
 * the library counts, the application prices.
 */
import type { SavedFiguresInfo, SavingsInfo } from '@/lib/api-types';
import type { SavedFigures, SavingsReport } from '@/lib/redis-cache';

/** CACHE_COST_PER_CPU_SECOND and CACHE_COST_CURRENCY. */
export interface ComputePricing {
  costPerCpuSecond: number;
  /** ISO 4217 code. */
  currency: string;
}

/** Seconds with millisecond precision (the counters' own). */
export function cpuSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/**
 * What `cpuMs` of compute costs: the reported seconds ({@link cpuSeconds}) × price, so the two figures shown side by
 * side agree; rounded to 1e-9 (money far below any currency's unit is noise).
 */
export function costOf(cpuMs: number, pricing: ComputePricing): number {
  return Math.round(cpuSeconds(cpuMs) * pricing.costPerCpuSecond * 1e9) / 1e9;
}

export function priceFigures(f: SavedFigures, pricing: ComputePricing): SavedFiguresInfo {
  return {
    cpu_seconds_saved: cpuSeconds(f.cpuMs),
    cost_saved: costOf(f.cpuMs, pricing),
    trainings_avoided: f.trainings,
    forecasts_served_from_cache: f.forecasts,
  };
}

export function toSavingsInfo(report: SavingsReport, pricing: ComputePricing): SavingsInfo {
  return {
    source: report.source,
    currency: pricing.currency,
    cost_per_cpu_second: pricing.costPerCpuSecond,
    ...priceFigures(report.totals, pricing),
    top_products: report.top.map((p) => ({ product: p.product, ...priceFigures(p, pricing) })),
    others: priceFigures(report.others, pricing),
  };
}
