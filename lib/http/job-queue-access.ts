/**
 * The process-wide job queue: BullMQ on the cache's Redis under `<CACHE_PREFIX>:_meta:{jobs}` — under `_meta:`, so
 * no cache clear ever deletes a job, and one hash tag, so every queue key shares a Cluster slot — with a worker in
 * every instance. Its handler is the forecasting service's (lib/forecasting/forecasting-jobs.ts).
 */
import { readEnv, type AppEnv } from '@/lib/config/env';
import { forecastingJobHandler } from '@/lib/forecasting/forecasting-jobs';
import { JobQueue, type JobOutcome, type JobRedisTarget } from '@/lib/jobs';
import { processSingleton, replaceProcessSingleton } from '@/lib/redis-cache';
import { forecastingService } from './forecasting-access';
import { errorMessage, httpLogger } from './log';

const SLOT = 'job-queue';

/**
 * Jobs a batch (warm-up, "retrain all") keeps queued at once: enough to keep the workers of several instances
 * busy, few enough that a job never waits long in the queue — its wait counts against the batch's per-task
 * timeout, and a batch of 10,000 products must not leave 10,000 jobs behind if its instance stops.
 */
export const BATCH_JOBS_IN_FLIGHT = 64;

/** The instance that ran a job, from what `JobQueue.run` resolved with; null for any other value. */
export function jobInstanceOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const outcome = value as Partial<JobOutcome>;
  return typeof outcome.instance === 'string' && (outcome.executor === 'queue' || outcome.executor === 'in-process') ? outcome.instance : null;
}

/** The queue's key prefix for a cache prefix. */
export function jobQueuePrefix(cachePrefix: string): string {
  return `${cachePrefix}:_meta:{jobs}`;
}

/**
 * Where the queue lives: the cache's Redis. None (jobs in-process) when the cache is disabled, and in Cluster mode:
 * BullMQ's Lua scripts need every key of a queue on one node, which its hash-tagged prefix gives, but it then needs
 * a Cluster client of its own — not built yet, so a Cluster deployment runs its jobs in-process.
 */
export function jobRedisTarget(env: AppEnv): JobRedisTarget | null {
  const r = env.cache.redis;
  if (env.cache.enabled === false || !r || (r.clusterNodes?.length ?? 0) > 0) return null;
  return {
    host: r.host ?? 'localhost',
    port: r.port ?? 6379,
    db: r.db,
    username: r.username,
    password: r.password,
    tls: r.tls,
    connectTimeoutMs: r.connectTimeoutMs,
    sentinels: r.sentinels,
    sentinelName: r.sentinelName,
    sentinelPassword: r.sentinelPassword,
  };
}

/** The process-wide queue, created (with this instance's worker) on first use. */
export function jobQueue(): JobQueue {
  return processSingleton<JobQueue>(SLOT, () => {
    const env = readEnv();
    const log = httpLogger().child({ component: 'jobs' });
    // Connection errors repeat every reconnect attempt while Redis is down: log each kind once per minute.
    const lastLogged = new Map<string, number>();
    return new JobQueue({
      redis: jobRedisTarget(env),
      prefix: jobQueuePrefix(env.cache.prefix ?? 'ai_module'),
      handler: forecastingJobHandler(forecastingService),
      concurrency: env.jobs.concurrency,
      attempts: env.jobs.attempts,
      backoffMs: env.jobs.backoffMs,
      onError: (error, source) => {
        const now = Date.now();
        if (now - (lastLogged.get(source) ?? 0) < 60_000) return;
        lastLogged.set(source, now);
        log.warn({ source, err: errorMessage(error) }, 'job queue: Redis unavailable, jobs run in-process meanwhile');
      },
    });
  });
}

/** Closes the process-wide queue (graceful shutdown); the next {@link jobQueue} call opens a new one. */
export async function closeJobQueue(): Promise<void> {
  const previous = replaceProcessSingleton<JobQueue | undefined>(SLOT, undefined);
  await previous?.close();
}

/**
 * Tests: makes `queue` the process-wide queue (e.g. one whose handler counts what it runs); the previous one is
 * closed. `closeJobQueue` closes it in turn.
 */
export async function useJobQueueForTests(queue: JobQueue): Promise<void> {
  const previous = replaceProcessSingleton<JobQueue | undefined>(SLOT, queue);
  if (previous !== queue) await previous?.close();
}
