/**
 * What the management API needs from the forecasting module, in one place: product names (a clear of an unknown
 * product is refused), whether the database answers (health), and the calls a warm-up makes. Tests point it at
 * their own service with `useForecastingServiceForTests`.
 */
import { getForecastingService, type ForecastingService } from '@/lib/forecasting';
import type { WarmableForecasting } from '@/lib/forecasting/warmup';
import { processSingleton, replaceProcessSingleton } from '@/lib/redis-cache';
import { readEnv } from '@/lib/config/env';
import { withDeadline } from './deadline';
import { HttpError } from './errors';

const OVERRIDE = 'forecasting-override';
import { errorMessage, httpLogger } from './log';

/**
 * The forecasting service; 503 `unavailable` when its database can't be opened (a wrong DATABASE_PATH, an
 * unreadable or corrupt file, PostgreSQL unreachable — each attempt bounded by DATABASE_CONNECT_TIMEOUT) — the
 * same condition health reports as `unhealthy`. Opening is retried on the next call, so fixing it needs no restart.
 */
export async function forecastingService(): Promise<ForecastingService> {
  const override = processSingleton<ForecastingService | undefined>(OVERRIDE, () => undefined);
  if (override) return override;
  try {
    return await getForecastingService();
  } catch (error) {
    httpLogger().error({ err: { message: errorMessage(error) } }, 'sales/model database unavailable');
    throw new HttpError('unavailable', DATABASE_UNAVAILABLE);
  }
}

export const DATABASE_UNAVAILABLE = 'The sales/model database is unavailable; forecasts cannot be served (see the server log)';

/**
 * An error of the database, not of the request: the SQLite driver's (any copy of it), the PostgreSQL store's
 * DatabaseUnavailableError (refused, reset, timed out), or node-postgres' own errors — a server error carries a
 * five-character SQLSTATE and a severity; a connection that broke mid-query says so in its message.
 */
export function isDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, severity, message } = error as { name?: unknown; code?: unknown; severity?: unknown; message?: unknown };
  if (name === 'SqliteError' || (typeof code === 'string' && code.startsWith('SQLITE_'))) return true;
  if (name === 'DatabaseUnavailableError' || code === 'DATABASE_UNAVAILABLE') return true;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string') return true;
  return typeof message === 'string' && /^(Connection terminated|Query read timeout|timeout exceeded when trying to connect)/.test(message);
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
    const service = await forecastingService();
    if (await service.hasProduct(target)) return [target];
    return (await service.listProducts()).map((product) => product?.name).filter((name): name is string => typeof name === 'string');
  } catch {
    // Without the product list no product name can be checked, so none is cleared; type targets still work.
    throw new HttpError(
      'unavailable',
      'The product list is unavailable (database error); clear by type (all, models, predictions, products) meanwhile',
    );
  }
}

export interface DatabaseStatus {
  ok: boolean;
  products: number;
  /** Which database: `sqlite` or `postgres` (null when it could not be opened and the kind is not configured). */
  kind: 'sqlite' | 'postgres' | null;
}

/**
 * Whether the sales/model database answers a real query, and how many products it knows. Names the kind of
 * database, never its URL or password.
 */
export async function databaseStatus(): Promise<DatabaseStatus> {
  let kind: DatabaseStatus['kind'] = null;
  try {
    kind = readEnv().forecasting.databaseUrl ? 'postgres' : 'sqlite';
  } catch {
    // A bad environment stopped the start already; health still answers.
  }
  try {
    const service = await withDeadline(forecastingService(), 'database');
    kind = service.database.kind;
    await withDeadline(service.store.ping(), 'database');
    // From the database itself: a cached product list (planted, or stale) must not decide what health says.
    return { ok: true, products: await withDeadline(service.forecaster.sales.countProducts(), 'database'), kind };
  } catch {
    return { ok: false, products: 0, kind };
  }
}

/** The warm-up's view of the forecasting service: the same cached calls the API makes. */
export async function warmableForecasting(): Promise<WarmableForecasting> {
  const service = await forecastingService();
  return {
    listProductNames: async () => (await service.listProducts()).map((product) => product.name),
    loadModel: (product) => service.loadModel(product),
    predictDemand: (product, days) => service.predictDemand(product, days),
    refreshProductList: () => service.listProducts(),
  };
}
