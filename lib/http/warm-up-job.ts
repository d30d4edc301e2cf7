import type { WarmUpJob } from '@/lib/api-types';
import { appMetrics } from '@/lib/metrics/registry';
import { WarmUpRunner, type WarmUpSnapshot, type WarmUpTask } from '@/lib/redis-cache/warmup';
import { httpLogger } from './log';

/**
 * The process' one warm-up runner (on globalThis: every route bundle, the startup hook and `next dev` reloads
 * must see the same job, or a second POST would not know one is running). Finished jobs and tasks are logged
 * and counted in the metrics.
 */
const GLOBAL_KEY = Symbol.for('ai-cache.warm-up-runner');
type WithRunner = typeof globalThis & { [GLOBAL_KEY]?: WarmUpRunner };

export type WarmUpTrigger = WarmUpJob['trigger'];
export type WarmUpPlan = () => Promise<WarmUpTask[][]>;

export function warmUpRunner(): WarmUpRunner {
  const holder = globalThis as WithRunner;
  holder[GLOBAL_KEY] ??= new WarmUpRunner({
    onTaskFinished: (task, error) => {
      appMetrics().warmUpTasks.inc({ result: error === null ? 'ok' : 'error' });
      if (error !== null) httpLogger().warn({ task, err: { message: error.message } }, 'warm-up task failed');
    },
    onJobFinished: (job) => {
      appMetrics().warmUps.inc({ trigger: job.trigger, result: job.state });
      httpLogger().info(
        { job: job.id, trigger: job.trigger, state: job.state, done: job.done, total: job.total, errors: job.errors.length },
        'cache warm-up finished',
      );
    },
  });
  return holder[GLOBAL_KEY];
}

/** Starts a warm-up unless one runs; returns at once with the new or the running job. */
export function startWarmUp(trigger: WarmUpTrigger, plan: WarmUpPlan): { started: boolean; job: WarmUpJob } {
  const result = warmUpRunner().start({ trigger, plan, concurrency: 2 });
  if (result.started) httpLogger().info({ job: result.job.id, trigger }, 'cache warm-up started');
  return { started: result.started, job: toWarmUpJob(result.job) };
}

export function currentWarmUp(): WarmUpJob | null {
  const snapshot = warmUpRunner().snapshot();
  return snapshot === null ? null : toWarmUpJob(snapshot);
}

export function toWarmUpJob(snapshot: WarmUpSnapshot): WarmUpJob {
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
