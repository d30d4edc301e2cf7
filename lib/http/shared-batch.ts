import { z } from 'zod';
import type { BatchJob } from '@/lib/api-types';
import { appCacheSystem } from '@/lib/config/cache-system';
import { isLockTimeoutError, processSingleton, WarmUpRunner, type CacheSystem, type WarmUpOptions, type WarmUpSnapshot } from '@/lib/redis-cache';
import { withDeadline } from './deadline';
import { errorMessage, httpLogger } from './log';

/**
 * A batch of background tasks run once at a time across every instance, with its progress readable on any of
 * them — what the warm-up and "retrain all" share:
 * - in this process, one runner on globalThis (every route bundle, the start hook and `next dev` reloads see the
 *   same batch);
 * - across instances, a Redis lock (extended while the batch runs, in-process only while Redis is down) decides
 *   who runs: a start on instance B while A runs one answers with A's batch;
 * - the running or last batch is published to Redis (`<prefix>:_meta:<sharedName>`, kept 24 h), at most every
 *   {@link PUBLISH_EVERY_MS} while it runs and once when it ends, so a status read on any instance reports it.
 * The tasks themselves are usually jobs of the job queue, so the work spreads over every instance's worker.
 */
export interface SharedBatchConfig {
  /** Names the process-wide runner, the lock and the shared record apart from other batches. */
  name: string;
  lockName: string;
  sharedName: string;
  onTaskFinished?: (task: string, error: Error | null) => void;
  onBatchFinished?: (batch: WarmUpSnapshot) => void;
}

export type BatchTrigger = BatchJob['trigger'];

/** Renewed every third of this by the lock's watchdog while the batch runs; frees itself if the holder dies. */
const LOCK_TTL_MS = 30_000;
const SHARED_TTL_S = 24 * 3600;
/** Reading the shared batch must not make a status request wait on a slow Redis. */
const SHARED_READ_TIMEOUT_MS = 500;
/** A batch of thousands of tasks publishes its progress a few times a second, not once per task. */
const PUBLISH_EVERY_MS = 250;

export class SharedBatch {
  private lastPublished = 0;

  constructor(private readonly config: SharedBatchConfig) {}

  /** The process-wide runner of this batch kind. */
  runner(): WarmUpRunner {
    return processSingleton(
      `batch-runner:${this.config.name}`,
      () =>
        new WarmUpRunner({
          onTaskFinished: (task, error) => {
            this.config.onTaskFinished?.(task, error);
            const now = Date.now();
            if (now - this.lastPublished < PUBLISH_EVERY_MS) return;
            this.lastPublished = now;
            const snapshot = this.runner().snapshot();
            if (snapshot) this.publish(toBatchJob(snapshot));
          },
          onJobFinished: (batch) => {
            this.publish(toBatchJob(batch));
            this.config.onBatchFinished?.(batch);
          },
        }),
    );
  }

  /**
   * Starts a batch unless one runs here or on another instance; resolves as soon as that is decided (the batch
   * runs in the background) with the new batch, or the running one (`started: false`; `job` null only in the
   * moment between another instance taking the lock and publishing its batch).
   */
  async start(trigger: BatchTrigger, options: Omit<WarmUpOptions, 'trigger'>): Promise<{ started: boolean; job: BatchJob | null }> {
    const runner = this.runner();
    const local = runner.snapshot();
    if (local?.state === 'running') return { started: false, job: toBatchJob(local) };

    const system = appCacheSystem();
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const lock = await new Promise<'held' | 'elsewhere' | 'unavailable'>((resolve) => {
      system
        .lock(
          this.config.lockName,
          LOCK_TTL_MS,
          async () => {
            resolve('held');
            await finished;
          },
          { waitMs: 0 },
        )
        .catch((error: unknown) => {
          if (isLockTimeoutError(error)) return resolve('elsewhere');
          // A lock that can't be taken for another reason must not block the batch: run without it.
          httpLogger().warn({ err: { message: errorMessage(error) }, batch: this.config.name }, 'batch lock unavailable');
          resolve('unavailable');
        });
    });
    if (lock === 'elsewhere') {
      const running = runner.snapshot();
      return { started: false, job: running?.state === 'running' ? toBatchJob(running) : await this.readShared(system) };
    }

    const result = runner.start({ ...options, trigger });
    if (!result.started) {
      finish();
      return { started: false, job: toBatchJob(result.job) };
    }
    void runner.idle().then(finish, finish);
    const job = toBatchJob(result.job);
    this.lastPublished = Date.now();
    this.publish(job);
    return { started: true, job };
  }

  /** The running batch (here or elsewhere), else the most recent one any instance ran, else null. */
  async current(): Promise<BatchJob | null> {
    const snapshot = this.runner().snapshot();
    const local = snapshot === null ? null : toBatchJob(snapshot);
    if (local?.state === 'running') return local;
    const shared = await this.readShared(appCacheSystem());
    if (shared === null) return local;
    if (local === null) return shared;
    return Date.parse(shared.started_at) > Date.parse(local.started_at) || (shared.id === local.id && shared.done > local.done) ? shared : local;
  }

  /** Best effort, never awaited by a request: a lost update only makes another instance's view older. */
  private publish(job: BatchJob): void {
    void appCacheSystem().writeShared(this.config.sharedName, JSON.stringify(job), SHARED_TTL_S);
  }

  private async readShared(system: CacheSystem): Promise<BatchJob | null> {
    if (system.backend !== 'redis') return null;
    try {
      const text = await withDeadline(system.readShared(this.config.sharedName), `shared ${this.config.name} batch`, SHARED_READ_TIMEOUT_MS);
      if (text === undefined) return null;
      const parsed = BatchJobSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      // Unreadable, malformed or too slow: as if no other instance had published a batch.
      return null;
    }
  }
}

/**
 * The API's view of a batch: its counts, and the rate (finished tasks per second since it started) with the time
 * left at that rate — null until a task has finished, and the ETA null once the batch is over.
 */
export function toBatchJob(snapshot: WarmUpSnapshot, now = Date.now()): BatchJob {
  const end = snapshot.finishedAt?.getTime() ?? now;
  const seconds = Math.max(0.001, (end - snapshot.startedAt.getTime()) / 1000);
  const rate = snapshot.done > 0 ? snapshot.done / seconds : null;
  const left = Math.max(0, snapshot.total - snapshot.done);
  return {
    id: snapshot.id,
    state: snapshot.state,
    trigger: snapshot.trigger === 'startup' ? 'startup' : 'manual',
    started_at: snapshot.startedAt.toISOString(),
    finished_at: snapshot.finishedAt === null ? null : snapshot.finishedAt.toISOString(),
    done: snapshot.done,
    total: snapshot.total,
    failed: snapshot.failed,
    rate: rate === null ? null : Math.round(rate * 100) / 100,
    eta_s: snapshot.state === 'running' && rate !== null && snapshot.total > 0 ? Math.round((left / rate) * 10) / 10 : null,
    executors: snapshot.executors.map((e) => ({ instance: e.executor, tasks: e.tasks })),
    errors: snapshot.errors,
  };
}

/** A published batch; fields added later default, so a record written by an earlier version still reads. */
const BatchJobSchema = z.object({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  trigger: z.enum(['manual', 'startup']),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  done: z.number(),
  total: z.number(),
  failed: z.number().default(0),
  rate: z.number().nullable().default(null),
  eta_s: z.number().nullable().default(null),
  executors: z.array(z.object({ instance: z.string(), tasks: z.number() })).default([]),
  errors: z.array(z.object({ task: z.string(), message: z.string() })),
});
