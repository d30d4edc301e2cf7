import type { Logger } from 'pino';
import type { ForecastingEnv } from '@/lib/config/env';
import { errorMessage } from '@/lib/redis-cache';
import { describePostgresUrl } from './postgres/connection';
import { openPostgresStore } from './postgres/store';
import { openSqliteStore } from './sqlite-store';
import type { ForecastingStore } from './store';

/**
 * The store the environment selects: PostgreSQL when DATABASE_URL is set (shared by every instance), else the
 * SQLite file at DATABASE_PATH (embedded, created on first use). Logs say `host:port/database`, never the URL.
 */
export async function openProcessStore(env: ForecastingEnv, log: Logger): Promise<ForecastingStore> {
  if (!env.databaseUrl) return openSqliteStore(env.databasePath, env.modelVersionsKept);
  const target = describePostgresUrl(env.databaseUrl);
  const store = await openPostgresStore({
    url: env.databaseUrl,
    ...env.postgres,
    modelVersionsKept: env.modelVersionsKept,
    onError: (error, what) => log.warn({ database: target, err: errorMessage(error) }, `${what}: PostgreSQL error`),
    onWaitTimeout: (seq, lagging) =>
      log.warn({ database: target, seq, lagging }, 'version change not acknowledged by every instance within the lease; their leases ended instead'),
  });
  log.info({ database: target, leaseMs: env.postgres.leaseMs, instance: store.versionIndex().instanceId }, 'PostgreSQL store ready');
  return store;
}
