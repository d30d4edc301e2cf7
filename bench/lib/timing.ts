import { performance } from 'node:perf_hooks';

/** Calls `fn` `n` times one after the other; returns each call's duration (ms). */
export async function timeCalls(n: number, fn: (i: number) => unknown): Promise<number[]> {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out[i] = performance.now() - t0;
  }
  return out;
}

/**
 * Sequential calls until `maxCalls` were made or `budgetMs` has passed (at least `minCalls`): fast operations get
 * thousands of samples, slow ones (a model rebuild) a few dozen, and the whole suite stays within its time budget.
 */
export async function timeCallsBudget(maxCalls: number, budgetMs: number, minCalls: number, fn: (i: number) => unknown): Promise<number[]> {
  const out: number[] = [];
  const end = performance.now() + budgetMs;
  for (let i = 0; i < maxCalls && (i < minCalls || performance.now() < end); i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}
