import { appCacheSystem } from '@/lib/config/cache-system';
import { readEnv } from '@/lib/config/env';
import { bindCacheMetrics, setAlertThresholdGauges, setCacheGauges } from '@/lib/metrics/cache-events';
import { advanceCompressionCounters } from '@/lib/metrics/compression-counters';
import { advanceSavingsCounters } from '@/lib/metrics/savings-counters';
import { withTimeout } from '@/lib/redis-cache';
import { errorMessage, httpLogger } from './log';

/**
 * Makes sure the process' cache system feeds the metrics, then samples its gauges. A scrape must answer even when
 * Redis hangs: the sample is bounded, and on failure the gauges keep their event-driven values.
 */
export async function refreshCacheGauges(timeoutMs = 1_000): Promise<void> {
  const system = appCacheSystem();
  bindCacheMetrics(system.events);
  setAlertThresholdGauges(system.options.alerts);
  advanceSavingsCounters(system.localSavings(), readEnv().savings);
  advanceCompressionCounters(system.compression.stats());
  try {
    const sample = await withTimeout(system.gaugeSample(), timeoutMs, 'cache sample timed out');
    setCacheGauges({
      backend: sample.backend,
      usedMemoryBytes: sample.backend === 'redis' ? sample.usedMemory : null,
      keys: sample.keys,
      l1Evictions: sample.l1Evictions,
      breaker: sample.breaker,
    });
  } catch (error) {
    httpLogger().warn({ err: { message: errorMessage(error) } }, 'metrics: cache sample failed');
  }
}
