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
  if (!env.databaseUrl) return openSqliteStore(env.databasePath);
  const target = describePostgresUrl(env.databaseUrl);
  const store = await openPostgresStore({
    url: env.databaseUrl,
    ...env.postgres,
    onError: (error, what) => log.warn({ database: target, err: errorMessage(error) }, `${what}: PostgreSQL error`),
    onWaitTimeout: (seq, lagging) =>
      log.warn({ database: target, seq, lagging }, 'version change not acknowledged by every instance within the lease; their leases ended instead'),
  });
  log.info({ database: target, leaseMs: env.postgres.leaseMs, instance: store.versionIndex().instanceId }, 'PostgreSQL store ready');
  closeOnShutdown(store, log);
  return store;
}

/**
 * On SIGTERM/SIGINT, remove this instance from the version index (writers stop waiting for it at once) and close
 * the pool. Registered in front of the other handlers (`next start` has its own, which exits once the HTTP server
 * has closed): the row's DELETE goes out first, on an open connection. Best effort: when the process exits before
 * it lands, the instance's lease simply runs out. With NEXT_MANUAL_SIG_HANDLE=true this is the only handler and
 * the process exits once the store is closed.
 */
function closeOnShutdown(store: ForecastingStore, log: Logger): void {
  const close = (signal: NodeJS.Signals) => {
    const onlyListener = process.listenerCount(signal) === 0;
    void store
      .close()
      .catch((error: unknown) => log.warn({ err: errorMessage(error) }, 'closing the PostgreSQL store failed'))
      .finally(() => {
        // Nobody else (e.g. the Next.js server) handles the signal: end the process as the default action would.
        if (onlyListener) process.exit(0);
      });
  };
  process.prependOnceListener('SIGTERM', close);
  process.prependOnceListener('SIGINT', close);
}
