import { ForecastingConfigError, readForecastingConfig } from '@/lib/forecasting/config';
import { bindCacheMetrics } from '@/lib/metrics/cache-events';
import { ConfigError, getCacheSystem } from '@/lib/redis-cache';
import { adminConfig } from './admin-config';
import { errorMessage, httpLogger } from './log';
import { startWarmUp } from './warm-up-job';

/**
 * Server start (called by instrumentation.ts):
 * - validates the configuration — a wrong value (e.g. `CACHE_ADMIN_RATE_LIMIT=abc`, `REDIS_PORT=abc`) throws a
 *   ConfigError naming the variable;
 * - connects the cache's events to the metrics (so the first requests are counted);
 * - with `CACHE_AUTO_WARMUP=true`, starts one warm-up and returns without waiting for it (it begins on the next
 *   turn of the event loop, after the server is ready).
 * Connecting to Redis is not part of it: the cache connects on first use, and falls back to memory if it can't.
 */
export function onServerStart(): void {
  adminConfig();
  checkForecastingConfig();
  const system = getCacheSystem();
  bindCacheMetrics(system.events);
  if (system.config.autoWarmup) {
    // Not awaited: deciding who warms up takes a Redis round trip, and the server must be ready at once.
    void startWarmUp('startup').then(
      ({ started, job }) => {
        if (!started) httpLogger().info({ job: job?.id ?? null }, 'start-up warm-up skipped: one is already running');
      },
      (error: unknown) => httpLogger().error({ err: { message: errorMessage(error) } }, 'start-up warm-up failed to start'),
    );
  }
}

/**
 * The forecasting module reads its variables (`DATABASE_PATH`, `SEED_DEMO_DATA`) lazily, on the first request that
 * needs the database: checked here too, so a wrong value stops the start instead of answering 500 to every forecast.
 */
function checkForecastingConfig(): void {
  try {
    readForecastingConfig();
  } catch (error) {
    if (error instanceof ForecastingConfigError) throw new ConfigError([{ variable: error.variable, message: error.problem }]);
    throw error;
  }
}

/**
 * `onServerStart`, and on a configuration error: one line naming the variable on stderr, then exit 1. Next.js
 * would otherwise keep the process up answering 500 to every request, which a supervisor can't tell from a
 * healthy start; a process that exits at once is restarted (and its log read) like any failed deployment.
 */
export function onServerStartOrExit(exit: (code: number) => void = (code) => process.exit(code)): void {
  try {
    onServerStart();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    exit(1);
  }
}
