import { readEnv, type AppEnv } from '@/lib/config/env';
import { ConfigError } from '@/lib/config/config-error';
import { redisExposureWarning } from '@/lib/config/redis-exposure';
import { appCacheSystem } from '@/lib/config/cache-system';
import { bindCacheMetrics } from '@/lib/metrics/cache-events';
import { installFrontDoor } from './front-door-install';
import { errorMessage, httpLogger } from './log';
import { startAutotuner } from './autotune';
import { startSmartScheduler } from './smart-warmup';
import { startWarmUp } from './warm-up-job';
import { openForecastingServiceInBackground } from '@/lib/forecasting';

/**
 * Server start (called by instrumentation.ts):
 * - validates the whole environment — a wrong value (e.g. `CACHE_ADMIN_RATE_LIMIT=abc`, `REDIS_PORT=abc`,
 *   `SEED_DEMO_DATA=nah`) throws a ConfigError naming the variable;
 * - connects the cache's events to the metrics (so the first requests are counted);
 * - with `CACHE_AUTO_WARMUP=true`, starts one warm-up and returns without waiting for it (it begins on the next
 *   turn of the event loop, after the server is ready).
 * - with `CACHE_SMART_WARMUP=predictive`, starts the predictive warm-up's scheduler (lib/http/smart-warmup.ts);
 * - starts the autotune loop (lib/http/autotune.ts): every CACHE_AUTOTUNE_INTERVAL seconds it evaluates the window
 *   and applies (CACHE_AUTOTUNE=true) or records the advisor's recommendations;
 * - with DATABASE_URL, opens PostgreSQL in the background (migrations, the version index), retrying while it is
 *   unreachable — the start never waits for it.
 * Connecting to Redis is not part of it: the cache connects on first use, and falls back to memory if it can't.
 */
export function onServerStart(env: AppEnv = readEnv()): void {
  const system = appCacheSystem();
  bindCacheMetrics(system.events);
  const exposure = redisExposureWarning(env.cache.redis);
  if (exposure !== null) httpLogger().warn(exposure);
  // PostgreSQL: migrations and the version index start now, not on the first request; an unreachable server is
  // retried. (SQLite opens on first use, as a local file needs no warning at start.)
  if (env.forecasting.databaseUrl) openForecastingServiceInBackground();
  if (env.smartWarmup.mode === 'predictive') startSmartScheduler();
  startAutotuner();
  if (env.autoWarmup) {
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
 * `onServerStart`, and on a configuration error: one line naming the variable on stderr, then exit 1. Next.js
 * would otherwise keep the process up answering 500 to every request, which a supervisor can't tell from a
 * healthy start; a process that exits at once is restarted (and its log read) like any failed deployment.
 */
export function onServerStartOrExit(exit: (code: number) => void = (code) => process.exit(code)): void {
  try {
    const env = readEnv();
    // Before the first request is dispatched: bounded request lines, allowed hosts, the socket address stamp.
    installFrontDoor({ allowedHosts: env.admin.allowedHosts, trustProxyHops: env.admin.trustProxyHops });
    onServerStart(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    exit(1);
  }
}
