import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FitResultSchema, type FitResult } from './model-artifact';
import type { TrainingInput } from './prophet-model';

export interface TrainingWorkerOptions {
  /**
   * A fit (including its wait behind earlier fits) that takes longer is abandoned: the worker is terminated (a
   * stuck WASM call cannot be interrupted otherwise) and every pending fit fails, so a request or a training lock
   * never waits forever. Fits take well under a second; the default (120 s) leaves a wide margin.
   */
  timeoutMs?: number;
  /**
   * What the worker writes to stdout/stderr — Stan's optimizer prints e.g. "Exception thrown" when a first
   * attempt fails (the fit then retries). Captured so it never interleaves with the service's JSON log lines;
   * dropped when no handler is given.
   */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

/**
 * Runs fits in one long-lived `worker_threads` Worker so a fit never blocks the event loop serving requests.
 * The worker starts on first use (its WASM initialisation is paid once), is unref'd while idle so it never keeps a
 * process alive, and is replaced if it dies (pending fits are rejected).
 */
export class TrainingWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: FitResult) => void; reject: (e: Error) => void }>();

  private readonly timeoutMs: number;
  private readonly onOutput: TrainingWorkerOptions['onOutput'];

  constructor(options: TrainingWorkerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.onOutput = options.onOutput;
  }

  fit(input: TrainingInput): Promise<FitResult> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<FitResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.has(id)) return;
        this.fail(worker, new Error(`training did not finish within ${this.timeoutMs} ms`));
        void worker.terminate();
      }, this.timeoutMs);
      timer.unref();
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      worker.ref();
      worker.postMessage({ id, input });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = process.env.NEXT_RUNTIME
      ? // Inside Next the bundler turns this URL into the worker's own chunk (compiled JavaScript).
        new Worker(new URL('./train.worker.ts', import.meta.url), { name: 'prophet-training', stdout: true, stderr: true })
      : // Run from source (vitest, tsx scripts) the worker is TypeScript: a bootstrap registers tsx's loader first
        // (`--import tsx` in a worker's execArgv does not apply its hooks to the worker's entry on Node 20).
        new Worker(
          `require(${JSON.stringify(createRequire(import.meta.url).resolve('tsx/cjs/api'))}).register();` +
            `require(${JSON.stringify(fileURLToPath(new URL('./train.worker.ts', import.meta.url)))});`,
          { eval: true, name: 'prophet-training', stdout: true, stderr: true },
        );
    worker.unref();
    // Always drained: an unread pipe would eventually block the worker.
    worker.stdout.on('data', (chunk: Buffer) => this.onOutput?.('stdout', chunk.toString('utf8')));
    worker.stderr.on('data', (chunk: Buffer) => this.onOutput?.('stderr', chunk.toString('utf8')));
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) => this.fail(worker, new Error(`training worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: Reply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.ok) {
      const parsed = FitResultSchema.safeParse(reply.result);
      if (parsed.success) waiter.resolve(parsed.data);
      else waiter.reject(new Error('training worker returned a malformed result'));
    } else {
      waiter.reject(new Error(reply.message));
    }
  }

  private fail(worker: Worker, error: Error): void {
    if (this.worker === worker) this.worker = null;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
