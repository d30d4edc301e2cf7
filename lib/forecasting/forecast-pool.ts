import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { ForecastPoint } from '@/lib/api-types';
import { forecastDemand } from './forecast';
import { ForecastReplySchema, isWorkerReady, type ForecastTask } from './forecast-protocol';
import type { LiveModel } from './prophet-model';

export interface ForecastPoolOptions {
  /** Worker threads (`FORECAST_WORKERS`); 0 = compute on the calling thread. */
  size: number;
  /**
   * OS scheduling priority of the workers (`FORECAST_WORKER_NICE`, 0–19): above 0 the kernel prefers the main
   * thread, which serves cached answers, whenever both want the CPU.
   */
  nice?: number;
  /** A forecast (including its wait in the worker) that takes longer fails and its worker is replaced. */
  timeoutMs?: number;
  /** Where worker trouble is reported (a worker that died or was replaced). */
  onWorkerError?: (error: Error) => void;
  /** Called once if workers cannot start and forecasts move to the calling thread for good. */
  onInProcessFallback?: (error: Error) => void;
  /** Bounds on each worker's memory (`worker_threads` resource limits): a runaway worker dies, the server does not. */
  resourceLimits?: ResourceLimits;
}

interface Pending {
  model: LiveModel;
  days: number;
  resolve: (forecast: ForecastPoint[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Slot {
  worker: Worker | null;
  /** The worker loaded its code and said so: a failure before that is a failure to start, not a crash. */
  ready: boolean;
  pending: Map<number, Pending>;
}

/** Workers that fail to start this many times in a row: forecasts are computed on the calling thread from then on. */
const START_FAILURES_BEFORE_FALLBACK = 3;

/**
 * Computes forecasts in a small pool of worker threads, so a flood of uncached forecasts never holds the event
 * loop that serves cached answers and health checks. Results are the same numbers `forecastDemand` gives in
 * process (same code, same deterministic seed). Each task goes to the worker with the fewest pending tasks;
 * workers start on first use, are unref'd while idle, and a worker that dies or times out is replaced (its
 * pending forecasts fail; the caller's request gets an error, never a hang).
 */
export class ForecastPool {
  private readonly workers: number;
  private readonly slots: Slot[];
  private startFailures = 0;
  private inProcess: boolean;
  private closed = false;
  private readonly onInProcessFallback: ForecastPoolOptions['onInProcessFallback'];
  private readonly resourceLimits: ResourceLimits | undefined;
  private readonly nice: number;
  private readonly timeoutMs: number;
  private readonly onWorkerError: ForecastPoolOptions['onWorkerError'];
  private nextId = 1;

  constructor(options: ForecastPoolOptions) {
    this.workers = Math.max(0, Math.floor(options.size));
    this.inProcess = this.workers === 0;
    this.nice = options.nice ?? 0;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.onWorkerError = options.onWorkerError;
    this.onInProcessFallback = options.onInProcessFallback;
    this.resourceLimits = options.resourceLimits;
    this.slots = Array.from({ length: this.workers }, () => ({ worker: null, ready: false, pending: new Map() }));
  }

  /** Worker threads computing forecasts; 0 when they compute on the calling thread (configured, or fallen back). */
  get size(): number {
    return this.inProcess ? 0 : this.workers;
  }

  /** Tasks sent to workers and not answered yet. */
  get inFlight(): number {
    return this.slots.reduce((sum, slot) => sum + slot.pending.size, 0);
  }

  forecast(model: LiveModel, days: number): Promise<ForecastPoint[]> {
    if (this.inProcess) return computeHere(model, days);
    return new Promise<ForecastPoint[]>((resolve, reject) => this.send({ model, days, resolve, reject }));
  }

  /** Stops the workers; forecasts they were computing fail at once (none is left waiting). */
  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('forecast pool closed');
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = null;
        this.rejectPending(slot, error);
        if (worker) await worker.terminate();
      }),
    );
  }

  private send(job: Omit<Pending, 'timer'>): void {
    if (this.inProcess) {
      computeHere(job.model, job.days).then(job.resolve, job.reject);
      return;
    }
    const slot = this.slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
    const worker = this.ensureWorker(slot);
    const id = this.nextId++;
    const timer = setTimeout(() => {
      if (!slot.pending.has(id)) return;
      // A time bound is the caller's: the task fails (it is not sent again), whether the worker had started or not.
      this.fail(slot, worker, new Error(`forecast did not finish within ${this.timeoutMs} ms`), { resend: false });
      void worker.terminate();
    }, this.timeoutMs);
    timer.unref();
    slot.pending.set(id, { ...job, timer });
    worker.ref();
    const task: ForecastTask = { id, artifact: job.model.artifact, days: job.days };
    worker.postMessage(task);
  }

  private ensureWorker(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const worker = process.env.NEXT_RUNTIME
      ? // Inside Next the bundler turns this URL into the worker's own chunk (compiled JavaScript).
        new Worker(new URL('./forecast.worker.ts', import.meta.url), {
          name: 'prophet-forecast',
          stdout: true,
          stderr: true,
          workerData: { nice: this.nice },
          resourceLimits: this.resourceLimits,
        })
      : // From source (vitest, tsx scripts): register tsx's loader first, as training-worker.ts explains.
        new Worker(
          `require(${JSON.stringify(createRequire(import.meta.url).resolve('tsx/cjs/api'))}).register();` +
            `require(${JSON.stringify(fileURLToPath(new URL('./forecast.worker.ts', import.meta.url)))});`,
          {
            eval: true,
            name: 'prophet-forecast',
            stdout: true,
            stderr: true,
            workerData: { nice: this.nice },
            resourceLimits: this.resourceLimits,
          },
        );
    worker.unref();
    // Always drained: an unread pipe would eventually block the worker. (Prediction prints nothing useful.)
    worker.stdout.resume();
    worker.stderr.resume();
    slot.ready = false;
    worker.on('message', (message: unknown) => {
      if (isWorkerReady(message)) {
        slot.ready = true;
        this.startFailures = 0;
      } else this.settle(slot, message);
    });
    worker.on('error', (error) => this.fail(slot, worker, error));
    worker.on('exit', (code) => this.fail(slot, worker, new Error(`forecast worker exited with code ${code}`)));
    slot.worker = worker;
    return worker;
  }

  private settle(slot: Slot, message: unknown): void {
    // Checked like any input crossing a boundary: a reply that is not a forecast is not handed to a caller.
    const parsed = ForecastReplySchema.safeParse(message);
    if (!parsed.success) return;
    const reply = parsed.data;
    const waiter = slot.pending.get(reply.id);
    if (!waiter) return;
    slot.pending.delete(reply.id);
    clearTimeout(waiter.timer);
    if (slot.pending.size === 0) slot.worker?.unref();
    if (reply.ok) waiter.resolve(reply.forecast);
    else waiter.reject(new Error(reply.message));
  }

  private fail(slot: Slot, worker: Worker, error: Error, { resend = true } = {}): void {
    if (slot.worker !== worker) return;
    slot.worker = null;
    if (!slot.ready && resend && !this.closed) {
      // It never ran a task (a missing chunk, no memory for a thread…): its tasks are sent again — to a new worker,
      // or, after repeated failures, computed here. A server whose workers cannot start still answers.
      this.startFailures++;
      if (this.startFailures >= START_FAILURES_BEFORE_FALLBACK && !this.inProcess) {
        this.inProcess = true;
        this.onInProcessFallback?.(error);
      }
      const jobs = [...slot.pending.values()];
      slot.pending.clear();
      for (const job of jobs) {
        clearTimeout(job.timer);
        this.send(job);
      }
      return;
    }
    if (slot.pending.size > 0) this.onWorkerError?.(error);
    this.rejectPending(slot, error);
  }

  private rejectPending(slot: Slot, error: Error): void {
    for (const waiter of slot.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    slot.pending.clear();
  }
}

/** The calling thread's computation, as a promise (an error becomes a rejection, like a worker's). */
function computeHere(model: LiveModel, days: number): Promise<ForecastPoint[]> {
  return Promise.resolve().then(() => forecastDemand(model, days));
}
