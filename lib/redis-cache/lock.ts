/**
 * Cross-instance mutual exclusion: `SET key token NX PX ttl`, released only by its holder (Lua compares the
 * token, so an expired-and-retaken lock is never released by the old holder), extended by a watchdog while the
 * work runs (so a slow job doesn't lose its lock at `ttl`). While Redis is unavailable the lock is in-process
 * only — the best that can be done without a shared store, and what a cache (not a ledger) needs.
 * Contenders in the same process queue on a local promise chain first, so they don't poll Redis.
 */
import { randomUUID } from 'node:crypto';
import type { CircuitBreaker } from './circuit-breaker';
import type { RedisClient } from './connection';

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

/** Deletes KEYS[1] only if it still holds the token ARGV[1] (a lock released by its holder, never by another). */
export const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export class LockManager {
  private readonly local = new Map<string, Promise<void>>();

  constructor(
    private readonly client: RedisClient,
    private readonly breaker: CircuitBreaker,
    private readonly keyOf: (name: string) => string,
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
        const waited = await Promise.race([prev.then(() => true), sleep(Math.max(0, deadline - Date.now())).then(() => false)]);
        if (!waited) throw new LockTimeoutError(name);
      }
      // 2. Redis.
      const key = this.keyOf(name);
      const token = randomUUID();
      const held = await this.acquire(key, token, ttlMs, deadline, name);
      let watchdog: NodeJS.Timeout | null = null;
      if (held) {
        watchdog = setInterval(() => {
          this.client.eval(EXTEND, 1, key, token, String(ttlMs)).catch(() => undefined);
        }, Math.max(50, Math.floor(ttlMs / 3)));
        watchdog.unref();
      }
      try {
        return await fn();
      } finally {
        if (watchdog) clearInterval(watchdog);
        if (held) await this.client.eval(RELEASE, 1, key, token).catch(() => undefined);
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
      if (!this.breaker.allows()) return false;
      try {
        const ok = await this.client.set(key, token, 'PX', ttlMs, 'NX');
        if (ok === 'OK') return true;
      } catch (err) {
        this.breaker.failure(err);
        return false;
      }
      if (Date.now() >= deadline) throw new LockTimeoutError(name);
      await sleep(Math.min(delay + Math.random() * delay, Math.max(1, deadline - Date.now())));
      delay = Math.min(delay * 2, 200);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
