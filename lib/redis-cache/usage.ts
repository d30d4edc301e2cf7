/**
 * Usage tracking: how often each (product, horizon) forecast is asked for, per hour, shared by every instance.
 *
 * ```
 * <prefix>:_meta:{usage}:h:<epoch hour>   field "<days>:<encoded product>" → requests in that hour   (TTL 15 days)
 * ```
 * Bucketed counters rather than a top-K sketch: the warm-up plan and the usage forecast need the volume per hour
 * (a time series), which a sketch does not keep, and with a cap on the fields of each hour the memory is bounded
 * whatever the catalogue size: at most `maxFieldsPerHour` fields × `retainHours` hashes. Counts are exact for the
 * pairs that fit; a pair first seen after its hour's hash is full is dropped for that hour (counted in
 * `dropped`) — the pairs that fill an hour first are the busy ones.
 *
 * - `record` is a Map increment: requests never wait on Redis. Counts are flushed every few seconds, one
 *   pipeline per flush, through the `addUsage` Lua script: it applies the cap and the increment atomically, so two
 *   instances flushing at once cannot push an hour past the cap (an HLEN check followed by HINCRBY could).
 * - The keys live under `_meta:`: a cache clear never deletes them (they are demand history, not cached data, and
 *   a clear must not make the warm-up forget what callers use). The `{usage}` hash tag keeps every hour in one
 *   Cluster slot, so a flush or a read of many hours stays one pipeline.
 * - While Redis is unavailable, counts stay in this process (the same per-hour cap, same retention) and reads
 *   answer from them; they reach Redis with the next successful flush.
 */
import { decodeSegment, encodeSegment, type KeyScheme } from './keys';
import { UNAVAILABLE, type RedisGate } from './redis-gate';
import type { ScriptPipeline } from './scripts';
import { FlushTimer } from './flush-timer';

export const HOUR_MS = 3_600_000;

export interface UsageTrackerOptions {
  /** Fields (distinct product × horizon pairs) kept per hour; default 500. */
  maxFieldsPerHour?: number;
  /** Hours kept (Redis TTL and local retention); default 360 (15 days). */
  retainHours?: number;
  /** How often counts are flushed to Redis; default 5000 ms. */
  flushIntervalMs?: number;
}

/** Requests for one (product, horizon) pair. */
export interface UsageCount {
  product: string;
  days: number;
  count: number;
}

/** One hour's counts; `hour` is the hour's start, epoch ms. */
export interface UsageHour {
  hour: number;
  counts: UsageCount[];
}

/** Start of the hour containing `ms`. */
export function hourStart(ms: number): number {
  return ms - (ms % HOUR_MS);
}

function field(product: string, days: number): string {
  return days + ':' + encodeSegment(product);
}

function parseField(f: string): { product: string; days: number } | null {
  const sep = f.indexOf(':');
  const days = Number(f.slice(0, sep));
  if (sep <= 0 || !Number.isInteger(days)) return null;
  try {
    return { product: decodeSegment(f.slice(sep + 1)), days };
  } catch {
    return null;
  }
}

type Counts = Map<string, number>;

/** Adds `n` to `field` in `counts` unless that would exceed `cap` fields; false when dropped. */
function addCapped(counts: Counts, f: string, n: number, cap: number): boolean {
  const had = counts.get(f);
  if (had === undefined && counts.size >= cap) return false;
  counts.set(f, (had ?? 0) + n);
  return true;
}

export class UsageTracker {
  readonly maxFieldsPerHour: number;
  readonly retainHours: number;
  private readonly flushIntervalMs: number;
  /** Counted here, not yet in Redis. */
  private pending = new Map<number, Counts>();
  /** This process's own counts over the retention window: what reads answer while Redis is away. */
  private readonly local = new Map<number, Counts>();
  private readonly flushTimer = new FlushTimer(() => this.flush());
  private flushing: Promise<void> | null = null;
  /** Requests not counted because their hour was full. */
  dropped = 0;

  constructor(
    private readonly gate: RedisGate,
    private readonly keys: KeyScheme,
    options: UsageTrackerOptions = {},
  ) {
    this.maxFieldsPerHour = options.maxFieldsPerHour ?? 500;
    this.retainHours = options.retainHours ?? 360;
    this.flushIntervalMs = options.flushIntervalMs ?? 5000;
    if (!(this.maxFieldsPerHour >= 1 && this.retainHours >= 1 && this.flushIntervalMs > 0))
      throw new TypeError('usage tracker bounds must be positive');
  }

  /** `<prefix>:_meta:{usage}:h:<epoch hour>` */
  hourKey(hour: number): string {
    return this.keys.meta + '{usage}:h:' + Math.floor(hour / HOUR_MS);
  }

  /** Counts one request for `product` at horizon `days`. Synchronous, no I/O. */
  record(product: string, days: number, now = Date.now()): void {
    const hour = hourStart(now);
    const f = field(product, days);
    let local = this.local.get(hour);
    if (!local) {
      local = new Map();
      this.local.set(hour, local);
      this.prune(now);
    }
    if (!addCapped(local, f, 1, this.maxFieldsPerHour)) {
      this.dropped += 1;
      return;
    }
    let pending = this.pending.get(hour);
    if (!pending) this.pending.set(hour, (pending = new Map()));
    pending.set(f, (pending.get(f) ?? 0) + 1);
  }

  start(): void {
    this.flushTimer.start(this.flushIntervalMs);
  }

  stop(): void {
    this.flushTimer.stop();
  }

  /** Sends the pending counts to Redis (one pipeline); kept for a later flush when Redis is away. Never throws. */
  flush(): Promise<void> {
    this.flushing ??= this.flushNow().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    if (this.pending.size === 0 || !this.gate.up) return;
    const taken = this.pending;
    this.pending = new Map();
    const ttl = this.retainHours * 3600;
    const result = await this.gate.run(async (client) => {
      const p = client.pipeline();
      for (const [hour, counts] of taken) {
        const args: (string | number)[] = [];
        for (const [f, n] of counts) args.push(f, n);
        (p as unknown as ScriptPipeline).addUsage(this.hourKey(hour), this.maxFieldsPerHour, ttl, ...args);
      }
      const replies = (await p.exec()) ?? [];
      const failed = replies.find(([err]) => err);
      if (failed) throw failed[0];
      return replies.reduce((sum, [, dropped]) => sum + Number(dropped ?? 0), 0);
    });
    if (result === UNAVAILABLE) {
      // Put them back: counted during an outage, they reach Redis with a later flush.
      for (const [hour, counts] of taken) {
        let pending = this.pending.get(hour);
        if (!pending) this.pending.set(hour, (pending = new Map()));
        for (const [f, n] of counts) pending.set(f, (pending.get(f) ?? 0) + n);
      }
      return;
    }
    this.dropped += result;
  }

  /**
   * Counts per hour from `from` to `to` (epoch ms, hours containing them included), oldest first, hours without
   * requests included. All instances' counts (flushed first) while Redis is up; this process's own otherwise.
   */
  async hours(from: number, to: number): Promise<{ source: 'redis' | 'local'; hours: UsageHour[] }> {
    const starts: number[] = [];
    for (let h = hourStart(from); h <= hourStart(to); h += HOUR_MS) starts.push(h);
    await this.flush();
    if (this.gate.up && this.pending.size === 0) {
      const replies = await this.gate.run(async (client) => {
        const p = client.pipeline();
        for (const h of starts) p.hgetall(this.hourKey(h));
        return (await p.exec()) ?? [];
      });
      if (replies !== UNAVAILABLE && replies.every(([err]) => !err)) {
        return {
          source: 'redis',
          hours: starts.map((hour, i) => ({ hour, counts: toCounts(Object.entries((replies[i][1] ?? {}) as Record<string, string>)) })),
        };
      }
    }
    return { source: 'local', hours: starts.map((hour) => ({ hour, counts: toCounts([...(this.local.get(hour) ?? new Map<string, number>())]) })) };
  }

  private prune(now: number): void {
    const oldest = hourStart(now) - this.retainHours * HOUR_MS;
    for (const hour of this.local.keys()) if (hour < oldest) this.local.delete(hour);
  }
}

function toCounts(entries: Iterable<[string, string | number]>): UsageCount[] {
  const out: UsageCount[] = [];
  for (const [f, n] of entries) {
    const pair = parseField(f);
    const count = Number(n);
    if (pair && count > 0) out.push({ ...pair, count });
  }
  return out;
}
