import { bindCacheMetrics, setCacheGauges } from '@/lib/metrics/cache-events';
import { getCacheSystem } from '@/lib/redis-cache';
import { errorMessage, httpLogger } from './log';

/**
 * Makes sure the process' cache system feeds the metrics, then samples its gauges. A scrape must answer even when
 * Redis hangs: the sample is bounded, and on failure the gauges keep their event-driven values.
 */
export async function refreshCacheGauges(timeoutMs = 1_000): Promise<void> {
  const system = getCacheSystem();
  bindCacheMetrics(system.events);
  let timer: NodeJS.Timeout | undefined;
  try {
    const info = await Promise.race([
      system.getCacheInfo(),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      }),
    ]);
    if (info === null) return;
    setCacheGauges({
      backend: info.backend,
      redisConnected: info.redis.connected,
      usedMemoryBytes: info.backend === 'redis' ? info.used_memory : null,
      keys: {
        models: info.cache_breakdown.models,
        predictions: info.cache_breakdown.predictions,
        products: info.cache_breakdown.products,
        other: info.cache_breakdown.other,
      },
    });
  } catch (error) {
    httpLogger().warn({ err: { message: errorMessage(error) } }, 'metrics: cache sample failed');
  } finally {
    clearTimeout(timer);
  }
}
