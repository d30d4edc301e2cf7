import type { RetrainAllJob } from '@/lib/api-types';
import type { WarmUpRunner } from '@/lib/redis-cache';
import { warmableForecasting } from './forecasting-access';
import { BATCH_JOBS_IN_FLIGHT, jobInstanceOf, jobQueue } from './job-queue-access';
import { httpLogger } from './log';
import { SharedBatch } from './shared-batch';

/**
 * "Retrain all": one `retrain` job per product, spread over every instance's worker — one batch at a time across
 * instances (the `retrain-all` lock), its progress published to Redis (`<prefix>:_meta:retrain-all:job`) so any
 * instance reports it (see shared-batch.ts). Each job fits a new version under the product's training lock and
 * invalidates the product's cached model and forecasts everywhere, as a single retrain does. With Redis down the
 * jobs run in this process.
 */
const batch = new SharedBatch({
  name: 'retrain-all',
  lockName: 'retrain-all',
  sharedName: 'retrain-all:job',
  onTaskFinished: (task, error) => {
    if (error !== null) httpLogger().warn({ task, err: { message: error.message } }, 'retrain-all task failed');
  },
  onBatchFinished: (job) =>
    httpLogger().info(
      { job: job.id, state: job.state, done: job.done, total: job.total, failed: job.failed, executors: job.executors },
      'retrain all finished',
    ),
});

/** The process-wide runner (tests wait on its `idle()`). */
export function retrainAllRunner(): WarmUpRunner {
  return batch.runner();
}

/** Starts "retrain all" unless one runs here or elsewhere (then `started: false` with that batch). */
export async function startRetrainAll(): Promise<{ started: boolean; job: RetrainAllJob | null }> {
  const queue = jobQueue();
  return batch.start('manual', {
    plan: async () => {
      const products = await (await warmableForecasting()).listProductNames();
      return [products.map((product) => ({ name: `retrain:${product}`, run: () => queue.run({ kind: 'retrain', product }) }))];
    },
    concurrency: BATCH_JOBS_IN_FLIGHT,
    // A fit is seconds at most; the rest of the bound is time in the queue behind the other jobs in flight.
    taskTimeoutMs: 300_000,
    executorOf: jobInstanceOf,
  });
}

/** The running "retrain all" (here or elsewhere), else the most recent one, else null. */
export function currentRetrainAll(): Promise<RetrainAllJob | null> {
  return batch.current();
}
