/**
 * Circuit breaker in front of Redis.
 *
 * closed: calls use Redis. A failure (connection error, command timeout) opens it at once — for a cache one
 * failure is enough evidence, and every further call would pay the same timeout.
 * open: calls go straight to the memory tier without touching the socket. After a cooldown (doubling up to
 * 10 s while failures continue) one probe (PING) runs in the background; the hot path never waits for
 * it. The probe also runs as soon as the client reports `ready` again.
 * half-open: the probe is in flight; calls still use memory.
 * The probe succeeding closes the breaker: Redis is used again (automatic return).
 *
 * `allows()` is a field comparison — it is on the hot path.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Upper bound of the doubling cooldown between probes. */
const MAX_COOLDOWN_MS = 10_000;

export interface BreakerOptions {
  cooldownMs: number;
  /** Resolves when Redis answers; rejects otherwise. */
  probe: () => Promise<void>;
  onChange: (state: BreakerState, reason: string) => void;
}

export class CircuitBreaker {
  state: BreakerState;
  private cooldownMs: number;
  private timer: NodeJS.Timeout | null = null;
  private closedFor = false;
  /** Error replies seen (Redis reachable but refusing a command). */
  replyErrors = 0;
  lastError: string | null = null;
  openedAt: number | null = null;

  constructor(private readonly opts: BreakerOptions, initial: BreakerState = 'closed') {
    this.state = initial;
    this.cooldownMs = opts.cooldownMs;
  }

  /** True when calls may use Redis. */
  allows(): boolean {
    return this.state === 'closed';
  }

  /**
   * Records a failed Redis call: opens the circuit (once) and schedules a probe. An error *reply* (Redis answered,
   * e.g. OOM under `maxmemory` with `noeviction`, WRONGTYPE) says Redis is reachable: it is counted, not tripped on —
   * otherwise an OOM server would flap the whole service between tiers every cooldown.
   */
  failure(err: unknown): void {
    if (err instanceof Error && err.name === 'ReplyError') {
      this.replyErrors++;
      this.lastError = err.message;
      return;
    }
    this.lastError = err instanceof Error ? err.message : String(err);
    if (this.state === 'closed') {
      this.state = 'open';
      this.openedAt = Date.now();
      this.cooldownMs = this.opts.cooldownMs;
      this.opts.onChange('open', this.lastError);
      this.schedule();
    }
  }

  /** Marks Redis reachable (e.g. the first connection succeeded). */
  markHealthy(reason: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const was = this.state;
    this.state = 'closed';
    this.openedAt = null;
    this.cooldownMs = this.opts.cooldownMs;
    if (was !== 'closed') this.opts.onChange('closed', reason);
  }

  /** Marks Redis unreachable whatever the state (e.g. the first connection failed) and schedules a probe. */
  markDown(err: unknown): void {
    if (this.state === 'closed') return this.failure(err);
    this.lastError = err instanceof Error ? err.message : String(err);
    this.openedAt ??= Date.now();
    if (this.state === 'half-open') return;
    this.schedule();
  }

  /** Runs a probe now (e.g. the client just became ready). No-op when closed or a probe is running. */
  probeNow(): void {
    if (this.state !== 'open' || this.closedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.runProbe();
  }

  /** Stops timers (on close). */
  dispose(): void {
    this.closedFor = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.closedFor || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runProbe();
    }, this.cooldownMs);
    this.timer.unref();
  }

  private async runProbe(): Promise<void> {
    if (this.state !== 'open' || this.closedFor) return;
    this.state = 'half-open';
    try {
      await this.opts.probe();
      if (this.closedFor || (this.state as BreakerState) === 'closed') return; // closed meanwhile by markHealthy
      this.markHealthy('probe succeeded');
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.state = 'open';
      this.cooldownMs = Math.min(this.cooldownMs * 2, MAX_COOLDOWN_MS);
      this.schedule();
    }
  }
}
