import type { BenchResult } from './results';

export interface PartOptions {
  /** Small, fast runs to check the harness itself; figures from a quick run are not published. */
  quick: boolean;
  /** How the part was invoked, recorded in its result. */
  command: string;
}

export interface BenchPart {
  name: string;
  title: string;
  run(o: PartOptions): Promise<BenchResult>;
}

/** Free the previous contender's garbage before the next one is timed (node runs with --expose-gc). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}
