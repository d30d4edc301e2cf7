import { warmUpPlan } from '@/lib/forecasting/warmup';
import { bindCacheMetrics } from '@/lib/metrics/cache-events';
import { getCacheSystem } from '@/lib/redis-cache';
import { warmableForecasting } from './forecasting-access';
import { httpLogger } from './log';
import { startWarmUp } from './warm-up-job';

/**
 * Server start: connect the cache's events to the metrics (so the first requests are counted), and with
 * `CACHE_AUTO_WARMUP=true` start one warm-up without waiting for it. Never throws: a bad start-up step is logged
 * and the server still serves.
 */
export function onServerStart(): void {
  try {
    const system = getCacheSystem();
    bindCacheMetrics(system.events);
    if (system.config.autoWarmup) {
      startWarmUp('startup', () => warmUpPlan(warmableForecasting()));
    }
  } catch (error) {
    httpLogger().error({ err: { message: error instanceof Error ? error.message : String(error) } }, 'server start hook failed');
  }
}
