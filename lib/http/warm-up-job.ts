import type { WarmUpJob } from '@/lib/api-types';
import { warmUpJobPlan } from '@/lib/forecasting/warmup';
import { appMetrics } from '@/lib/metrics/registry';
import type { WarmUpRunner } from '@/lib/redis-cache';
import { forecastingService, warmableForecasting } from './forecasting-access';
import { BATCH_JOBS_IN_FLIGHT, jobInstanceOf, jobQueue } from './job-queue-access';
import { httpLogger } from './log';
import { SharedBatch, type BatchTrigger } from './shared-batch';
import { warmUpItems } from './smart-warmup';

/**
 * The warm-up of the service — one at a time across every instance (the `cache-warm-up` lock; 409 with the running
 * job), its progress published to Redis (`<prefix>:_meta:warm-up:job`) so `GET` on any instance reports it (see
 * shared-batch.ts). The plan (the fixed one or the most used pairs, CACHE_SMART_WARMUP) is cut into jobs — a `train`
 * job per product without a model, then a `warm-product` job per product (lib/forecasting/warmup.ts
 * `warmUpJobPlan`) — enqueued on the job queue so every instance's worker takes part; the instance
 * that started it only keeps a bounded number of jobs queued and counts them as they finish, then refreshes the
 * product list. With Redis down the jobs run in this process (the queue's fallback), with the same results.
 * Finished batches and tasks are logged and counted in the metrics.
 */
const batch = new SharedBatch({
  name: 'warm-up',
  lockName: 'cache-warm-up',
  sharedName: 'warm-up:job',
  onTaskFinished: (task, error) => {
    appMetrics().warmUpTasks.inc({ result: error === null ? 'ok' : 'error' });
    if (error !== null) httpLogger().warn({ task, err: { message: error.message } }, 'warm-up task failed');
  },
  onBatchFinished: (job) => {
    appMetrics().warmUps.inc({ trigger: job.trigger, result: job.state });
    httpLogger().info(
      { job: job.id, trigger: job.trigger, state: job.state, done: job.done, total: job.total, failed: job.failed, executors: job.executors },
      'cache warm-up finished',
    );
  },
});

export type WarmUpTrigger = BatchTrigger;

/** The process-wide warm-up runner (tests wait on its `idle()`). */
export function warmUpRunner(): WarmUpRunner {
  return batch.runner();
}

/**
 * Starts a warm-up unless one runs here or on another instance; resolves as soon as that is decided (the job
 * itself runs in the background) with the new job, or the running one (`started: false`; `job` null only in the
 * moment between another instance taking the lock and publishing its job).
 */
export async function startWarmUp(trigger: WarmUpTrigger): Promise<{ started: boolean; job: WarmUpJob | null }> {
  const queue = jobQueue();
  const outcome = await batch.start(trigger, {
    plan: async () => {
      const forecasting = await warmableForecasting();
      const items = await warmUpItems(forecasting);
      const untrained = (await (await forecastingService()).listProducts()).filter((p) => p.modelVersion === null).map((p) => p.name);
      return warmUpJobPlan(
        items,
        new Set(untrained),
        (job) => queue.run(job),
        () => forecasting.refreshProductList(),
      );
    },
    concurrency: BATCH_JOBS_IN_FLIGHT,
    executorOf: jobInstanceOf,
  });
  if (outcome.started) httpLogger().info({ job: outcome.job?.id, trigger }, 'cache warm-up started');
  return outcome;
}

/** The running warm-up (here or elsewhere), else the most recent one any instance ran, else null. */
export function currentWarmUp(): Promise<WarmUpJob | null> {
  return batch.current();
}
