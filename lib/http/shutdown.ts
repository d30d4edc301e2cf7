import { appCacheSystem } from '@/lib/config/cache-system';
import { closeForecastingService } from '@/lib/forecasting';
import { closeJobQueue } from './job-queue-access';
import { errorMessage, processSingleton, withTimeout } from '@/lib/redis-cache';
import { httpLogger } from './log';
import { stopAutotuner } from './autotune';
import { stopSmartScheduler } from './smart-warmup';

/**
 * Graceful shutdown of a server process on SIGTERM or SIGINT (a deploy, a scale-in, Ctrl-C):
 *
 * 1. at once, `/api/ai/health` answers 503 `shutting_down`, so a load balancer stops sending requests here;
 * 2. Next.js stops accepting connections and lets the requests in flight finish (its own signal handler);
 * 3. here, meanwhile: the cache's counters and history are flushed to Redis (nothing counted is lost), the
 *    forecasting service closes (its training worker; on PostgreSQL its row leaves the version index, so retrains
 *    elsewhere stop waiting for it) and the cache system closes its Redis connections;
 * 4. the process exits with the code Next.js chose (143 for SIGTERM, 130 for SIGINT).
 *
 * Next.js calls `process.exit` as soon as its own part is done, which would cut step 3 short: while shutting down,
 * that call is held until step 3 has finished, or for at most {@link SHUTDOWN_LIMIT_MS} — a hung Redis or database
 * must not keep a stopping process alive.
 */
export const SHUTDOWN_LIMIT_MS = 10_000;

interface ShutdownState {
  installed: boolean;
  started: Promise<void> | null;
}

const state = (): ShutdownState => processSingleton<ShutdownState>('graceful-shutdown', () => ({ installed: false, started: null }));

/** True from the signal on: health reports it so load balancers drain this instance. */
export function isShuttingDown(): boolean {
  return state().started !== null;
}

/** The cleanup itself (step 3), bounded; idempotent. */
export function shutDown(reason: string): Promise<void> {
  const s = state();
  s.started ??= (async () => {
    const log = httpLogger();
    log.info({ reason }, 'shutting down: draining, flushing the cache statistics, closing connections');
    const system = appCacheSystem();
    stopSmartScheduler();
    stopAutotuner();
    const work = (async () => {
      await system.flushStats().catch((error: unknown) => log.warn({ err: errorMessage(error) }, 'shutdown: statistics flush failed'));
      await closeJobQueue().catch((error: unknown) => log.warn({ err: errorMessage(error) }, 'shutdown: closing the job queue failed'));
      await closeForecastingService().catch((error: unknown) =>
        log.warn({ err: errorMessage(error) }, 'shutdown: closing the forecasting service failed'),
      );
      await system.close();
    })();
    await withTimeout(work, SHUTDOWN_LIMIT_MS, 'shutdown cleanup timed out').then(
      () => log.info({ reason }, 'shutdown complete'),
      (error: unknown) => log.warn({ err: errorMessage(error) }, 'shutdown cleanup incomplete; exiting anyway'),
    );
  })();
  return s.started;
}

/** Installs the signal handlers (once per process; called at server start). */
export function installGracefulShutdown(): void {
  const s = state();
  if (s.installed) return;
  s.installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    const done = shutDown(signal);
    const exit = process.exit.bind(process);
    // Hold Next.js' exit until the cleanup is done (see above); without Next.js' handler, exit ourselves.
    process.exit = ((code?: number | string | null) => {
      void done.finally(() => exit(code ?? undefined));
    }) as typeof process.exit;
    if (process.env.NEXT_MANUAL_SIG_HANDLE) void done.finally(() => exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
