import { z } from 'zod';
import type { WarmUpJob } from '@/lib/api-types';
import { appMetrics } from '@/lib/metrics/registry';
import { appCacheSystem } from '@/lib/config/cache-system';
import { isLockTimeoutError, processSingleton, WarmUpRunner, type CacheSystem, type WarmUpSnapshot } from '@/lib/redis-cache';
import { withDeadline } from './deadline';
import { warmableForecasting } from './forecasting-access';
import { warmUpTasks } from './smart-warmup';
import { errorMessage, httpLogger } from './log';

/**
 * The warm-up job of the service — one at a time across every instance:
 * - in this process, the one runner on globalThis (every route bundle, the start hook and `next dev` reloads see
 *   the same job);
 * - across instances, a Redis lock (`cache-warm-up`, extended while the job runs, in-process only while Redis is
 *   down) decides who runs: a POST on instance B while A warms up answers 409 with A's job;
 * - the running or last job is published to Redis (`<prefix>:_meta:warm-up:job`, kept 24 h), so `GET` on any
 *   instance reports it.
 * Finished jobs and tasks are logged and counted in the metrics.
 */
const LOCK_NAME = 'cache-warm-up';
/** Renewed every third of this by the lock's watchdog while the job runs; frees itself if the holder dies. */
const LOCK_TTL_MS = 30_000;
const SHARED_TTL_S = 24 * 3600;
/** Reading the shared job must not make a status request wait on a slow Redis. */
const SHARED_READ_TIMEOUT_MS = 500;

export type WarmUpTrigger = WarmUpJob['trigger'];

export function warmUpRunner(): WarmUpRunner {
  return processSingleton(
    'warm-up-runner',
    () =>
      new WarmUpRunner({
        onTaskFinished: (task, error) => {
          appMetrics().warmUpTasks.inc({ result: error === null ? 'ok' : 'error' });
          if (error !== null) httpLogger().warn({ task, err: { message: error.message } }, 'warm-up task failed');
          const snapshot = warmUpRunner().snapshot();
          if (snapshot) publishShared(toWarmUpJob(snapshot));
        },
        onJobFinished: (job) => {
          appMetrics().warmUps.inc({ trigger: job.trigger, result: job.state });
          publishShared(toWarmUpJob(job));
          httpLogger().info(
            { job: job.id, trigger: job.trigger, state: job.state, done: job.done, total: job.total, errors: job.errors.length },
            'cache warm-up finished',
          );
        },
      }),
  );
}

/**
 * Starts a warm-up (the fixed plan or the most used pairs, CACHE_SMART_WARMUP), then the product list, unless one runs here or on
 * another instance; resolves as soon as that is decided (the job itself runs in the background) with the new job,
 * or the running one (`started: false`; `job` null only in the moment between another instance taking the lock
 * and publishing its job).
 */
export async function startWarmUp(trigger: WarmUpTrigger): Promise<{ started: boolean; job: WarmUpJob | null }> {
  const runner = warmUpRunner();
  const local = runner.snapshot();
  if (local?.state === 'running') return { started: false, job: toWarmUpJob(local) };

  const system = appCacheSystem();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const lock = await new Promise<'held' | 'elsewhere' | 'unavailable'>((resolve) => {
    system
      .lock(
        LOCK_NAME,
        LOCK_TTL_MS,
        async () => {
          resolve('held');
          await finished;
        },
        { waitMs: 0 },
      )
      .catch((error: unknown) => {
        if (isLockTimeoutError(error)) return resolve('elsewhere');
        // A lock that can't be taken for another reason must not block warm-ups: run without it.
        httpLogger().warn({ err: { message: errorMessage(error) } }, 'warm-up lock unavailable');
        resolve('unavailable');
      });
  });
  if (lock === 'elsewhere') {
    const running = runner.snapshot();
    return { started: false, job: running?.state === 'running' ? toWarmUpJob(running) : await readShared(system) };
  }

  const result = runner.start({ trigger, plan: async () => warmUpTasks(await warmableForecasting()), concurrency: 2 });
  if (!result.started) {
    finish();
    return { started: false, job: toWarmUpJob(result.job) };
  }
  void runner.idle().then(finish, finish);
  const job = toWarmUpJob(result.job);
  publishShared(job);
  httpLogger().info({ job: job.id, trigger }, 'cache warm-up started');
  return { started: true, job };
}

/** The running job (here or elsewhere), else the most recent one any instance ran, else null. */
export async function currentWarmUp(): Promise<WarmUpJob | null> {
  const snapshot = warmUpRunner().snapshot();
  const local = snapshot === null ? null : toWarmUpJob(snapshot);
  if (local?.state === 'running') return local;
  const shared = await readShared(appCacheSystem());
  if (shared === null) return local;
  if (local === null) return shared;
  return Date.parse(shared.started_at) > Date.parse(local.started_at) || (shared.id === local.id && shared.done > local.done) ? shared : local;
}

function toWarmUpJob(snapshot: WarmUpSnapshot): WarmUpJob {
  return {
    id: snapshot.id,
    state: snapshot.state,
    trigger: snapshot.trigger === 'startup' ? 'startup' : 'manual',
    started_at: snapshot.startedAt.toISOString(),
    finished_at: snapshot.finishedAt === null ? null : snapshot.finishedAt.toISOString(),
    done: snapshot.done,
    total: snapshot.total,
    errors: snapshot.errors,
  };
}

const WarmUpJobSchema = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  trigger: z.enum(['manual', 'startup']),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  done: z.number(),
  total: z.number(),
  errors: z.array(z.object({ task: z.string(), message: z.string() })),
});

const SHARED_NAME = 'warm-up:job';

/** Best effort, never awaited by a request: a lost update only makes another instance's view older. */
function publishShared(job: WarmUpJob): void {
  void appCacheSystem().writeShared(SHARED_NAME, JSON.stringify(job), SHARED_TTL_S);
}

async function readShared(system: CacheSystem): Promise<WarmUpJob | null> {
  if (system.backend !== 'redis') return null;
  try {
    const text = await withDeadline(system.readShared(SHARED_NAME), 'shared warm-up job', SHARED_READ_TIMEOUT_MS);
    if (text === undefined) return null;
    const parsed = WarmUpJobSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    // Unreadable, malformed or too slow: as if no other instance had published a job.
    return null;
  }
}
