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

/** One product's share of a warm-up, run as one `warm-product` job: its model, then its forecasts for these horizons. */
export interface ProductWarmUp {
  product: string;
  horizons: number[];
}

/** The fixed plan as jobs: every product, with every default horizon. */
export async function fixedWarmUpItems(
  forecasting: Pick<WarmableForecasting, 'listProductNames'>,
  horizons: readonly number[] = WARMUP_HORIZONS,
): Promise<ProductWarmUp[]> {
  return (await forecasting.listProductNames()).map((product) => ({ product, horizons: [...horizons] }));
}

/** A job of a warm-up: train a product's first model, or warm a product (its model, then its forecasts). */
export type WarmUpJobRequest = { kind: 'train'; product: string } | { kind: 'warm-product'; product: string; horizons: number[] };

/**
 * A warm-up run as jobs, handed to `runJob` (which enqueues them, so whichever instance's worker is free does
 * each), in three groups:
 * 1. a `train` job per product of the plan that has no model yet (`untrained`);
 * 2. a `warm-product` job per product: its model, then its forecasts for the item's horizons — skipped (done, not
 *    run) for a product whose training just failed, so a product with too little history fails once, not twice;
 * 3. the product list, last, so it shows the model versions just loaded.
 * Trainings come first so the fits — the expensive part — keep every worker busy before the short forecast jobs,
 * and each forecast job finds its product's model already in Redis.
 */
export function warmUpJobPlan(
  items: readonly ProductWarmUp[],
  untrained: ReadonlySet<string>,
  runJob: (job: WarmUpJobRequest) => Promise<unknown>,
  refreshProductList: () => Promise<unknown>,
): WarmUpTask[][] {
  const failedTraining = new Set<string>();
  const trainings = items
    .filter((item) => untrained.has(item.product))
    .map(({ product }) => ({
      name: `train:${product}`,
      run: async () => {
        try {
          return await runJob({ kind: 'train', product });
        } catch (error) {
          failedTraining.add(product);
          throw error;
        }
      },
    }));
  const products = items.map(({ product, horizons }) => ({
    name: `product:${product}`,
    run: async () => (failedTraining.has(product) ? null : runJob({ kind: 'warm-product', product, horizons })),
  }));
  return [trainings, products, [{ name: 'products', run: refreshProductList }]];
}
