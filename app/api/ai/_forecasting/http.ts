import { z } from 'zod';
import type { ModelInfo, ProductSummary } from '@/lib/api-types';
import { isAdmissionRefused, isForecastingError, MAX_FORECAST_DAYS, MIN_FORECAST_DAYS, productNameProblem } from '@/lib/forecasting';
import type { ModelSummary, ProductRecord } from '@/lib/forecasting';
import { HttpError } from '@/lib/http/errors';
import { DATABASE_UNAVAILABLE, isDatabaseError } from '@/lib/http/forecasting-access';
import { httpLogger } from '@/lib/http/log';
import { appMetrics } from '@/lib/metrics/registry';
import { isLockTimeoutError } from '@/lib/redis-cache';

/**
 * The HTTP side of the forecasting routes: parsing names and numbers from URLs, mapping the module's errors to
 * API errors, and its records to the API's snake_case shapes. Shared by the route handlers under app/api/ai.
 */

/**
 * A product name from a path segment or query parameter, as Next hands it over: already percent-decoded (once —
 * decoding again would turn a literal "%20" in a name into a space). NFC, so "Pão" sent as a + combining tilde
 * finds the product.
 */
export function parseProductName(raw: string | null): string {
  if (raw === null || raw === '') throw new HttpError('bad_request', 'product is required');
  const name = raw.normalize('NFC');
  const problem = productNameProblem(name);
  if (problem) throw new HttpError('bad_request', problem);
  return name;
}

/**
 * A parser of a positive integer query parameter within [min, max]; `fallback` when absent (required when no
 * fallback). Create it once, at module scope: building a zod schema costs more than the rest of a cached forecast
 * request.
 */
export function integerParamParser(name: string, min: number, max: number, fallback?: number): (raw: string | null) => number {
  const schema = z
    .string()
    .regex(/^\d{1,6}$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
  return (raw) => {
    if (raw === null && fallback !== undefined) return fallback;
    const parsed = schema.safeParse(raw ?? undefined);
    if (!parsed.success) throw new HttpError('bad_request', `${name} must be an integer from ${min} to ${max}`);
    return parsed.data;
  };
}

export const parseForecastDays = integerParamParser('days', MIN_FORECAST_DAYS, MAX_FORECAST_DAYS);

/** Maps the forecasting module's errors (and the training lock's timeout) to API errors; rethrows the rest. */
export function toHttpError(error: unknown): unknown {
  if (isForecastingError(error)) {
    switch (error.code) {
      case 'unknown_product':
        return new HttpError('not_found', error.message);
      case 'invalid_argument':
        return new HttpError('bad_request', error.message);
      case 'insufficient_history':
        return new HttpError('conflict', error.message);
      case 'training_failed':
        return new HttpError('unavailable', error.message);
    }
  }
  if (isAdmissionRefused(error)) {
    appMetrics().forecastRefused.inc({ reason: error.reason });
    // Per client: that client slows down (429). The whole queue: everyone waits a little (503). Both retryable.
    return new HttpError(error.reason === 'client' ? 'rate_limited' : 'unavailable', error.message, undefined, {
      'Retry-After': String(error.retryAfterSeconds),
    });
  }
  if (isDatabaseError(error)) {
    httpLogger().error({ err: { message: (error as Error).message } }, 'sales/model database error');
    return new HttpError('unavailable', DATABASE_UNAVAILABLE);
  }
  if (isLockTimeoutError(error)) {
    return new HttpError('conflict', 'A training of this product is already running elsewhere; try again later');
  }
  return error;
}

/** Runs a forecasting call, turning its typed errors into API errors. */
export async function forecastingCall<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toHttpError(error);
  }
}

export function toProductSummary(p: ProductRecord): ProductSummary {
  return {
    name: p.name,
    first_sale_date: p.firstSaleDate,
    last_sale_date: p.lastSaleDate,
    model_version: p.modelVersion,
    trained_at: p.trainedAt,
  };
}

/** A model's training time and MAPE as the API shows them: to 0.1 ms and 0.01 %. */
export function roundTrainingFigures(m: { trainingMs: number; mape: number }): { trainingMs: number; mape: number } {
  return { trainingMs: Math.round(m.trainingMs * 10) / 10, mape: Math.round(m.mape * 100) / 100 };
}

export function toModelInfo(m: ModelSummary): ModelInfo {
  const figures = roundTrainingFigures(m);
  return {
    product: m.product,
    version: m.version,
    trained_at: m.trainedAt,
    training_ms: figures.trainingMs,
    training_window: m.window,
    metrics: { mape: figures.mape },
  };
}

/** Whole seconds since a stale value was computed (the `Age` header and `stale_age_s`). */
export function staleAgeSeconds(stale: { ageMs: number }): number {
  return Math.floor(stale.ageMs / 1000);
}

/**
 * `X-Cache` (`HIT`, `MISS`, or `STALE` for a grace copy served because recomputing failed, with `Age`) and
 * `Server-Timing` for an answer that may come from the cache.
 */
export function cacheHeaders(
  result: { cached: boolean; tier: 'l1' | 'l2' | null; stale?: { ageMs: number } },
  startedAt: number,
): Record<string, string> {
  const total = (performance.now() - startedAt).toFixed(2);
  if (result.stale) {
    return {
      'X-Cache': 'STALE',
      Age: String(staleAgeSeconds(result.stale)),
      'Server-Timing': `cache;desc="stale", total;dur=${total}`,
    };
  }
  const source = result.cached ? `hit-${result.tier ?? 'cache'}` : 'miss';
  return {
    'X-Cache': result.cached ? 'HIT' : 'MISS',
    'Server-Timing': `cache;desc="${source}", total;dur=${total}`,
  };
}
