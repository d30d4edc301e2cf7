/**
 * Cross-instance mutual exclusion: `SET key token NX PX ttl`, released only by its holder (Lua compares the
 * token, so an expired-and-retaken lock is never released by the old holder), extended by a watchdog while the
 * work runs (so a slow job doesn't lose its lock at `ttl`). While Redis is unavailable the lock is in-process
 * only — the best that can be done without a shared store, and what a cache (not a ledger) needs.
 * Contenders in the same process queue on a local promise chain first, so they don't poll Redis.
 */
import { randomUUID } from 'node:crypto';
import { UNAVAILABLE, type RedisGate } from './redis-gate';
import { sleep, withTimeout } from './timeout';

/** Thrown when the lock could not be acquired within `waitMs`. `code` is stable for callers (e.g. → HTTP 409). */
export class LockTimeoutError extends Error {
  readonly code = 'LOCK_TIMEOUT';
  constructor(readonly lockName: string) {
    super(`lock "${lockName}" is held elsewhere`);
    this.name = 'LockTimeoutError';
  }
}

/**
 * True for a LockTimeoutError from any copy of this module (server bundles can each carry one while the cache
 * system on globalThis is shared, so `instanceof` alone can miss it).
 */
export function isLockTimeoutError(error: unknown): error is LockTimeoutError {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'LOCK_TIMEOUT';
}

export interface LockOptions {
  /** How long to wait for the lock (ms). Default: the lock's ttl. 0 = try once. */
  waitMs?: number;
}

export class LockManager {
  private readonly local = new Map<string, Promise<void>>();

  constructor(
    private readonly gate: RedisGate,
    private readonly keyOf: (name: string) => string,
    /** Told of every wait that ended in a LockTimeoutError (metrics). */
    private readonly onTimeout: (name: string) => void = () => undefined,
  ) {}

  async run<T>(name: string, ttlMs: number, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
    if (!(ttlMs > 0)) throw new TypeError('lock ttl must be a positive number of milliseconds');
    const waitMs = opts.waitMs ?? ttlMs;
    const deadline = Date.now() + waitMs;

    // 1. In-process queue.
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const prev = this.local.get(name);
    const chained = prev ? prev.then(() => mine) : mine;
    this.local.set(name, chained);
    try {
      if (prev) {
        await withTimeout(prev, Math.max(0, deadline - Date.now()), () => this.timedOut(name));
      }
      // 2. Redis.
      const key = this.keyOf(name);
      const token = randomUUID();
      const held = await this.acquire(key, token, ttlMs, deadline, name);
      let watchdog: NodeJS.Timeout | null = null;
      if (held) {
        watchdog = setInterval(
          () => {
            void this.gate.run((c) => c.extendLock(key, token, ttlMs));
          },
          Math.max(50, Math.floor(ttlMs / 3)),
        );
        watchdog.unref();
      }
      try {
        return await fn();
      } finally {
        if (watchdog) clearInterval(watchdog);
        if (held) await this.gate.run((c) => c.releaseLock(key, token));
      }
    } finally {
      release();
      if (this.local.get(name) === chained) this.local.delete(name);
    }
  }

  /** true: held in Redis; false: Redis unavailable (in-process only). Throws LockTimeoutError on timeout. */
  private async acquire(key: string, token: string, ttlMs: number, deadline: number, name: string): Promise<boolean> {
    let delay = 10;
    for (;;) {
      if (!this.gate.up) return false;
      const ok = await this.gate.run((c) => c.set(key, token, 'PX', ttlMs, 'NX'));
      if (ok === UNAVAILABLE) return false;
      if (ok === 'OK') return true;
      if (Date.now() >= deadline) throw this.timedOut(name);
      await sleep(Math.min(delay + Math.random() * delay, Math.max(1, deadline - Date.now())));
      delay = Math.min(delay * 2, 200);
    }
  }

  private timedOut(name: string): LockTimeoutError {
    this.onTimeout(name);
    return new LockTimeoutError(name);
  }
}
