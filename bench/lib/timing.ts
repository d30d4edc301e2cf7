import { performance } from 'node:perf_hooks';
import { median } from './stats';

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

/** Median duration (ms) of `n` sequential calls. */
export async function medianCall(n: number, fn: (i: number) => unknown): Promise<number> {
  return median(await timeCalls(n, fn));
}
