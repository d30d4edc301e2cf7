import type { BenchResult } from './results';

export interface PartOptions {
  /** Small, fast runs to check the harness itself; figures from a quick run are not published. */
  quick: boolean;
  /** How the part was invoked, recorded in its result. */
  command: string;
}

/** What a part measured; bench/run.ts adds its name, title, duration and the load average afterwards. */
export type PartResult = Omit<BenchResult, 'name' | 'title' | 'durationSec'>;

export interface BenchPart {
  name: string;
  title: string;
  run(o: PartOptions): Promise<PartResult>;
}

/** Free the previous contender's garbage before the next one is timed (node runs with --expose-gc). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}
