import { hostname } from 'node:os';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { jobConnectionOptions, type JobRedisTarget } from './connection';
import { InProcessPool } from './in-process-pool';

/** What a job does: load a product's model and default forecasts, train its first model, or retrain it. */
export const JOB_KINDS = ['warm-product', 'train', 'retrain'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface JobData {
  kind: JobKind;
  product: string;
  /** `warm-product` only: the forecast horizons to load (default: the warm-up's default horizons). */
  horizons?: number[];
}

/** A job's result: a small JSON object (it is stored in Redis with the job). */
export type JobResult = Record<string, string | number | boolean | null>;

/** Runs one job. Must be idempotent: a job can run again after a worker dies mid-job. */
export type JobHandler = (data: JobData) => Promise<JobResult>;

/** Where a job ran: on some instance's queue worker, or in the calling process because Redis was unreachable. */
export type JobExecutor = 'queue' | 'in-process';

export interface JobOutcome {
  result: JobResult;
  executor: JobExecutor;
  /** The instance whose worker (or whose process, in-process) ran the job; `unknown` for a worker that did not say. */
  instance: string;
}

export interface FailedJob {
  id: string;
  kind: JobKind;
  product: string;
  error: string;
  /** Attempts made, the last one included. */
  attempts: number;
  failedAt: string | null;
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

export interface JobQueueOptions {
  /** The queue's Redis; null: no queue at all, every job runs in-process (the cache runs without Redis). */
  redis: JobRedisTarget | null;
  /** Key prefix: every queue key is `<prefix>:<name>:…` (a hash tag in it keeps a Cluster slot per queue). */
  prefix: string;
  /** Queue name (default `forecasting`). */
  name?: string;
  handler: JobHandler;
  /** Jobs this instance's worker runs at once. */
  concurrency: number;
  /** Tries per job, the first included. */
  attempts: number;
  /** First retry delay (ms); each next one doubles. */
  backoffMs: number;
  /** Run a worker in this process (default true); false for a producer only. */
  worker?: boolean;
  /** A job whose worker stops renewing its lock for this long is given to another worker (default 30 s). */
  lockDurationMs?: number;
  /** How often workers look for such stalled jobs (default 30 s). */
  stalledIntervalMs?: number;
  /**
   * How long Redis may take to accept a job or answer a query before the call gives up on it (default 5 s: a
   * loaded machine can take seconds; a refused connection fails at once anyway).
   */
  redisTimeoutMs?: number;
  /**
   * How long a caller waits for a queued job to finish before running it itself (default 10 min) — a job must
   * never hang a caller, even if every worker is gone.
   */
  waitTimeoutMs?: number;
  /** How long a graceful close may take before the connections are dropped (default 10 s). */
  closeTimeoutMs?: number;
  /** Errors of the queue's connections and workers (they reconnect by themselves). */
  onError?: (error: unknown, source: string) => void;
  /** Names this instance in job outcomes, so a caller can tell which instances did its work (default `<host>:<pid>`). */
  instanceId?: string;
}

const DEFAULT_NAME = 'forecasting';
/** Finished jobs kept for the report; older ones are removed by BullMQ. */
const KEEP_COMPLETED = 1_000;
const KEEP_FAILED = 1_000;

class RedisUnavailable extends Error {}

/**
 * What a worker stores as a job's return value: the handler's result and the instance that ran it. A caller reads
 * it back through `waitUntilFinished`; a bare result (a worker of an earlier version) reads as instance `unknown`.
 */
interface StoredOutcome {
  instance: string;
  result: JobResult;
}

function isStoredOutcome(value: unknown): value is StoredOutcome {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StoredOutcome>;
  return typeof v.instance === 'string' && typeof v.result === 'object' && v.result !== null && Object.keys(value).length === 2;
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisUnavailable(`job queue: Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function isJobKind(value: unknown): value is JobKind {
  return typeof value === 'string' && (JOB_KINDS as readonly string[]).includes(value);
}

/**
 * The forecasting job queue on BullMQ: every instance adds jobs and (by default) runs a worker, so the work of a
 * warm-up or a "retrain all" spreads over every instance; a job is handed to one worker at a time (BullMQ's job
 * lock), retried `attempts` times with exponential backoff, and kept with its error when it finally fails. A job
 * whose worker dies mid-job is picked up again once its lock expires (BullMQ's stalled-job check).
 *
 * While Redis is unreachable (or slow to accept a job) a job runs in this process instead, through the same
 * handler, at most `concurrency` at a time: the same result, reported with `executor: 'in-process'`.
 */
export class JobQueue {
  readonly concurrency: number;
  /** How this instance is named in job outcomes. */
  readonly instanceId: string;
  private readonly bull: { queue: Queue; events: QueueEvents; eventsReady: Promise<unknown> } | null;
  private worker: Worker | null;
  private readonly pool: InProcessPool;
  private readonly redisTimeoutMs: number;
  private readonly waitTimeoutMs: number;
  private closed = false;
  /** The last call to Redis failed (cleared by the next one that succeeds). */
  private redisDown = false;

  constructor(private readonly options: JobQueueOptions) {
    const name = options.name ?? DEFAULT_NAME;
    const report = (source: string) => (error: unknown) => options.onError?.(error, source);
    this.concurrency = Math.max(1, Math.floor(options.concurrency));
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}`;
    this.pool = new InProcessPool(this.concurrency);
    this.redisTimeoutMs = options.redisTimeoutMs ?? 5_000;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 600_000;

    this.worker = null;
    const redis = options.redis;
    if (!redis) {
      this.bull = null;
      return;
    }
    const queue = new Queue(name, {
      connection: jobConnectionOptions(redis, { failFast: true }),
      prefix: options.prefix,
      defaultJobOptions: {
        attempts: Math.max(1, options.attempts),
        backoff: { type: 'exponential', delay: Math.max(0, options.backoffMs) },
        removeOnComplete: { count: KEEP_COMPLETED },
        removeOnFail: { count: KEEP_FAILED },
      },
    });
    queue.on('error', report('queue'));
    // Every job a caller waits for adds a listener for the queue's closing until it finishes: a batch keeps dozens.
    queue.setMaxListeners(0);
    const events = new QueueEvents(name, { connection: jobConnectionOptions(redis, { failFast: false }), prefix: options.prefix });
    events.on('error', report('events'));
    // Many callers may wait at once (a warm-up of thousands of products): one listener each.
    events.setMaxListeners(0);
    this.bull = { queue, events, eventsReady: events.waitUntilReady().catch(() => undefined) };

    if (options.worker ?? true) {
      this.worker = new Worker<JobData, StoredOutcome>(name, (job) => this.handle(job), {
        connection: jobConnectionOptions(redis, { failFast: false }),
        prefix: options.prefix,
        concurrency: this.concurrency,
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? 30_000,
      });
      this.worker.on('error', report('worker'));
    }
  }

  /**
   * Runs a job and resolves with its result once it is done — on whichever instance's worker took it, or here when
   * Redis is unreachable. Rejects with the job's last error when every attempt failed.
   */
  async run(data: JobData): Promise<JobOutcome> {
    const job = await this.tryAdd(data);
    if (!job || !this.bull) return this.runHere(data);
    try {
      const stored: unknown = await job.waitUntilFinished(this.bull.events, this.waitTimeoutMs);
      if (isStoredOutcome(stored)) return { result: stored.result, executor: 'queue', instance: stored.instance };
      return { result: (stored ?? {}) as JobResult, executor: 'queue', instance: 'unknown' };
    } catch (error) {
      // No news of the job in time (Redis went away, every worker is gone): do it here. The handler is
      // idempotent and train-once is guarded by the training lock, so a late queued run does no harm.
      if (error instanceof Error && /timed out before finishing/.test(error.message)) return this.runHere(data);
      throw error;
    }
  }

  /** True when jobs go through a Redis queue (false: no Redis configured, every job runs in-process). */
  get queued(): boolean {
    return this.bull !== null;
  }

  /** Job counts by state; null when Redis is unreachable. */
  async counts(): Promise<JobCounts | null> {
    return this.query(async (queue) => {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
      return {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
      };
    });
  }

  /** The most recent failed jobs (newest first), with their last error; null when Redis is unreachable. */
  async failed(limit = 100): Promise<FailedJob[] | null> {
    return this.query(async (queue) => {
      const jobs = await queue.getFailed(0, Math.max(0, limit - 1));
      return jobs.flatMap((job): FailedJob[] => {
        const data = job.data as Partial<JobData> | undefined;
        if (!job.id || !data || !isJobKind(data.kind) || typeof data.product !== 'string') return [];
        return [
          {
            id: job.id,
            kind: data.kind,
            product: data.product,
            error: job.failedReason || 'unknown error',
            attempts: job.attemptsMade,
            failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
          },
        ];
      });
    });
  }

  /**
   * Puts a failed job back in the queue (its attempts start again). `unknown`: no such job (or Redis is
   * unreachable); `not-failed`: the job exists but has not failed.
   */
  async retry(id: string): Promise<'retried' | 'unknown' | 'not-failed'> {
    const outcome = await this.query(async (queue) => {
      const job = await queue.getJob(id);
      if (!job) return 'unknown' as const;
      if ((await job.getState()) !== 'failed') return 'not-failed' as const;
      await job.retry('failed');
      return 'retried' as const;
    });
    return outcome ?? 'unknown';
  }

  /** Puts every failed job back in the queue; resolves with how many (0 when Redis is unreachable). */
  async retryAllFailed(): Promise<number> {
    const count = await this.query(async (queue) => {
      const failed = await queue.getFailedCount();
      if (failed > 0) await queue.retryJobs({ state: 'failed', count: 1_000 });
      return failed;
    });
    return count ?? 0;
  }

  /**
   * Stops this instance's worker. `force` stops at once, abandoning its running jobs — they are picked up by
   * another worker when their locks expire (a crash, as far as the queue can tell).
   */
  async closeWorker(force = false): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.close(force);
  }

  /**
   * Stops the worker (letting running jobs finish) and closes every connection. Idempotent. Bounded: BullMQ's
   * graceful close waits on Redis, so after `closeTimeoutMs` (at once when Redis was last seen unreachable) the
   * connections are dropped instead — a shutdown never hangs on a Redis that is gone.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    const bull = this.bull;
    if (!bull) return;
    const graceful = Promise.allSettled([worker?.close(), bull.events.close(), bull.queue.close()]);
    try {
      if (this.redisDown) throw new RedisUnavailable('job queue: Redis unreachable at close');
      await within(graceful, this.options.closeTimeoutMs ?? 10_000);
    } catch {
      // BullMQ's disconnect waits for a first connection that may never come: bounded as well.
      const dropped = Promise.allSettled([worker?.disconnect(), bull.events.disconnect(), bull.queue.disconnect()]);
      await within(dropped, 1_000).catch(() => undefined);
    }
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────────────────

  private async handle(job: Job<JobData, StoredOutcome>): Promise<StoredOutcome> {
    const { kind, product, horizons } = job.data;
    const result = await this.options.handler(horizons === undefined ? { kind, product } : { kind, product, horizons });
    return { instance: this.instanceId, result };
  }

  private async runHere(data: JobData): Promise<JobOutcome> {
    const result = await this.pool.run(() => this.options.handler(data));
    return { result, executor: 'in-process', instance: this.instanceId };
  }

  /** The job as added to the queue; null when Redis is unreachable or too slow. */
  private async tryAdd(data: JobData): Promise<Job<JobData, StoredOutcome> | null> {
    if (this.closed || !this.bull) return null;
    try {
      await within(this.bull.eventsReady, this.redisTimeoutMs);
      const job = (await within(this.bull.queue.add(data.kind, data), this.redisTimeoutMs)) as Job<JobData, StoredOutcome>;
      this.redisDown = false;
      return job;
    } catch (error) {
      this.redisDown = true;
      this.options.onError?.(error, 'add');
      return null;
    }
  }

  private async query<T>(read: (queue: Queue) => Promise<T>): Promise<T | null> {
    if (this.closed || !this.bull) return null;
    try {
      const value = await within(read(this.bull.queue), this.redisTimeoutMs);
      this.redisDown = false;
      return value;
    } catch (error) {
      if (error instanceof RedisUnavailable || isConnectionError(error)) {
        this.redisDown = true;
        return null;
      }
      throw error;
    }
  }
}

function isConnectionError(error: unknown): boolean {
  return error instanceof Error && /Connection is closed|Stream isn't writeable|ECONNREFUSED|enableOfflineQueue/.test(error.message);
}
