/**
 * Live key counts per type without scanning the keyspace per request.
 *
 * Trade-off chosen: a **background, bounded SCAN** (COUNT 1000 per step, yielding between steps) over this
 * prefix, at most once per `intervalMs` across all instances (a Redis lock elects the scanner; the result is
 * shared in a hash), instead of per-type index sets maintained on every write.
 * - Index sets would make counts exact and instant, but cost an extra write per SET, roughly double the memory
 *   of every key (the index holds each key name again — ~100 MB more at 1 M keys), and drift anyway under
 *   `maxmemory` evictions and expiry unless trimmed.
 * - The SCAN costs nothing on the hot path and no memory, sees evictions, expiries and foreign deletes, and
 *   reads are O(1) (one HGETALL). Its price: counts are up to `intervalMs` old (plus one pass, ~1–3 s at 1 M keys).
 *   After a clear the keys it removed are subtracted at once (a product's model and forecasts, a whole type, or
 *   everything) and the counts are marked stale: readers wait once, up to `maxWaitMs` (default 25 ms), for a fresh
 *   pass — enough for small keyspaces to be exact, never enough to make `info` slow on a large one, where the
 *   adjusted counts are answered until the pass ends (never zeros for a one-product clear).
 * While Redis is unavailable, the counts are those of the memory tier.
 */
import { randomUUID } from 'node:crypto';
import { RedisUnavailableError, scanKeys } from './key-ops';
import { CACHE_TYPES, zeroCounts, type CacheType, type KeyScheme } from './keys';
import type { MemoryTier } from './memory-tier';
import { UNAVAILABLE, type RedisGate } from './redis-gate';
import { withTimeout } from './timeout';

export interface KeyCounts {
  counts: Record<CacheType, number>;
  /** When the counts were taken (epoch ms); null when never counted. */
  at: number | null;
  source: 'redis' | 'memory';
}

export class KeyCounter {
  private last: { counts: Record<CacheType, number>; at: number } | null = null;
  private running: Promise<void> | null = null;
  /** Bumped by every clear: a pass that started before one must not overwrite the adjusted counts. */
  private clears = 0;
  /** True from a clear until a pass that started after it has ended. */
  private dirty = false;

  constructor(
    private readonly gate: RedisGate,
    private readonly keys: KeyScheme,
    private readonly memory: MemoryTier,
    readonly intervalMs = 15_000,
  ) {}

  private get sharedKey(): string {
    return this.keys.meta + '{stats}:keys';
  }

  private get lockKey(): string {
    return this.keys.meta + '{stats}:keyscan';
  }

  /** The latest counts known to this instance, without any I/O (for samples). */
  peek(): Record<CacheType, number> | null {
    if (!this.gate.up) return this.memory.countByType(Date.now());
    return this.last?.counts ?? null;
  }

  /** Current counts: shared ones when fresh, else starts a pass and waits at most `maxWaitMs` for it. */
  async get(maxWaitMs = 25): Promise<KeyCounts> {
    if (!this.gate.up) return { counts: this.memory.countByType(Date.now()), at: Date.now(), source: 'memory' };
    const now = Date.now();
    if (!this.last || this.dirty || now - this.last.at > this.intervalMs) {
      if (!this.dirty) await this.readShared();
      if (!this.last || this.dirty || Date.now() - this.last.at > this.intervalMs) {
        // Stale counts are answered at once while a pass refreshes them in the background. Only when there is
        // nothing exact to show (never counted, or just cleared) does the caller wait — once, and at most maxWaitMs.
        const alreadyRunning = this.running !== null;
        const pass = this.refresh();
        if ((!this.last || this.dirty) && !alreadyRunning) await withTimeout(pass, maxWaitMs, 'key count pending').catch(() => undefined);
      }
    }
    return { counts: this.last?.counts ?? zeroCounts(), at: this.last?.at ?? null, source: 'redis' };
  }

  /**
   * After a clear: subtracts what it removed from the known counts (`'all'`: every key of that type went) and marks
   * them stale here and for the other instances.
   */
  async cleared(removed: Partial<Record<CacheType, number | 'all'>>): Promise<void> {
    this.clears++;
    this.dirty = true;
    if (this.last) {
      const counts = { ...this.last.counts };
      for (const t of CACHE_TYPES) {
        const n = removed[t];
        if (n !== undefined) counts[t] = n === 'all' ? 0 : Math.max(0, counts[t] - n);
      }
      this.last = { counts, at: this.last.at };
    }
    await this.gate.run((c) => c.hdel(this.sharedKey, 'at'));
  }

  /** Runs one counting pass now (shared with a pass already running). Resolves when done. */
  refresh(): Promise<void> {
    this.running ??= this.scan().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async readShared(): Promise<void> {
    const h = await this.gate.run((c) => c.hgetall(this.sharedKey));
    if (h === UNAVAILABLE) return;
    if (h.at && (!this.last || Number(h.at) > this.last.at)) {
      const counts = zeroCounts();
      for (const t of CACHE_TYPES) counts[t] = Number(h[t] ?? 0);
      this.last = { counts, at: Number(h.at) };
    }
  }

  private async scan(): Promise<void> {
    const token = randomUUID();
    // One scanner at a time across instances; the lock outlives a slow pass only by its own expiry.
    const got = await this.gate.run((c) => c.set(this.lockKey, token, 'PX', 60_000, 'NX'));
    if (got !== 'OK') return;
    try {
      const started = Date.now();
      const clears = this.clears;
      const counts = zeroCounts();
      for await (const batch of scanKeys(this.gate, this.keys.pattern('all'))) {
        for (const k of batch) {
          const t = this.keys.typeOf(k);
          if (t) counts[t]++;
        }
        await new Promise((resolve) => setImmediate(resolve)); // yield between steps: never monopolise the event loop
      }
      // A clear during the pass may have removed keys it had already counted: keep the adjusted counts, recount later.
      if (clears !== this.clears) return;
      this.last = { counts, at: started };
      this.dirty = false;
      await this.gate.run((c) => c.hset(this.sharedKey, { ...counts, at: started }));
    } catch (err) {
      if (!(err instanceof RedisUnavailableError)) throw err;
    } finally {
      await this.gate.run((c) => c.releaseLock(this.lockKey, token));
    }
  }
}
