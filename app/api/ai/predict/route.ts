import type { PredictionResponse } from '@/lib/api-types';
import { readEnv } from '@/lib/config/env';
import { withForecastClient } from '@/lib/forecasting';
import { callerAddress } from '@/lib/http/caller';
import { forecastingService } from '@/lib/http/forecasting-access';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { apiRoute } from '@/lib/http/route';
import { recordForecastRequest } from '@/lib/http/usage-tracking';
import { cacheHeaders, forecastingCall, parseForecastDays, parseProductName, staleAgeSeconds } from '../_forecasting/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * `?product=…&days=1..365` → the forecast (cached per model version, CACHE_PREDICTION_TTL), `X-Cache: HIT|MISS`, or
 * `X-Cache: STALE` with `Age` when recomputing failed and the last good value of the same version was served.
 */
export const GET = apiRoute('/api/ai/predict', async (request) => {
  const started = performance.now();
  const query = new URL(request.url).searchParams;
  const product = parseProductName(query.get('product'));
  const days = parseForecastDays(query.get('days'));
  // Misses are admitted per client (lib/forecasting/forecast-admission.ts): the caller is who the front door saw.
  const client = callerAddress(request, readEnv().admin.trustProxyHops);
  const result = await forecastingCall(async () => {
    const service = await forecastingService();
    return withForecastClient(client, () => service.predictDemandDetailed(product, days));
  });
  recordForecastRequest(product, days);
  const p = result.value;
  const body: PredictionResponse = {
    product: p.product,
    days: p.days,
    model_version: p.modelVersion,
    generated_at: p.generatedAt,
    cached: result.cached,
    stale: result.stale !== undefined,
    ...(result.stale ? { stale_age_s: staleAgeSeconds(result.stale) } : {}),
    forecast: p.forecast,
  };
  return jsonResponse(body, 200, cacheHeaders(result, started));
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
