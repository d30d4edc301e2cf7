import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
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
   * Fits a worker thread runs before it is replaced (default {@link DEFAULT_FITS_PER_WORKER}). Stan's WASM optimizer
   * (`@bsull/augurs-prophet-wasmstan` 0.2.0) keeps ≈ 0.65 MB of its linear memory per optimization and never gives
   * it back — measured over 1,000 optimizations of one series, while building and freeing Prophet models without it
   * stays flat — so a thread that has fitted a few thousand models cannot allocate any more and every later fit
   * fails (28 % of a 10,000-product warm-up did). A thread's memory goes with it: a fresh one bounds the leak.
   */
  fitsPerWorker?: number;
  /**
   * What the worker writes to stdout/stderr — Stan's optimizer prints e.g. "Exception thrown" when a first
   * attempt fails (the fit then retries). Captured so it never interleaves with the service's JSON log lines;
   * dropped when no handler is given.
   */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

/** ≈ 160 MB of leaked optimizer memory at most per thread; a new thread's start (≈ 0.2 s) is paid once per 250 fits. */
export const DEFAULT_FITS_PER_WORKER = 250;

/** What a worker thread is asked: a sales model fit, or a request volume forecast (train.worker.ts). */
export type WorkerRequest = { kind: 'fit'; input: TrainingInput } | { kind: 'volume'; firstHour: number; series: readonly number[]; horizon: number };

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

const VOLUME_SCHEMA = z.array(z.number().finite());

/** One worker thread and the fits it was given. */
interface Slot {
  worker: Worker;
  /** Fits sent to it, in all. */
  sent: number;
  /** Fits sent and not yet settled. */
  inFlight: number;
}

/**
 * Runs fits — sales models, and the predictive warm-up's volume forecasts — in a `worker_threads` Worker so a fit
 * never blocks the event loop serving requests, and so the optimizer's leak (see `fitsPerWorker`) stays in threads
 * that are replaced. The worker starts on first use (its WASM initialisation is paid once per thread), is unref'd
 * while idle so it never keeps a process alive, is replaced if it dies (its pending fits are rejected), and is
 * retired after `fitsPerWorker` fits: the next fit starts a fresh thread while the old one finishes what it was
 * given, then exits.
 */
export class TrainingWorker {
  private current: Slot | null = null;
  /** Every thread still running: the current one and retired ones finishing their fits. */
  private readonly live = new Set<Slot>();
  private nextId = 1;
  private readonly pending = new Map<number, { slot: Slot; resolve: (result: unknown) => void; reject: (e: Error) => void }>();
  /** Worker threads started since construction. */
  workersStarted = 0;

  /** Worker threads running now (the current one and retired ones still finishing). */
  get threads(): number {
    return this.live.size;
  }

  private readonly timeoutMs: number;
  private readonly fitsPerWorker: number;
  private readonly onOutput: TrainingWorkerOptions['onOutput'];

  constructor(options: TrainingWorkerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.fitsPerWorker = options.fitsPerWorker ?? DEFAULT_FITS_PER_WORKER;
    if (!(Number.isInteger(this.fitsPerWorker) && this.fitsPerWorker >= 1)) throw new TypeError('fitsPerWorker must be an integer ≥ 1');
    this.onOutput = options.onOutput;
  }

  /** A Prophet fit of a product's sales (prophet-model.ts `fitModel`). */
  fit(input: TrainingInput): Promise<FitResult> {
    return this.request({ kind: 'fit', input }, (result) => {
      const parsed = FitResultSchema.safeParse(result);
      if (!parsed.success) throw new Error('training worker returned a malformed result');
      return parsed.data;
    });
  }

  /** The hourly request volume forecast of the predictive warm-up (usage-forecast.ts): it fits Prophet too. */
  forecastVolume(firstHour: number, series: readonly number[], horizon: number): Promise<number[]> {
    return this.request({ kind: 'volume', firstHour, series, horizon }, (result) => {
      const parsed = VOLUME_SCHEMA.safeParse(result);
      if (!parsed.success) throw new Error('training worker returned a malformed volume forecast');
      return parsed.data;
    });
  }

  private request<T>(work: WorkerRequest, parse: (result: unknown) => T): Promise<T> {
    const slot = this.ensureSlot();
    const id = this.nextId++;
    slot.sent++;
    slot.inFlight++;
    if (slot.sent >= this.fitsPerWorker) this.current = null; // retired: it exits once its fits are settled
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.has(id)) return;
        this.fail(slot, new Error(`training did not finish within ${this.timeoutMs} ms`));
        void slot.worker.terminate();
      }, this.timeoutMs);
      timer.unref();
      this.pending.set(id, {
        slot,
        resolve: (result) => {
          clearTimeout(timer);
          try {
            resolve(parse(result));
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      slot.worker.ref();
      slot.worker.postMessage({ id, ...work });
    });
  }

  async close(): Promise<void> {
    const slots = [...this.live];
    this.current = null;
    this.live.clear();
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private ensureSlot(): Slot {
    if (this.current) return this.current;
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
    const slot: Slot = { worker, sent: 0, inFlight: 0 };
    worker.unref();
    // Always drained: an unread pipe would eventually block the worker.
    worker.stdout.on('data', (chunk: Buffer) => this.onOutput?.('stdout', chunk.toString('utf8')));
    worker.stderr.on('data', (chunk: Buffer) => this.onOutput?.('stderr', chunk.toString('utf8')));
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (error) => this.fail(slot, error));
    worker.on('exit', (code) => this.fail(slot, new Error(`training worker exited with code ${code}`)));
    this.current = slot;
    this.live.add(slot);
    this.workersStarted++;
    return slot;
  }

  private settle(reply: Reply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    const { slot } = waiter;
    slot.inFlight--;
    if (slot.inFlight === 0) {
      if (slot === this.current) slot.worker.unref();
      else {
        // Retired and done: its memory goes with the thread.
        this.live.delete(slot);
        void slot.worker.terminate();
      }
    }
    if (reply.ok) waiter.resolve(reply.result);
    else waiter.reject(new Error(reply.message));
  }

  /** The thread is gone or given up on: the fits it was given fail; the next fit starts another. */
  private fail(slot: Slot, error: Error): void {
    if (this.current === slot) this.current = null;
    this.live.delete(slot);
    for (const [id, waiter] of this.pending) {
      if (waiter.slot !== slot) continue;
      this.pending.delete(id);
      waiter.reject(error);
    }
    slot.inFlight = 0;
  }
}
