/**
 * Runs tasks in this process, at most `concurrency` at a time, in arrival order: the job queue's fallback while
 * Redis is unreachable. Twelve lines do not justify a dependency (p-limit is ESM-only and does the same).
 */
export class InProcessPool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
