import type { WarmUpTask } from '@/lib/redis-cache/warmup';

/** The forecast horizons asked most (the dashboard's and the seed's defaults), loaded into the cache by a warm-up. */
export const WARMUP_HORIZONS = [7, 30] as const;

/** What a warm-up needs from the forecasting service: the same cached calls the API makes. */
export interface WarmableForecasting {
  listProductNames(): Promise<string[]>;
  loadModel(product: string): Promise<unknown>;
  predictDemand(product: string, days: number): Promise<unknown>;
  /** Re-reads the product list into the cache (its model versions changed while the models were loaded). */
  refreshProductList(): Promise<unknown>;
}

/**
 * The warm-up plan, in three groups run one after the other:
 * 1. every product's model (loading trains the products that have none yet),
 * 2. the predictions for each default horizon of every product — after the models, so they reuse them,
 * 3. the product list, last, so it shows the model versions just loaded.
 * Every task goes through the same cached functions as the API, so what it loads is exactly what requests hit.
 */
export async function warmUpPlan(forecasting: WarmableForecasting, horizons: readonly number[] = WARMUP_HORIZONS): Promise<WarmUpTask[][]> {
  const products = await forecasting.listProductNames();
  const models = products.map((product) => ({ name: `model:${product}`, run: () => forecasting.loadModel(product) }));
  const predictions = products.flatMap((product) =>
    horizons.map((days) => ({ name: `prediction:${product}:${days}d`, run: () => forecasting.predictDemand(product, days) })),
  );
  const list = [{ name: 'products', run: () => forecasting.refreshProductList() }];
  return [models, predictions, list];
}
