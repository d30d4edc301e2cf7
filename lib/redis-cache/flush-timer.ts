/**
 * The background flush of a counter that batches its writes to Redis (history, usage, savings): one interval at a
 * time (starting twice keeps the first), which never keeps the process alive.
 */
export class FlushTimer {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly flush: () => Promise<unknown>) {}

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
