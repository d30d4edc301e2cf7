/**
 * A background job runner with progress, for warming a cache up (or any other list of independent tasks).
 * Framework-free: it knows nothing of HTTP, of what the tasks load, or of the cache they fill.
 *
 * - One job at a time per runner: `start` while a job runs returns `{ started: false, job }` with the running
 *   job, so the caller can answer "already running" with its progress.
 * - The plan (the task list) is built inside the job, so listing what to warm (itself a slow call) does not
 *   delay `start`, which returns at once.
 * - Tasks run with bounded concurrency; one failing task is recorded and the others go on. A task that neither
 *   resolves nor rejects within `taskTimeoutMs` is recorded as failed, so a hung dependency can't leave the job
 *   "running" forever (and every later warm-up refused).
 * - Each finished task's value may name who executed it (`executorOf`, e.g. the instance whose job worker ran
 *   it): the snapshot counts finished tasks per executor, so a job spread over instances says which took part.
 * - `snapshot()` returns copies: callers can't change the runner's state.
 */

import { errorMessage, withTimeout } from './timeout';

export interface WarmUpTask {
  /** Short, human-readable, e.g. "model:Bolo" or "prediction:Bolo:7d". */
  name: string;
  run: () => Promise<unknown>;
}

export type WarmUpState = 'running' | 'done' | 'failed';

export interface WarmUpSnapshot {
  id: string;
  state: WarmUpState;
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** Tasks finished so far, successful or not. */
  done: number;
  /** Tasks planned; 0 until the plan is known. */
  total: number;
  /** Tasks that failed (all of them, where `errors` keeps the first few). */
  failed: number;
  /** Finished tasks per executor (see `executorOf`), in order of first appearance. */
  executors: { executor: string; tasks: number }[];
  errors: { task: string; message: string }[];
}

export interface WarmUpOptions {
  /** Why it runs, e.g. "manual" or "startup"; reported as is. */
  trigger: string;
  /** Builds the task list. Groups run one after the other (e.g. models before their predictions); tasks of a group run concurrently. */
  plan: () => Promise<WarmUpTask[][]> | WarmUpTask[][];
  /** Tasks of a group run at most this many at once (default 2). */
  concurrency?: number;
  /** A task taking longer than this counts as failed (default 120 000 ms). */
  taskTimeoutMs?: number;
  /** Who executed a task, read from the value it resolved with; null: not counted (the default for every task). */
  executorOf?: (value: unknown) => string | null;
}

export type WarmUpStartResult = { started: true; job: WarmUpSnapshot } | { started: false; job: WarmUpSnapshot };

export interface WarmUpRunnerEvents {
  onTaskFinished?: (task: string, error: Error | null) => void;
  onJobFinished?: (job: WarmUpSnapshot) => void;
}

/** Error messages are kept short: they come from arbitrary code and end up in API responses. */
const MAX_ERRORS = 50;
const MAX_MESSAGE_LENGTH = 200;

export class WarmUpRunner {
  private job: WarmUpSnapshot | null = null;
  private running: Promise<WarmUpSnapshot> | null = null;
  private sequence = 0;

  constructor(private readonly events: WarmUpRunnerEvents = {}) {}

  /** Starts a job unless one is running; never waits for the job itself. */
  start(options: WarmUpOptions): WarmUpStartResult {
    if (this.job !== null && this.job.state === 'running') return { started: false, job: this.snapshot()! };
    this.sequence += 1;
    const job: WarmUpSnapshot = {
      id: `${Date.now().toString(36)}-${this.sequence}`,
      state: 'running',
      trigger: options.trigger,
      startedAt: new Date(),
      finishedAt: null,
      done: 0,
      total: 0,
      failed: 0,
      executors: [],
      errors: [],
    };
    this.job = job;
    this.running = this.execute(job, options);
    return { started: true, job: this.snapshot()! };
  }

  /** The running job, or the last finished one, or null when none ran yet. */
  snapshot(): WarmUpSnapshot | null {
    const job = this.job;
    if (job === null) return null;
    return {
      ...job,
      startedAt: new Date(job.startedAt),
      finishedAt: job.finishedAt && new Date(job.finishedAt),
      executors: job.executors.map((e) => ({ ...e })),
      errors: job.errors.map((e) => ({ ...e })),
    };
  }

  /** Resolves when the current job (if any) has finished. */
  async idle(): Promise<WarmUpSnapshot | null> {
    if (this.running !== null) await this.running;
    return this.snapshot();
  }

  private async execute(job: WarmUpSnapshot, options: WarmUpOptions): Promise<WarmUpSnapshot> {
    const concurrency = Math.max(1, options.concurrency ?? 2);
    const timeoutMs = options.taskTimeoutMs ?? 120_000;
    const executorOf = options.executorOf ?? (() => null);
    try {
      // Yield first: building the plan may do synchronous work (opening a database, seeding it), and `start`
      // — called from a request or from the server's start hook — must return before any of it runs.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const groups = await options.plan();
      job.total = groups.reduce((sum, group) => sum + group.length, 0);
      for (const group of groups) {
        await runPool(group, concurrency, async (task) => {
          let failure: Error | null = null;
          try {
            const value = await withTimeout(task.run(), timeoutMs, `${task.name} took longer than ${timeoutMs} ms`);
            countExecutor(job, executorOf(value));
          } catch (error) {
            failure = error instanceof Error ? error : new Error(String(error));
            job.failed += 1;
            if (job.errors.length < MAX_ERRORS) job.errors.push({ task: task.name, message: shortMessage(failure) });
          }
          job.done += 1;
          notify(() => this.events.onTaskFinished?.(task.name, failure));
        });
      }
      // Some failures still leave a useful warm cache; the job failed only when nothing at all succeeded.
      job.state = job.total > 0 && job.failed === job.total ? 'failed' : 'done';
    } catch (error) {
      job.state = 'failed';
      job.errors.push({ task: 'plan', message: shortMessage(error) });
    }
    job.finishedAt = new Date();
    const finished = this.snapshot()!;
    notify(() => this.events.onJobFinished?.(finished));
    return finished;
  }
}

function countExecutor(job: WarmUpSnapshot, executor: string | null): void {
  if (executor === null) return;
  const entry = job.executors.find((e) => e.executor === executor);
  if (entry) entry.tasks += 1;
  else job.executors.push({ executor, tasks: 1 });
}

/** A listener's bug must not break the job (or surface as an unhandled rejection). */
function notify(listener: () => void): void {
  try {
    listener();
  } catch {
    // ignored on purpose: observers are best-effort
  }
}

async function runPool<T>(items: T[], concurrency: number, worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await worker(item);
    }
  });
  await Promise.all(lanes);
}

function shortMessage(error: unknown): string {
  const message = errorMessage(error);
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : message;
}
