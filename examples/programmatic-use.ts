/**
 * The cache library used from code, as the README's "Programmatic use" shows it (a test runs this file against a
 * private Redis, so the README's example cannot drift from the API).
 *
 *   npx tsx examples/programmatic-use.ts        (REDIS_URL, default redis://127.0.0.1:6379)
 */
import { cached, cachedModel, cachedPrediction, configureCacheSystem, getCacheInfo, getCacheSystem, healthCheck } from '@/lib/redis-cache';

export async function programmaticUse(redisUrl: string): Promise<Record<string, unknown>> {
  // 1. Configure the process-wide cache system once (the service does this from its environment).
  const url = new URL(redisUrl);
  configureCacheSystem({ prefix: 'example', redis: { host: url.hostname, port: Number(url.port || 6379) } });
  const system = getCacheSystem();

  // 2. The seed's ModelCache: models (6 h), predictions (5 min, keyed by days and parameters), invalidation.
  await system.models.setModel('Pão de Açúcar', { weights: [0.4, 0.6] });
  const model = await system.models.getModel<{ weights: number[] }>('Pão de Açúcar');
  await system.models.setPrediction('Pão de Açúcar', 7, [120, 118, 131, 140, 152, 149, 135]);
  const prediction = await system.models.getPrediction<number[]>('Pão de Açúcar', 7);

  // 3. The decorators as wrappers: the first call computes, the next ones are cache hits.
  let trainings = 0;
  const loadModel = cachedModel(async (product: string) => ({ product, trained: ++trainings }));
  const predictDemand = cachedPrediction(async (product: string, days: number) => ({ product, days, units: days * 10 }));
  const listProducts = cached(async () => ['Bolo', 'Pão de Açúcar'], { type: 'products', name: 'example:listProducts' });
  await loadModel('Bolo');
  const again = await loadModel.detailed('Bolo'); // { value, cached: true, tier: 'l1' }
  await predictDemand('Bolo', 30);
  await listProducts();

  // 4. Invalidation after retraining a product: its model and every forecast, on every instance.
  const removed = await system.models.invalidateModel('Pão de Açúcar');

  // 5. Monitoring: the numbers behind /api/ai/cache/info and /api/ai/health.
  const info = await getCacheInfo();
  const health = await healthCheck();
  await system.close();
  return { model, prediction, trainings, cachedAgain: again.cached, removed, hitRate: info.hitRate, redisAvailable: health.redisAvailable };
}

if (process.argv[1]?.endsWith('programmatic-use.ts')) {
  programmaticUse(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').then(
    (result) => console.log(result),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
