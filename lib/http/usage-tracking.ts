import { appCacheSystem } from '@/lib/config/cache-system';

/**
 * Counts one answered forecast request for the usage-based warm-up (in memory; flushed to Redis in batches, so a
 * request never waits on it). Only requests from callers count: a warm-up's own lookups would feed back into the
 * ranking that chose them.
 */
export function recordForecastRequest(product: string, days: number): void {
  appCacheSystem().usage.record(product, days);
}
