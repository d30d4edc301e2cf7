/**
 * Background refreshes of values served stale (grace.ts): one retry loop per key, whatever the number of callers
 * that were served the stale copy meanwhile. Each loop makes at most `maxAttempts` attempts with exponential
 * backoff (`baseDelayMs` doubling to `maxDelayMs`), and at most `maxKeys` loops run at once: an outage of the
 * source cannot grow the work without bound. Timers are unref'd and {@link GraceRefresher.close} cancels them.
 */
import type { CacheLogger } from './logger';
import { errorMessage } from './timeout';

export interface GraceRefresherOptions {
  /** First wait before a refresh attempt (ms, default 1000); doubles after each failure. */
  baseDelayMs?: number;
  /** Longest wait between attempts (ms, default 30 000). */
  maxDelayMs?: number;
  /** Attempts per key before the loop gives up (default 8); the next stale answer starts a new loop. */
  maxAttempts?: number;
  /** Loops running at once (default 1000); a key beyond that is not refreshed in the background. */
  maxKeys?: number;
}

interface Loop {
  timer: ReturnType<typeof setTimeout>;
  attempt: number;
}

export class GraceRefresher {
  private readonly loops = new Map<string, Loop>();
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxAttempts: number;
  private readonly maxKeys: number;
  private closed = false;
  /** Refreshes that replaced a stale value, and loops that gave up (since start). */
  refreshed = 0;
  abandoned = 0;

  constructor(
    private readonly log: CacheLogger,
    opts: GraceRefresherOptions = {},
  ) {
    this.baseDelayMs = opts.baseDelayMs ?? 1000;
    this.maxDelayMs = opts.maxDelayMs ?? 30_000;
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.maxKeys = opts.maxKeys ?? 1000;
  }

  /** Keys with a refresh loop running. */
  get pending(): number {
    return this.loops.size;
  }

  /** Starts a refresh loop for `key` unless one runs already. `refresh` recomputes and stores; a rejection retries. */
  schedule(key: string, refresh: () => Promise<unknown>): void {
    if (this.closed || this.loops.has(key) || this.loops.size >= this.maxKeys) return;
    this.arm(key, refresh, 0);
  }

  /** Cancels every loop (the system is closing). */
  close(): void {
    this.closed = true;
    for (const loop of this.loops.values()) clearTimeout(loop.timer);
    this.loops.clear();
  }

  private arm(key: string, refresh: () => Promise<unknown>, attempt: number): void {
    const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
    const timer = setTimeout(() => void this.attempt(key, refresh, attempt), delay);
    timer.unref?.();
    this.loops.set(key, { timer, attempt });
  }

  private async attempt(key: string, refresh: () => Promise<unknown>, attempt: number): Promise<void> {
    try {
      await refresh();
      if (this.closed) return;
      this.loops.delete(key);
      this.refreshed++;
      this.log.info({ key, attempts: attempt + 1 }, 'stale value refreshed');
    } catch (err) {
      if (this.closed) return;
      if (attempt + 1 >= this.maxAttempts) {
        this.loops.delete(key);
        this.abandoned++;
        this.log.warn({ key, attempts: attempt + 1, err: errorMessage(err) }, 'refresh of a stale value abandoned');
        return;
      }
      this.arm(key, refresh, attempt + 1);
    }
  }
}
