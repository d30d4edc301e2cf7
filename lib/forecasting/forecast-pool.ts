import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ForecastPoint } from '@/lib/api-types';
import { forecastDemand } from './forecast';
import type { ForecastReply, ForecastTask } from './forecast-protocol';
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
}

interface Pending {
  resolve: (forecast: ForecastPoint[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Slot {
  worker: Worker | null;
  pending: Map<number, Pending>;
}

/**
 * Computes forecasts in a small pool of worker threads, so a flood of uncached forecasts never holds the event
 * loop that serves cached answers and health checks. Results are the same numbers `forecastDemand` gives in
 * process (same code, same deterministic seed). Each task goes to the worker with the fewest pending tasks;
 * workers start on first use, are unref'd while idle, and a worker that dies or times out is replaced (its
 * pending forecasts fail; the caller's request gets an error, never a hang).
 */
export class ForecastPool {
  readonly size: number;
  private readonly slots: Slot[];
  private readonly nice: number;
  private readonly timeoutMs: number;
  private readonly onWorkerError: ForecastPoolOptions['onWorkerError'];
  private nextId = 1;

  constructor(options: ForecastPoolOptions) {
    this.size = Math.max(0, Math.floor(options.size));
    this.nice = options.nice ?? 0;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.onWorkerError = options.onWorkerError;
    this.slots = Array.from({ length: this.size }, () => ({ worker: null, pending: new Map() }));
  }

  /** Tasks sent to workers and not answered yet. */
  get inFlight(): number {
    return this.slots.reduce((sum, slot) => sum + slot.pending.size, 0);
  }

  forecast(model: LiveModel, days: number): Promise<ForecastPoint[]> {
    if (this.size === 0) return Promise.resolve(forecastDemand(model, days));
    const slot = this.slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
    const worker = this.ensureWorker(slot);
    const id = this.nextId++;
    return new Promise<ForecastPoint[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!slot.pending.has(id)) return;
        this.fail(slot, worker, new Error(`forecast did not finish within ${this.timeoutMs} ms`));
        void worker.terminate();
      }, this.timeoutMs);
      timer.unref();
      slot.pending.set(id, { resolve, reject, timer });
      worker.ref();
      const task: ForecastTask = { id, artifact: model.artifact, days };
      worker.postMessage(task);
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = null;
        if (worker) await worker.terminate();
      }),
    );
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
        })
      : // From source (vitest, tsx scripts): register tsx's loader first, as training-worker.ts explains.
        new Worker(
          `require(${JSON.stringify(createRequire(import.meta.url).resolve('tsx/cjs/api'))}).register();` +
            `require(${JSON.stringify(fileURLToPath(new URL('./forecast.worker.ts', import.meta.url)))});`,
          { eval: true, name: 'prophet-forecast', stdout: true, stderr: true, workerData: { nice: this.nice } },
        );
    worker.unref();
    // Always drained: an unread pipe would eventually block the worker. (Prediction prints nothing useful.)
    worker.stdout.resume();
    worker.stderr.resume();
    worker.on('message', (reply: ForecastReply) => this.settle(slot, reply));
    worker.on('error', (error) => this.fail(slot, worker, error));
    worker.on('exit', (code) => this.fail(slot, worker, new Error(`forecast worker exited with code ${code}`)));
    slot.worker = worker;
    return worker;
  }

  private settle(slot: Slot, reply: ForecastReply): void {
    const waiter = slot.pending.get(reply.id);
    if (!waiter) return;
    slot.pending.delete(reply.id);
    clearTimeout(waiter.timer);
    if (slot.pending.size === 0) slot.worker?.unref();
    if (reply.ok) waiter.resolve(reply.forecast);
    else waiter.reject(new Error(reply.message));
  }

  private fail(slot: Slot, worker: Worker, error: Error): void {
    if (slot.worker !== worker) return;
    slot.worker = null;
    if (slot.pending.size > 0) this.onWorkerError?.(error);
    for (const waiter of slot.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    slot.pending.clear();
  }
}
