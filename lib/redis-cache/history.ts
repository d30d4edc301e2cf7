/**
 * Shared counters and history (docs/ARCHITECTURE.md): the hit/miss deltas of every instance are flushed in
 * batches — one pipelined round trip per second at most, never one command per lookup — into Redis hashes:
 *
 * ```
 * <prefix>:_meta:{stats}:totals          h0..h3, m0..m3 (per type), saved (ms)   — all-time totals, all instances
 * <prefix>:_meta:{stats}:h:<hourStart>   "<slot>:h<t>", "<slot>:m<t>"            — 10 s buckets (slot 0–359 in the hour)
 *                                        "<slot>:s"                              — compute time saved (ms) in the bucket
 *                                        "<slot>:mem", "<slot>:k<t>"             — used_memory and key counts samples
 * ```
 * One hash per hour keeps a 24 h read to ≤ 25 HGETALLs; each hour hash expires 26 h after its hour began
 * (≥ 24 h retained). The `{stats}` hash tag keeps them in one Cluster slot, so the flush stays one pipeline.
 * Deltas are attributed to the bucket in which they are flushed (≤ 1 s late).
 *
 * The same buckets are kept in process memory (24 h, pruned): `getHistory` answers from them while Redis is
 * unavailable, and deltas counted during an outage reach the shared totals once Redis is back.
 */
import { CACHE_TYPES, sumCounts, TYPE_COUNT, zeroArray, zeroCounts, type CacheType } from './keys';
import { UNAVAILABLE, type RedisGate } from './redis-gate';
import { rate, type CacheStats } from './stats';
import { FlushTimer } from './flush-timer';

export type HistoryRange = '15m' | '1h' | '6h' | '24h';

/** One time bucket: lookups per type, and the latest memory and key-count samples taken in it. */
export interface HistoryBucket {
  /** Start of the bucket, epoch ms. */
  t: number;
  hits: Record<CacheType, number>;
  misses: Record<CacheType, number>;
  /** Percent over all types; null without lookups. */
  hitRate: number | null;
  usedMemory: number | null;
  keys: Record<CacheType, number> | null;
  /** Compute time the bucket's hits avoided (ms): the savings series (savings.ts). */
  savedMs: number;
}

export interface CacheHistory {
  range: HistoryRange;
  bucketSeconds: number;
  /** Oldest first, empty buckets included. */
  buckets: HistoryBucket[];
}

export const BUCKET_MS = 10_000;
const HOUR_MS = 3_600_000;
const RETAIN_MS = 24 * HOUR_MS;
const HASH_TTL_S = 26 * 3600;

/** Window and chart resolution per range (stored resolution is always 10 s). */
export const RANGES: Record<HistoryRange, { ms: number; bucketSeconds: number }> = {
  '15m': { ms: 15 * 60_000, bucketSeconds: 10 },
  '1h': { ms: HOUR_MS, bucketSeconds: 30 },
  '6h': { ms: 6 * HOUR_MS, bucketSeconds: 180 },
  '24h': { ms: RETAIN_MS, bucketSeconds: 600 },
};

interface LocalBucket {
  h: number[];
  m: number[];
  saved: number;
  mem: number | null;
  keys: number[] | null;
}

export interface SharedTotals {
  hits: number[];
  misses: number[];
  savedMs: number;
}

export class StatsRecorder {
  private readonly local = new Map<number, LocalBucket>();
  /** Deltas not yet in the shared totals (flush failed or Redis was down). */
  private unshared = { h: zeroArray(), m: zeroArray(), saved: 0 };
  private lastSaved = 0;
  private lastSampleBucket = 0;
  private readonly flushTimer = new FlushTimer(() => this.flush());
  private flushing = false;

  constructor(
    private readonly gate: RedisGate,
    private readonly stats: CacheStats,
    private readonly metaKey: string,
    /** Latest key counts (for samples); null when not known. */
    private readonly keyCounts: () => Record<CacheType, number> | null,
    private readonly usedMemory: () => Promise<number | null>,
  ) {}

  get totalsKey(): string {
    return this.metaKey + '{stats}:totals';
  }

  hourKey(hourStart: number): string {
    return this.metaKey + '{stats}:h:' + hourStart;
  }

  start(intervalMs = 1000): void {
    this.flushTimer.start(intervalMs);
  }

  stop(): void {
    this.flushTimer.stop();
  }

  /** Flushes the counted deltas (and, once per bucket, a memory sample). Never throws. */
  async flush(now = Date.now()): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      const d = this.stats.drain();
      const savedDelta = this.stats.savedMs - this.lastSaved;
      this.lastSaved = this.stats.savedMs;
      const bucket = now - (now % BUCKET_MS);
      const lb = this.localBucket(bucket);
      if (d) {
        for (let i = 0; i < TYPE_COUNT; i++) {
          lb.h[i] += d.hits[i];
          lb.m[i] += d.misses[i];
          this.unshared.h[i] += d.hits[i];
          this.unshared.m[i] += d.misses[i];
        }
      }
      this.unshared.saved += savedDelta;
      lb.saved += savedDelta;
      const sample = bucket !== this.lastSampleBucket;
      if (sample) {
        this.lastSampleBucket = bucket;
        const kc = this.keyCounts();
        if (kc) lb.keys = CACHE_TYPES.map((t) => kc[t]);
        this.prune(now);
      }
      if (!this.gate.up) return;
      const u = this.unshared;
      const any = u.h.some((x) => x) || u.m.some((x) => x) || u.saved > 0;
      const mem = sample ? await this.usedMemory().catch(() => null) : null;
      if (mem !== null) lb.mem = mem;
      if (!any && !sample) return;
      const hourStart = bucket - (bucket % HOUR_MS);
      const slot = (bucket - hourStart) / BUCKET_MS;
      const hk = this.hourKey(hourStart);
      const p = this.gate.client.pipeline();
      const taken = { h: [...u.h], m: [...u.m], saved: u.saved };
      for (let i = 0; i < TYPE_COUNT; i++) {
        if (taken.h[i]) {
          p.hincrby(this.totalsKey, `h${i}`, taken.h[i]);
          p.hincrby(hk, `${slot}:h${i}`, taken.h[i]);
        }
        if (taken.m[i]) {
          p.hincrby(this.totalsKey, `m${i}`, taken.m[i]);
          p.hincrby(hk, `${slot}:m${i}`, taken.m[i]);
        }
      }
      if (taken.saved > 0) {
        p.hincrbyfloat(this.totalsKey, 'saved', taken.saved.toFixed(3));
        p.hincrbyfloat(hk, `${slot}:s`, taken.saved.toFixed(3));
      }
      if (mem !== null) p.hset(hk, `${slot}:mem`, mem);
      if (sample && lb.keys) lb.keys.forEach((n, i) => p.hset(hk, `${slot}:k${i}`, n));
      p.expire(hk, HASH_TTL_S);
      // Take before the await: deltas counted meanwhile go to the next flush.
      this.unshared = { h: zeroArray(), m: zeroArray(), saved: 0 };
      const res = await this.gate.run(() => execAll(p));
      if (res === UNAVAILABLE) {
        // Put them back; they reach Redis with a later flush (history buckets of the outage stay local).
        for (let i = 0; i < TYPE_COUNT; i++) {
          this.unshared.h[i] += taken.h[i];
          this.unshared.m[i] += taken.m[i];
        }
        this.unshared.saved += taken.saved;
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Shared totals (all instances) plus this instance's deltas not yet flushed; null when Redis is unavailable. */
  async sharedTotals(): Promise<SharedTotals | null> {
    if (!this.gate.up) return null;
    const h = await this.gate.run((c) => c.hgetall(this.totalsKey));
    if (h === UNAVAILABLE) return null;
    const hits = CACHE_TYPES.map((_, i) => Number(h[`h${i}`] ?? 0) + this.unshared.h[i] + this.stats.pendingHits[i]);
    const misses = CACHE_TYPES.map((_, i) => Number(h[`m${i}`] ?? 0) + this.unshared.m[i] + this.stats.pendingMisses[i]);
    const savedMs = Number(h.saved ?? 0) + this.unshared.saved + (this.stats.savedMs - this.lastSaved);
    return { hits, misses, savedMs };
  }

  /**
   * Lookups of the last `windowMs` over all instances (the shared 10 s buckets), plus this instance's not yet
   * flushed; from this instance's own buckets while Redis is away. What the hit-rate alert judges, so an old
   * incident no longer weighs on today's rate, and a fresh one shows within minutes.
   */
  async recentLookups(windowMs: number, now = Date.now()): Promise<{ hits: number; misses: number }> {
    const start = now - windowMs;
    const pending = sum(this.stats.pendingHits) + sum(this.unshared.h);
    const pendingMisses = sum(this.stats.pendingMisses) + sum(this.unshared.m);
    if (this.gate.up) {
      const p = this.gate.client.pipeline();
      for (let hs = start - (start % HOUR_MS); hs <= now; hs += HOUR_MS) {
        const fields: string[] = [];
        const first = Math.max(0, Math.floor((start - hs) / BUCKET_MS));
        const last = Math.min(HOUR_MS / BUCKET_MS - 1, Math.floor((now - hs) / BUCKET_MS));
        for (let slot = first; slot <= last; slot++) for (let i = 0; i < TYPE_COUNT; i++) fields.push(`${slot}:h${i}`, `${slot}:m${i}`);
        if (fields.length) p.hmget(this.hourKey(hs), ...fields);
      }
      const res = await this.gate.run(() => execAll(p));
      if (res !== UNAVAILABLE) {
        let hits = pending;
        let misses = pendingMisses;
        for (const values of res as (string | null)[][]) {
          // Fields alternate hit, miss (see above).
          values.forEach((v, j) => {
            if (j % 2 === 0) hits += Number(v ?? 0);
            else misses += Number(v ?? 0);
          });
        }
        return { hits, misses };
      }
    }
    let hits = sum(this.stats.pendingHits);
    let misses = sum(this.stats.pendingMisses);
    for (const [t, b] of this.local) {
      if (t + BUCKET_MS <= start) continue;
      hits += sum(b.h);
      misses += sum(b.m);
    }
    return { hits, misses };
  }

  /** Buckets of the range, oldest first, empty ones included. From Redis (shared) or, when down, from memory. */
  async history(range: HistoryRange, now = Date.now()): Promise<CacheHistory> {
    const { ms, bucketSeconds } = RANGES[range];
    const size = bucketSeconds * 1000;
    const end = now - (now % size);
    const start = end - ms + size;
    type Working = HistoryBucket & { _memAt: number; _keysAt: number };
    const out: Working[] = [];
    const index = new Map<number, Working>();
    for (let t = start; t <= end; t += size) {
      const b: Working = {
        t,
        hits: zeroCounts(),
        misses: zeroCounts(),
        hitRate: null,
        usedMemory: null,
        keys: null,
        savedMs: 0,
        _memAt: -1,
        _keysAt: -1,
      };
      out.push(b);
      index.set(t, b);
    }
    const add = (ts: number, field: 'h' | 'm' | 'mem' | 'k' | 's', i: number, value: number) => {
      if (ts < start || ts >= end + size) return;
      const b = index.get(ts - (ts % size));
      if (!b) return;
      const type = CACHE_TYPES[i];
      if (field === 's') b.savedMs += value;
      else if (field === 'h') b.hits[type] += value;
      else if (field === 'm') b.misses[type] += value;
      else if (field === 'mem' && ts >= b._memAt) {
        b.usedMemory = value;
        b._memAt = ts;
      } else if (field === 'k' && ts >= b._keysAt) {
        // A sample is a set of four fields with one timestamp.
        if (ts > b._keysAt) b.keys = zeroCounts();
        b.keys![type] = value;
        b._keysAt = ts;
      }
    };
    let fromRedis = false;
    if (this.gate.up) {
      const hours: number[] = [];
      for (let hs = start - (start % HOUR_MS); hs <= now; hs += HOUR_MS) hours.push(hs);
      const p = this.gate.client.pipeline();
      for (const hs of hours) p.hgetall(this.hourKey(hs));
      const res = await this.gate.run(() => execAll(p));
      if (res !== UNAVAILABLE) {
        res.forEach((val, j) => {
          for (const [f, v] of Object.entries((val ?? {}) as Record<string, string>)) {
            const m = /^(\d+):(h|m|mem|k|s)(\d?)$/.exec(f);
            if (!m) continue;
            add(hours[j] + Number(m[1]) * BUCKET_MS, m[2] as 'h' | 'm' | 'mem' | 'k' | 's', Number(m[3] || 0), Number(v));
          }
        });
        fromRedis = true;
      }
    }
    if (!fromRedis) {
      for (const [ts, lb] of this.local) {
        for (let i = 0; i < TYPE_COUNT; i++) {
          if (lb.h[i]) add(ts, 'h', i, lb.h[i]);
          if (lb.m[i]) add(ts, 'm', i, lb.m[i]);
        }
        if (lb.saved) add(ts, 's', 0, lb.saved);
        if (lb.mem !== null) add(ts, 'mem', 0, lb.mem);
        if (lb.keys) lb.keys.forEach((n, i) => add(ts, 'k', i, n));
      }
    }
    return {
      range,
      bucketSeconds,
      buckets: out.map(({ _memAt: _a, _keysAt: _b, ...b }) => ({ ...b, hitRate: rate(sumCounts(b.hits), sumCounts(b.misses)) })),
    };
  }

  private localBucket(t: number): LocalBucket {
    let b = this.local.get(t);
    if (!b) {
      b = { h: zeroArray(), m: zeroArray(), saved: 0, mem: null, keys: null };
      this.local.set(t, b);
    }
    return b;
  }

  private prune(now: number): void {
    for (const t of this.local.keys()) {
      if (t < now - RETAIN_MS - HOUR_MS) this.local.delete(t);
      else break; // insertion order = time order
    }
  }
}

/** Runs a pipeline; rejects with the first command's error, so a partial failure counts as a failure. */
export async function execAll(p: ReturnType<RedisGate['client']['pipeline']>): Promise<unknown[]> {
  const res = (await p.exec()) ?? [];
  const failed = res.find(([err]) => err);
  if (failed) throw failed[0];
  return res.map(([, value]) => value);
}

function sum(xs: readonly number[]): number {
  let total = 0;
  for (const x of xs) total += x;
  return total;
}
