/**
 * The one guarded path to Redis. Every command of the library goes through {@link RedisGate.run}, which
 * - answers {@link UNAVAILABLE} at once while the circuit breaker keeps Redis out (no socket touched), after
 *   waiting for the first connection attempt to settle if it is still pending;
 * - counts a failure (connection error, cut-off command) into the breaker, which opens on it;
 * - never throws because of Redis: callers branch on `UNAVAILABLE` and fall back to memory.
 *
 * Bounded waits without a timer per command: a watchdog, one interval per connection, looks at the oldest
 * unanswered command. When commands are outstanding and none has completed for `commandTimeoutMs` (a hung or
 * paused server), it opens the breaker and drops the connection, which fails every pending command at once
 * (ioredis flushes its queue on close; `maxRetriesPerRequest: 0`). The cost on the hot path is two counter
 * updates per command instead of a timer armed and cleared per command.
 *
 * The gate also owns the connection's life: the first connect (lazy, on first use), the breaker's probe (PING,
 * reconnecting when the client won't by itself) and close.
 */
import type { Socket } from 'node:net';
import { CircuitBreaker, type BreakerState } from './circuit-breaker';
import { createRedisClient, logConnectionState } from './connection';
import type { CacheLogger } from './logger';
import type { ResolvedCacheOptions } from './options';
import type { RedisClient } from './scripts';
import { errorMessage, withTimeout } from './timeout';

/** What {@link RedisGate.run} answers when Redis could not be used. */
export const UNAVAILABLE: unique symbol = Symbol('redis unavailable');
export type Unavailable = typeof UNAVAILABLE;

export interface GateOptions {
  redis: ResolvedCacheOptions['redis'];
  cooldownMs: number;
  log: CacheLogger;
  /** Called once, when the first operation starts the connection. */
  onFirstUse?: () => void;
  /** Awaited (bounded by the connect timeout) after the first connect, before Redis is used. */
  beforeReady?: () => Promise<void>;
  /** Redis became usable ('closed') or unusable ('open'). */
  onChange: (state: 'open' | 'closed', reason: string) => void;
  /** Every breaker transition, half-open (a probe in flight) included — for metrics. */
  onBreakerState?: (state: BreakerState, reason: string) => void;
}

/** Watchdog ticks per command timeout: the bound is met within 1/TICKS of it. */
const TICKS = 4;

export class RedisGate {
  /** The main connection (commands); created, not connected, at construction. */
  readonly client: RedisClient;
  private readonly breaker: CircuitBreaker;
  private started: Promise<void> | null = null;
  private starting = false;
  private closed = false;
  /** What onChange last said (the breaker starts open: not usable). */
  private reportedUsable = false;
  // Watchdog state: commands outstanding, and the tick of the last progress (a command sent into an idle
  // connection, or one answered).
  private outstanding = 0;
  /** The socket corked in this tick, if any (see batchWrites). */
  private corked: Socket | null = null;
  private tick = 0;
  private progressTick = 0;
  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly o: GateOptions) {
    this.client = createRedisClient(o.redis, 'main');
    logConnectionState(this.client, o.redis, 'main', o.log);
    this.breaker = new CircuitBreaker({ cooldownMs: o.cooldownMs, probe: () => this.probe(), onChange: (s, r) => this.changed(s, r) }, 'open');
    // Fast detection: a dropped connection opens the breaker before any command has to wait for the watchdog.
    this.client.on('close', () => {
      if (this.breaker.allows()) this.breaker.failure(new Error('redis connection closed'));
    });
    this.client.on('ready', () => this.breaker.probeNow());
    const period = Math.max(5, Math.floor(o.redis.commandTimeoutMs / TICKS));
    this.watchdog = setInterval(() => this.inspect(), period);
    this.watchdog.unref();
  }

  /** True while commands may use Redis. */
  /** The breaker's state (metrics; `up` is what callers decide on). */
  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  get up(): boolean {
    return this.breaker.allows();
  }

  /** Error replies seen (Redis reachable but refusing a command, e.g. OOM under `noeviction`). */
  get replyErrors(): number {
    return this.breaker.replyErrors;
  }

  /**
   * Runs `op` on the client when Redis is usable; `UNAVAILABLE` when it is not or `op` fails. An error *reply*
   * (Redis answered) is also `UNAVAILABLE` but leaves the breaker closed.
   */
  run<T>(op: (client: RedisClient) => Promise<T>): Promise<T | Unavailable> {
    return this.runThen(op, identity);
  }

  /**
   * {@link run} with its continuation: `then` receives the value or {@link UNAVAILABLE} in the same microtask as the
   * reply (one promise fewer than `run(op).then(then)` on the hottest path).
   */
  runThen<T, R>(op: (client: RedisClient) => Promise<T>, then: (value: T | Unavailable) => R | PromiseLike<R>): Promise<R> {
    if (!this.breaker.allows()) return this.runAfterStartup(op).then(then);
    // Batch only under concurrency (commands already waiting): a lone command is written at once.
    if (this.outstanding++ === 0) this.progressTick = this.tick;
    else if (this.corked === null) this.batchWrites();
    let pending: Promise<T>;
    try {
      pending = op(this.client);
    } catch (err) {
      this.settled();
      this.breaker.failure(err);
      return Promise.resolve(UNAVAILABLE).then(then);
    }
    return pending.then(
      (value) => {
        this.settled();
        return then(value);
      },
      (err: unknown) => {
        this.settled();
        this.breaker.failure(err);
        return then(UNAVAILABLE);
      },
    );
  }

  private async runAfterStartup<T>(op: (client: RedisClient) => Promise<T>): Promise<T | Unavailable> {
    const pending = this.startup();
    if (pending === null) return UNAVAILABLE;
    await pending;
    return this.breaker.allows() ? this.run(op) : UNAVAILABLE;
  }

  /**
   * Commands issued in the same turn of the event loop leave in one socket write: the socket is corked at the first
   * and uncorked once the current microtasks have run (`process.nextTick`). Under load this turns one `write`
   * system call per command — most of the CPU on a miss-heavy load at 50 concurrent callers — into one per burst.
   * Only while other commands are outstanding: a lone command (one caller at a time) is written at once. (ioredis' own auto-pipelining defers to a
   * later macrotask, which measured slower for a lone command.) Cluster clients keep one socket per node and are
   * left as they are.
   */
  private batchWrites(): void {
    const stream = (this.client as { stream?: Socket }).stream;
    if (!stream || stream.destroyed) return;
    stream.cork();
    this.corked = stream;
    process.nextTick(this.uncork);
  }

  private readonly uncork = (): void => {
    const stream = this.corked;
    this.corked = null;
    stream?.uncork();
  };

  private settled(): void {
    this.outstanding--;
    this.progressTick = this.tick;
  }

  private inspect(): void {
    this.tick++;
    if (this.outstanding === 0 || !this.breaker.allows()) return;
    if ((this.tick - this.progressTick) * (this.o.redis.commandTimeoutMs / TICKS) < this.o.redis.commandTimeoutMs) return;
    this.breaker.failure(new Error(`redis did not answer within ${this.o.redis.commandTimeoutMs} ms`));
    // Fails the pending commands now (their callers fall back to memory); the probe reconnects.
    this.client.disconnect(true);
  }

  /**
   * Starts connecting (once). A promise while the first attempt is pending, null once it settled — the hot path
   * then never waits. Idempotent; called by the first operation.
   */
  startup(): Promise<void> | null {
    if (this.closed) return null;
    if (this.started === null) {
      this.starting = true;
      this.o.onFirstUse?.();
      this.started = this.connectFirst().finally(() => {
        this.starting = false;
      });
    }
    return this.starting ? this.started : null;
  }

  private async connectFirst(): Promise<void> {
    const limit = this.o.redis.connectTimeoutMs;
    const deadline = Date.now() + limit;
    try {
      await withTimeout(this.client.connect(), limit, 'redis connect timeout');
      if (this.o.beforeReady) await withTimeout(this.o.beforeReady(), Math.max(1, deadline - Date.now()), 'not ready in time').catch(() => undefined);
      this.breaker.markHealthy('connected');
    } catch (err) {
      this.breaker.markDown(err);
      this.o.onChange('open', errorMessage(err));
    }
  }

  private async probe(): Promise<void> {
    const c = this.client;
    const limit = this.o.redis.connectTimeoutMs;
    if (c.status === 'wait' || c.status === 'end' || c.status === 'close') {
      // Not reconnecting by itself (retryOnTimeout false, or never connected): reconnect explicitly.
      c.disconnect();
      await withTimeout(c.connect(), limit, 'redis connect timeout');
    } else if (c.status !== 'ready') {
      throw new Error(`redis ${c.status}`);
    }
    try {
      const pong = await withTimeout(c.ping(), Math.min(limit, this.o.redis.socketTimeoutMs), 'redis PING timeout');
      if (pong !== 'PONG') throw new Error(`unexpected PING reply ${pong}`);
    } catch (err) {
      // A connection that has answered nothing for the socket timeout is presumed dead (a peer that vanished without
      // a reset can keep a socket "open" for minutes) and is re-established.
      const openedAt = this.breaker.openedAt;
      if (c.status === 'ready' && openedAt !== null && Date.now() - openedAt >= this.o.redis.socketTimeoutMs) {
        this.o.log.warn({}, 'redis connection unresponsive — reconnecting');
        c.disconnect(true);
      }
      throw err;
    }
  }

  private changed(state: BreakerState, reason: string): void {
    if (this.closed) return;
    this.o.onBreakerState?.(state, reason);
    // Usable or not is what callers hear of; a probe (half-open) and its failure (open again) change neither.
    const usable = state === 'closed';
    if (state === 'half-open' || usable === this.reportedUsable) return;
    this.reportedUsable = usable;
    this.o.onChange(state, reason);
  }

  /** Stops the watchdog and the probes, then closes the connection. Redis is not used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    this.breaker.dispose();
    await quit(this.client);
  }
}

/** QUIT politely when connected (bounded), then drop the socket whatever happened. */
export async function quit(client: RedisClient | null): Promise<void> {
  if (!client) return;
  try {
    if (client.status === 'ready') await withTimeout(client.quit(), 1000, 'quit timeout');
  } catch {
    // closing anyway
  }
  client.disconnect();
}

function identity<T>(value: T): T {
  return value;
}
