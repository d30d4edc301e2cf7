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
    const sample = await Promise.race([
      system.gaugeSample(),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      }),
    ]);
    if (sample === null) return;
    setCacheGauges({
      backend: sample.backend,
      redisConnected: sample.backend === 'redis',
      usedMemoryBytes: sample.backend === 'redis' ? sample.used_memory : null,
      keys: sample.cache_breakdown,
    });
  } catch (error) {
    httpLogger().warn({ err: { message: errorMessage(error) } }, 'metrics: cache sample failed');
  } finally {
    clearTimeout(timer);
  }
}
