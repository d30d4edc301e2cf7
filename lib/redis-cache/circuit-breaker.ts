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
 * `allows()` is a field comparison — it is on the hot path. The state is private: it changes only through the
 * methods below, so every transition is reported through `onChange`.
 */
import { errorMessage } from './timeout';

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
  private current: BreakerState;
  private cooldownMs: number;
  private timer: NodeJS.Timeout | null = null;
  private disposed = false;
  private replyErrorCount = 0;
  private lastErrorText: string | null = null;
  private openedAtMs: number | null = null;

  constructor(
    private readonly opts: BreakerOptions,
    initial: BreakerState = 'closed',
  ) {
    this.current = initial;
    this.cooldownMs = opts.cooldownMs;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Error replies seen (Redis reachable but refusing a command, e.g. OOM). */
  get replyErrors(): number {
    return this.replyErrorCount;
  }

  get lastError(): string | null {
    return this.lastErrorText;
  }

  /** When the breaker last opened (epoch ms); null while closed. */
  get openedAt(): number | null {
    return this.openedAtMs;
  }

  /** True when calls may use Redis. */
  allows(): boolean {
    return this.current === 'closed';
  }

  /**
   * Records a failed Redis call: opens the circuit (once) and schedules a probe. An error *reply* (Redis answered,
   * e.g. OOM under `maxmemory` with `noeviction`, WRONGTYPE) says Redis is reachable: it is counted, not tripped on —
   * otherwise an OOM server would flap the whole service between tiers every cooldown.
   */
  failure(err: unknown): void {
    if (err instanceof Error && err.name === 'ReplyError') {
      this.replyErrorCount++;
      this.lastErrorText = err.message;
      return;
    }
    this.lastErrorText = errorMessage(err);
    if (this.current === 'closed') {
      this.current = 'open';
      this.openedAtMs = Date.now();
      this.cooldownMs = this.opts.cooldownMs;
      this.opts.onChange('open', this.lastErrorText);
      this.schedule();
    }
  }

  /** Marks Redis reachable (e.g. the first connection succeeded). */
  markHealthy(reason: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const was = this.current;
    this.current = 'closed';
    this.openedAtMs = null;
    this.cooldownMs = this.opts.cooldownMs;
    if (was !== 'closed') this.opts.onChange('closed', reason);
  }

  /** Marks Redis unreachable whatever the state (e.g. the first connection failed) and schedules a probe. */
  markDown(err: unknown): void {
    if (this.current === 'closed') return this.failure(err);
    this.lastErrorText = errorMessage(err);
    this.openedAtMs ??= Date.now();
    if (this.current === 'half-open') return;
    this.schedule();
  }

  /** Runs a probe now (e.g. the client just became ready). No-op when closed or a probe is running. */
  probeNow(): void {
    if (this.current !== 'open' || this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.runProbe();
  }

  /** Stops timers and keeps the breaker open for good (the system is closing); no further transition is reported. */
  dispose(): void {
    this.disposed = true;
    this.current = 'open';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.disposed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runProbe();
    }, this.cooldownMs);
    this.timer.unref();
  }

  private async runProbe(): Promise<void> {
    if (this.current !== 'open' || this.disposed) return;
    this.current = 'half-open';
    this.opts.onChange('half-open', 'probing');
    try {
      await this.opts.probe();
      if (this.disposed || (this.current as BreakerState) === 'closed') return; // closed meanwhile by markHealthy
      this.markHealthy('probe succeeded');
    } catch (err) {
      this.lastErrorText = errorMessage(err);
      if (this.disposed) return;
      this.current = 'open';
      this.opts.onChange('open', this.lastErrorText);
      this.cooldownMs = Math.min(this.cooldownMs * 2, MAX_COOLDOWN_MS);
      this.schedule();
    }
  }
}
