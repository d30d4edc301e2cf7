import { openedForecastingService } from '@/lib/forecasting';
import { refreshTuningGauges } from '@/lib/http/autotune';
import { refreshCacheGauges } from '@/lib/http/cache-gauges';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { apiRoute } from '@/lib/http/route';
import { appMetrics } from '@/lib/metrics/registry';

/**
 * `GET /api/metrics` — Prometheus text exposition. The cache gauges (fallback state, Redis memory, keys by
 * type) are sampled at scrape time from the cache's bookkeeping; counters and histograms are fed by its events.
 */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = apiRoute('/api/metrics', async () => {
  await refreshCacheGauges();
  refreshTuningGauges();
  const metrics = appMetrics();
  const service = openedForecastingService();
  if (service) {
    metrics.forecastInFlight.set(service.admission.stats().inFlight);
    metrics.forecastWorkers.set(service.forecastPool.size);
  }
  const { registry } = metrics;
  return new Response(await registry.metrics(), { headers: { 'Content-Type': registry.contentType } });
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
