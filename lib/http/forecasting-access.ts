/**
 * What the management API needs from the forecasting module, in one place: product names (a clear of an unknown
 * product is refused), whether the database answers (health), and the calls a warm-up makes. Tests point it at
 * their own service with `useForecastingServiceForTests`.
 */
import { getForecastingService, type ForecastingService } from '@/lib/forecasting';
import type { WarmableForecasting } from '@/lib/forecasting/warmup';
import { processSingleton, replaceProcessSingleton } from '@/lib/redis-cache';
import { HttpError } from './errors';

const OVERRIDE = 'forecasting-override';
import { errorMessage, httpLogger } from './log';

/**
 * The forecasting service; 503 `unavailable` when its database can't be opened (a wrong DATABASE_PATH, an
 * unreadable or corrupt file) — the same condition health reports as `unhealthy`. Opening is retried on the next
 * call, so fixing the file needs no restart.
 */
export function forecastingService(): ForecastingService {
  const override = processSingleton<ForecastingService | undefined>(OVERRIDE, () => undefined);
  if (override) return override;
  try {
    return getForecastingService();
  } catch (error) {
    httpLogger().error({ err: { message: errorMessage(error) } }, 'sales/model database unavailable');
    throw new HttpError('unavailable', DATABASE_UNAVAILABLE);
  }
}

export const DATABASE_UNAVAILABLE = 'The sales/model database is unavailable; forecasts cannot be served (see the server log)';

/** An error of the SQLite driver (any copy of it): the database failed, not the request. */
export function isDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'SqliteError' || (typeof code === 'string' && code.startsWith('SQLITE_'));
}

/** For tests: route handlers use `service` instead of the process-wide one (undefined restores it). */
export function useForecastingServiceForTests(service: ForecastingService | undefined): void {
  replaceProcessSingleton(OVERRIDE, service);
}

/**
 * The names a clear may target. An exact match is checked in the database (always current); otherwise the
 * (cached) product list is returned so the caller can look for a normalisation-equivalent spelling.
 */
export async function candidateProductNames(target: string): Promise<string[]> {
  try {
    const service = forecastingService();
    if (service.hasProduct(target)) return [target];
    return (await service.listProducts()).map((product) => product?.name).filter((name): name is string => typeof name === 'string');
  } catch {
    // Without the product list no product name can be checked, so none is cleared; type targets still work.
    throw new HttpError(
      'unavailable',
      'The product list is unavailable (database error); clear by type (all, models, predictions, products) meanwhile',
    );
  }
}

/** Whether the sales/model database answers a real query, and how many products it knows. */
export async function databaseStatus(): Promise<{ ok: boolean; products: number }> {
  try {
    const service = forecastingService();
    if (service.forecaster.sales.isEmpty()) return { ok: true, products: 0 };
    return { ok: true, products: (await service.listProducts()).length };
  } catch {
    return { ok: false, products: 0 };
  }
}

/** The warm-up's view of the forecasting service: the same cached calls the API makes. */
export function warmableForecasting(): WarmableForecasting {
  const service = forecastingService();
  return {
    listProductNames: async () => (await service.listProducts()).map((product) => product.name),
    loadModel: (product) => service.loadModel(product),
    predictDemand: (product, days) => service.predictDemand(product, days),
    refreshProductList: () => service.listProducts(),
  };
}
