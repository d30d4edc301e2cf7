import type { WarmUpTask } from '@/lib/redis-cache/warmup';
import type { RankedPair } from './usage-ranking';
import { fixedWarmUpItems, warmUpPlan, type ProductWarmUp, type WarmableForecasting } from './warmup';

/**
 * Bytes a cached forecast of `days` days takes in Redis, estimated: one point (date, value, interval bounds as
 * JSON) is about 110 bytes, plus the key, the envelope and Redis' per-key overhead. Good enough to size a plan;
 * not a measurement.
 */
export function estimatedPredictionBytes(days: number): number {
  return 400 + 110 * days;
}

/**
 * The pairs a usage-based warm-up loads: the ranking's head, at most `topK` pairs and no more than `budgetBytes`
 * of estimated forecasts (a pair that does not fit is skipped and smaller ones after it may still fit).
 */
export function selectWithinBudget(ranking: readonly RankedPair[], topK: number, budgetBytes: number): RankedPair[] {
  const chosen: RankedPair[] = [];
  let used = 0;
  for (const pair of ranking) {
    if (chosen.length >= topK) break;
    const size = estimatedPredictionBytes(pair.days);
    if (used + size > budgetBytes) continue;
    used += size;
    chosen.push(pair);
  }
  return chosen;
}

export interface UsagePlanInput {
  /** The most requested pairs of the recent window, most requested first (empty: no usage recorded yet). */
  ranking: readonly RankedPair[];
  topK: number;
  /** Memory the planned forecasts may take (estimated). */
  budgetBytes: number;
}

/**
 * The usage-based warm-up plan, in the same three groups as the fixed plan: the models of the chosen pairs'
 * products, then the chosen forecasts (most requested first), then the product list. With no usage yet the fixed
 * plan (every product × the default horizons) is the better guess, and it is what runs.
 * Products deleted since they were asked are left out (their tasks would fail).
 */
export async function usageWarmUpPlan(forecasting: WarmableForecasting, input: UsagePlanInput): Promise<WarmUpTask[][]> {
  // Only products that still exist: a pair of a product deleted since it was asked would fail its task.
  const known = new Set(await forecasting.listProductNames());
  const ranking = input.ranking.filter((p) => known.has(p.product));
  if (ranking.length === 0) return warmUpPlan(forecasting);
  // An exhausted budget plans no forecast at all (not the fixed plan, which would take more memory still).
  const pairs = selectWithinBudget(ranking, input.topK, input.budgetBytes);
  const products = [...new Set(pairs.map((p) => p.product))];
  const models = products.map((product) => ({ name: `model:${product}`, run: () => forecasting.loadModel(product) }));
  const predictions = pairs.map(({ product, days }) => ({
    name: `prediction:${product}:${days}d`,
    run: () => forecasting.predictDemand(product, days),
  }));
  const list = [{ name: 'products', run: () => forecasting.refreshProductList() }];
  return [models, predictions, list];
}

/**
 * The usage-based plan as jobs (one per product): the chosen pairs grouped by product, products in the order of
 * their most requested pair, each with its chosen horizons. Same choices as {@link usageWarmUpPlan}: no usage of
 * a product that still exists → the fixed plan; an exhausted budget → nothing.
 */
export async function usageWarmUpItems(forecasting: Pick<WarmableForecasting, 'listProductNames'>, input: UsagePlanInput): Promise<ProductWarmUp[]> {
  const known = new Set(await forecasting.listProductNames());
  const ranking = input.ranking.filter((p) => known.has(p.product));
  if (ranking.length === 0) return fixedWarmUpItems(forecasting);
  const byProduct = new Map<string, number[]>();
  for (const { product, days } of selectWithinBudget(ranking, input.topK, input.budgetBytes)) {
    const horizons = byProduct.get(product) ?? [];
    horizons.push(days);
    byProduct.set(product, horizons);
  }
  return [...byProduct].map(([product, horizons]) => ({ product, horizons }));
}
