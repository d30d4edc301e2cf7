import type { CacheSystem } from '@/lib/redis-cache';

/** Runs `fn` while holding the named lock (expiring after `ttlMs` should the holder die). */
export type LockFn = <T>(name: string, ttlMs: number, fn: () => Promise<T>) => Promise<T>;

const chains = new Map<string, Promise<unknown>>();

/** Mutual exclusion inside this process only: callers of one name run one after the other. */
export const inProcessLock: LockFn = async (name, _ttlMs, fn) => {
  const previous = chains.get(name) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  chains.set(name, tail);
  try {
    return await run;
  } finally {
    if (chains.get(name) === tail) chains.delete(name);
  }
};

/**
 * The cache system's cross-instance lock (a Redis lock with expiry, in-process while Redis is down) when it has
 * one; otherwise the in-process lock, which still guarantees one fit at a time per product in this process.
 */
export function lockOf(system: CacheSystem): LockFn {
  const candidate = (system as unknown as { lock?: LockFn }).lock;
  return typeof candidate === 'function' ? (candidate.bind(system) as LockFn) : inProcessLock;
}
