/**
 * RedisCache — get/set/delete with TTL over two tiers: L1 (in-process, decoded values) in front of L2 (Redis,
 * the shared truth), with the memory tier as the fallback store while Redis is unreachable.
 *
 * Failure model: no method throws because of Redis. A failed or timed-out Redis call opens the circuit breaker
 * and the call is answered from memory (a read becomes a miss if the value is not in memory; a write lands in
 * memory only). While the breaker is open, Redis is not touched at all; it closes by itself when a probe
 * succeeds (see circuit-breaker.ts).
 *
 * Late writes: ioredis' command timeout does not cancel the command, so a SET that "timed out" may still land.
 * That is harmless here because everything whose staleness matters is versioned in the key (predictions carry
 * the model version, whose source of truth is the database) and invalidations that happen while Redis is
 * unreachable are replayed when it comes back (`replayPending`).
 *
 * L1 lifetime: a value read from Redis is kept in L1 for at most CACHE_L1_TTL seconds and never beyond its
 * remaining TTL in Redis (PTTL is pipelined right behind the GET — same round trip; skipped when L1 is off).
 * Invalidations are broadcast over pub/sub, so explicit deletes reach other instances' L1 at once; CACHE_L1_TTL
 * bounds what a missed message could cost.
 *
 * Index sets: keys of models and predictions are recorded in their product's index set, product lists in the
 * product-list index (keys.ts), so clearing a product — which every retrain does — never scans the keyspace.
 */
import type { Logger } from 'pino';
import { decode, deepFreeze, encode } from './codec';
import type { CircuitBreaker } from './circuit-breaker';
import type { RedisClient } from './connection';
import type { CacheEventEmitter } from './events';
import type { CacheType, KeyScheme } from './keys';
import type { MemoryTier } from './memory-tier';
import { TYPE_INDEX, type CacheStats } from './stats';

/** A lookup's answer with where it came from. */
export interface Lookup<T> {
  value: T;
  tier: 'l1' | 'l2';
}

export interface SetOptions {
  /** Cache type for counters and bookkeeping; derived from the key when omitted. */
  type?: CacheType;
  /** Keep the value in the memory tier only (e.g. a live object that can't be serialised). */
  l1Only?: boolean;
  /** The value to store in Redis instead of `value` (e.g. a model's serialisable artifact). */
  l2Value?: unknown;
  /** Freeze the L1 copy (default true; false for live objects). */
  freeze?: boolean;
  /** What computing the value cost (ms) — counts as time saved by each later hit. */
  costMs?: number;
}

export interface GetOptions<T> {
  type?: CacheType;
  /** Turns what Redis holds back into the value (e.g. rebuilds a live model from its artifact). */
  fromL2?: (stored: unknown) => T;
  /** Freeze the L1 copy of a value read from Redis (default true). */
  freeze?: boolean;
}

/** Where an invalidation applies: explicit keys, one product, a type, or everything of this prefix. */
export type InvalidationTarget =
  | { kind: 'keys'; keys: string[] }
  | { kind: 'product'; product: string }
  | { kind: 'type'; type: CacheType }
  | { kind: 'all' };

export interface TierDeps {
  client: RedisClient;
  breaker: CircuitBreaker;
  memory: MemoryTier;
  keys: KeyScheme;
  stats: CacheStats;
  events: CacheEventEmitter;
  log: Logger;
  /** seconds */
  l1Ttl: number;
  /** Publishes an invalidation to other instances (fire and forget). */
  publish: (target: InvalidationTarget) => void;
  /** Resolves once the first connection attempt has settled (null afterwards). */
  startup: () => Promise<void> | null;
}

/** Size estimate of an L1-only value (it is never encoded, so its length is unknown). */
const DEFAULT_L1_ONLY_BYTES = 1024;

export class RedisCache {
  private readonly d: TierDeps;
  /** Invalidations that could not reach Redis; replayed when it is back. Bounded: overflow means "all". */
  private pending: InvalidationTarget[] = [];

  constructor(deps: TierDeps) {
    this.d = deps;
  }

  /** The value for `key`, or undefined. Never throws because of Redis. */
  async get<T = unknown>(key: string, opts?: GetOptions<T>): Promise<T | undefined> {
    const r = await this.lookup<T>(key, opts);
    return r === undefined ? undefined : r.value;
  }

  /** Like {@link get}, with the tier that answered. */
  async lookup<T = unknown>(key: string, opts?: GetOptions<T>): Promise<Lookup<T> | undefined> {
    const type = opts?.type ?? this.d.keys.typeOf(key) ?? 'other';
    const t = TYPE_INDEX[type];
    const start = performance.now();
    const e = this.d.memory.get(key, Date.now());
    if (e !== undefined) {
      this.d.stats.hitL1(t, e.costMs);
      this.emitLookup(type, key, 'l1', start);
      return { value: e.value as T, tier: 'l1' };
    }
    const fromL2 = await this.readL2<T>(key, type, opts);
    if (fromL2 !== undefined) {
      this.d.stats.hitL2(t);
      this.emitLookup(type, key, 'l2', start);
      return { value: fromL2, tier: 'l2' };
    }
    this.d.stats.miss(t);
    this.emitLookup(type, key, null, start);
    return undefined;
  }

  /**
   * Reads `key` from Redis only (no L1, no counters) and, when found, stores the decoded value in L1.
   * Undefined when absent, undecodable, or Redis is unavailable.
   */
  async readL2<T>(key: string, type: CacheType, opts?: GetOptions<T>): Promise<T | undefined> {
    const b = this.d.breaker;
    if (b.state !== 'closed') {
      const s = this.d.startup();
      if (s === null) return undefined;
      await s;
      if (!b.allows()) return undefined;
    }
    let text: string | null;
    // With L1 on, the copy must not outlive the Redis value: PTTL is sent right behind the GET (same round trip).
    // With L1 off nothing is kept, so the read is a lone GET.
    const l1 = this.d.memory.maxEntries > 0;
    let pttl: Promise<number> | null = null;
    try {
      const get = this.d.client.get(key);
      if (l1) pttl = this.d.client.pttl(key);
      text = await get;
    } catch (err) {
      pttl?.catch(() => undefined);
      b.failure(err);
      return undefined;
    }
    let remainingMs = this.d.l1Ttl * 1000;
    if (pttl !== null) {
      try {
        const ms = await pttl;
        if (text !== null && ms === -2) return undefined; // expired between the two commands
        if (ms >= 0) remainingMs = Math.min(remainingMs, ms);
      } catch {
        // The GET answered; an L1 copy bounded by l1Ttl is still correct enough. The breaker hears of it next time.
      }
    }
    if (text === null) return undefined;
    let value: T;
    try {
      const stored = decode(text);
      value = opts?.fromL2 ? opts.fromL2(stored) : (stored as T);
    } catch (err) {
      // A corrupt or foreign value is a miss, never an exception; it will be overwritten by the next set.
      this.d.log.warn({ key, err: (err as Error).message }, 'cache value could not be decoded; treated as a miss');
      return undefined;
    }
    if (!l1) return value; // L1 off: nothing to share, nothing to freeze
    if (opts?.freeze !== false) deepFreeze(value);
    this.d.memory.set(key, {
      value,
      expiresAt: Date.now() + remainingMs,
      bytes: text.length,
      type,
      origin: 'l2',
      costMs: 0,
      ref: false,
    });
    return value;
  }

  /**
   * Stores `value` for `ttlSeconds` in L1 and Redis (or in memory only while Redis is down).
   * Resolves true when Redis holds it, false when only memory does. Never throws because of Redis;
   * throws TypeError only for a value that cannot be cached at all (a function, a symbol, undefined).
   */
  async set(key: string, value: unknown, ttlSeconds: number, opts?: SetOptions): Promise<boolean> {
    if (!(ttlSeconds > 0)) throw new TypeError('ttl must be a positive number of seconds');
    const type = opts?.type ?? this.d.keys.typeOf(key) ?? 'other';
    const l1Only = opts?.l1Only === true;
    const text = l1Only ? null : encode(opts && 'l2Value' in opts ? opts.l2Value : value);
    if (opts?.freeze !== false && this.d.memory.maxEntries > 0) deepFreeze(value);
    const now = Date.now();
    const b = this.d.breaker;
    let redisUp = b.state === 'closed';
    if (!redisUp && !l1Only) {
      const s = this.d.startup();
      if (s !== null) {
        await s;
        redisUp = b.state === 'closed';
      }
    }
    const useRedis = redisUp && !l1Only;
    const entry = {
      value,
      // A copy of a Redis value lives at most l1Ttl; a memory-only value lives its full TTL.
      expiresAt: now + (useRedis ? Math.min(ttlSeconds, this.d.l1Ttl) : ttlSeconds) * 1000,
      bytes: text?.length ?? DEFAULT_L1_ONLY_BYTES,
      type,
      origin: (useRedis ? 'l2' : 'local') as 'l2' | 'local',
      costMs: opts?.costMs ?? 0,
      ref: false,
    };
    this.d.memory.set(key, entry);
    if (!useRedis) {
      if (l1Only && redisUp) this.d.publish({ kind: 'keys', keys: [key] }); // other instances drop their old copy
      return false;
    }
    try {
      const ttlMs = Math.round(ttlSeconds * 1000);
      const write = this.d.client.set(key, text as string, 'PX', ttlMs);
      const index = this.d.keys.indexFor(key, type);
      if (index !== null) {
        // Fire and forget on the same connection (ordered after the SET); a lost entry only means the key is
        // left to its TTL by a later product clear.
        this.d.client.eval(INDEX_ADD, 1, index, key, ttlMs).catch(() => undefined);
      }
      this.d.publish({ kind: 'keys', keys: [key] });
      await write;
      return true;
    } catch (err) {
      b.failure(err);
      entry.origin = 'local';
      entry.expiresAt = now + ttlSeconds * 1000;
      return false;
    }
  }

  /** Removes `key` from every tier and every instance's L1. Resolves true when something was removed. */
  async delete(key: string): Promise<boolean> {
    const removed = await this.invalidate({ kind: 'keys', keys: [key] });
    return removed > 0;
  }

  /** Remaining time to live in seconds: -2 when absent, -1 without expiry (Redis' TTL convention). */
  async ttl(key: string): Promise<number> {
    if (this.d.breaker.allows()) {
      try {
        const ms = await this.d.client.pttl(key);
        return ms < 0 ? ms : Math.ceil(ms / 1000);
      } catch (err) {
        this.d.breaker.failure(err);
      }
    }
    const ms = this.d.memory.pttl(key, Date.now());
    return ms < 0 ? ms : Math.ceil(ms / 1000);
  }

  /** True when `key` is cached in any tier (not counted as a lookup). */
  async has(key: string): Promise<boolean> {
    if (this.d.memory.get(key, Date.now()) !== undefined) return true;
    if (!this.d.breaker.allows()) return false;
    try {
      return (await this.d.client.exists(key)) > 0;
    } catch (err) {
      this.d.breaker.failure(err);
      return false;
    }
  }

  /**
   * Removes what `target` designates from L1, from Redis (SCAN with a fixed, glob-free pattern on every master +
   * UNLINK in batches — never KEYS, never FLUSHDB) and from other instances' L1 (pub/sub). While Redis is down
   * the Redis part is remembered and replayed on recovery. Returns how many keys were removed (Redis' count
   * when Redis took part, else the memory tier's).
   */
  async invalidate(target: InvalidationTarget): Promise<number> {
    const localRemoved = this.dropLocal(target);
    let removed = localRemoved;
    if (this.d.breaker.allows()) {
      try {
        removed = await this.removeFromRedis(target);
        this.d.publish(target);
      } catch (err) {
        this.d.breaker.failure(err);
        this.remember(target);
      }
    } else {
      this.remember(target);
    }
    this.d.log.info({ target: describeTarget(target), removed }, 'cache invalidated');
    if (this.d.events.listening.invalidate) this.d.events.emit('invalidate', { target: describeTarget(target), kind: target.kind, removed, remote: false });
    return removed;
  }

  /** Applies an invalidation received from another instance to this instance's L1. */
  applyRemote(target: InvalidationTarget): void {
    const n = this.dropLocal(target);
    if (this.d.events.listening.invalidate) this.d.events.emit('invalidate', { target: describeTarget(target), kind: target.kind, removed: n, remote: true });
  }

  /** Called when Redis is reachable again: replays invalidations made during the outage. */
  async replayPending(): Promise<void> {
    const todo = this.pending;
    this.pending = [];
    for (const t of todo) {
      try {
        await this.removeFromRedis(t);
        this.d.publish(t);
      } catch (err) {
        this.d.breaker.failure(err);
        this.remember(t);
        return;
      }
    }
    if (todo.length) this.d.log.info({ replayed: todo.length }, 'cache invalidations made while redis was down replayed');
  }

  private remember(t: InvalidationTarget): void {
    if (this.pending.some((p) => p.kind === 'all')) return;
    if (t.kind === 'all' || this.pending.length >= 1000) {
      this.pending = [{ kind: 'all' }];
      return;
    }
    this.pending.push(t);
  }

  /** Drops matching entries from this process's memory tier. */
  private dropLocal(target: InvalidationTarget): number {
    const m = this.d.memory;
    const k = this.d.keys;
    switch (target.kind) {
      case 'keys': {
        let n = 0;
        for (const key of target.keys) if (m.delete(key)) n++;
        return n;
      }
      case 'product': {
        const model = k.model(target.product);
        const pred = k.predictionPattern(target.product).slice(0, -1);
        return m.deleteWhere((key) => key === model || key.startsWith(pred));
      }
      case 'type':
        return m.deleteWhere((key, e) => e.type === target.type && key.startsWith(k.root));
      case 'all':
        return m.deleteWhere((key) => key.startsWith(k.root) && !key.startsWith(k.meta));
    }
  }

  private async removeFromRedis(target: InvalidationTarget): Promise<number> {
    const k = this.d.keys;
    let keys: AsyncIterable<string[]>;
    switch (target.kind) {
      case 'keys': {
        return unlinkBatches(this.d.client, target.keys);
      }
      case 'product':
        // The product's index set lists its keys: no keyspace scan (retrains clear a product every time).
        return this.unlinkIndexed(k.productIndex(target.product), k.model(target.product));
      case 'type':
        if (target.type === 'products') return this.unlinkIndexed(k.productsIndex(), k.products());
        keys = scanKeys(this.d.client, k.pattern(target.type));
        if (target.type === 'other') return this.unlinkScanned(keys, (key) => k.typeOf(key) === 'other');
        return this.unlinkScanned(keys);
      case 'all':
        return this.unlinkScanned(scanKeys(this.d.client, k.pattern('all')), (key) => !key.startsWith(k.meta) || k.isIndex(key));
    }
  }

  /**
   * UNLINKs `main` and every key listed in the index set `index`, then the set itself. Returns how many data keys
   * were removed (`main` is unlinked even when the set misses it).
   */
  private async unlinkIndexed(index: string, main: string): Promise<number> {
    const members = await this.d.client.smembers(index);
    const n = await unlinkBatches(this.d.client, [main, ...members.filter((m) => m !== main)]);
    await this.d.client.unlink(index);
    return n;
  }

  /** UNLINKs the scanned keys that `keep` accepts; counts data keys only (index sets go too, uncounted). */
  private async unlinkScanned(batches: AsyncIterable<string[]>, keep?: (key: string) => boolean): Promise<number> {
    let n = 0;
    for await (const batch of batches) {
      const keys = keep ? batch.filter(keep) : batch;
      if (!keys.length) continue;
      const data = keys.filter((key) => !this.d.keys.isIndex(key));
      if (data.length < keys.length) await unlinkBatches(this.d.client, keys.filter((key) => this.d.keys.isIndex(key)));
      if (data.length) n += await unlinkBatches(this.d.client, data);
    }
    return n;
  }

  private emitLookup(type: CacheType, key: string, tier: 'l1' | 'l2' | null, start: number): void {
    if (this.d.events.listening.lookup) {
      this.d.events.emit('lookup', { type, key, result: tier ? 'hit' : 'miss', tier, durationMs: performance.now() - start });
    }
  }
}

export function describeTarget(t: InvalidationTarget): string {
  switch (t.kind) {
    case 'keys':
      return t.keys.length === 1 ? `key ${t.keys[0]}` : `${t.keys.length} keys`;
    case 'product':
      return `product ${t.product}`;
    case 'type':
      return t.type;
    case 'all':
      return 'all';
  }
}

/** Adds ARGV[1] to the index set KEYS[1] and makes the set live at least ARGV[2] ms (never shortens it). */
const INDEX_ADD = `redis.call('sadd', KEYS[1], ARGV[1])
local t = redis.call('pttl', KEYS[1])
if t == -1 or (t >= 0 and t < tonumber(ARGV[2])) then redis.call('pexpire', KEYS[1], ARGV[2]) end
return 1`;

const UNLINK_BATCH = 500;
const SCAN_COUNT = 1000;

/**
 * UNLINK in batches (non-blocking delete on the server). In Cluster mode keys are grouped by slot first:
 * a multi-key command must stay within one slot.
 */
export async function unlinkBatches(client: RedisClient, keys: string[]): Promise<number> {
  if (!keys.length) return 0;
  let n = 0;
  if (isCluster(client)) {
    const bySlot = new Map<number, string[]>();
    for (const k of keys) {
      const s = clusterSlot(k);
      const list = bySlot.get(s);
      if (list) list.push(k);
      else bySlot.set(s, [k]);
    }
    for (const list of bySlot.values()) {
      for (let i = 0; i < list.length; i += UNLINK_BATCH) n += await client.unlink(...list.slice(i, i + UNLINK_BATCH));
    }
    return n;
  }
  for (let i = 0; i < keys.length; i += UNLINK_BATCH) n += await client.unlink(...keys.slice(i, i + UNLINK_BATCH));
  return n;
}

/** SCAN MATCH `pattern` over every master (Cluster) or the one server; yields batches of keys. */
export async function* scanKeys(client: RedisClient, pattern: string): AsyncGenerator<string[]> {
  const nodes = isCluster(client) ? client.nodes('master') : [client];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      cursor = next;
      if (keys.length) yield keys;
    } while (cursor !== '0');
  }
}

export function isCluster(client: RedisClient): client is import('ioredis').Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

/** Redis Cluster key slot (CRC16/XMODEM of the hash tag or key, mod 16384). */
export function clusterSlot(key: string): number {
  const s = key.indexOf('{');
  let part = key;
  if (s >= 0) {
    const e = key.indexOf('}', s + 1);
    if (e > s + 1) part = key.slice(s + 1, e);
  }
  let crc = 0;
  for (const byte of Buffer.from(part, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
