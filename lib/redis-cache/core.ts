/**
 * The get-or-compute core: the one place that reads L1, then Redis, then — on a miss — computes once (single
 * flight in this process and, when asked, across instances under a lock) and stores the result in both tiers,
 * counting hits and misses and publishing events on the way. Every public API is a thin layer over it: the
 * wrappers (`cached`, `cachedModel`, `cachedPrediction`) build a key and a plan and call
 * {@link CacheCore.getOrCompute}; `RedisCache` and `ModelCache` call {@link CacheCore.lookup} and
 * {@link CacheCore.set} with the same plans.
 *
 * An entry's plan says its type, TTL and codec. The codec travels with the L1 copy, so two APIs reading one key
 * with different codecs each get a value of their own codec (entry-codec.ts).
 *
 * L1 lifetime: a copy of a Redis value is served at most `l1Ttl` seconds and never beyond its remaining TTL in
 * Redis (read in the same command as the value). A value written while Redis is unavailable lives its full TTL
 * in memory (the fallback store).
 *
 * Cross-instance coherence: an explicit `set` is broadcast, so other instances drop their old copies at once. A
 * value computed after a miss is not: Redis held nothing under that key, so no other instance can hold a copy of
 * a value Redis still has — what they may hold is a copy of a value since evicted, bounded by `l1Ttl` as any
 * missed message is. That saves a PUBLISH per miss.
 */
import { convert, shareable, type EntryCodec } from './entry-codec';
import type { CacheEvents } from './events';
import type { InvalidationTarget } from './invalidation-bus';
import { TYPE_INDEX, type CacheType, type KeyScheme } from './keys';
import type { CacheLogger } from './logger';
import { isLockTimeoutError, type LockManager } from './lock';
import type { MemoryEntry, MemoryTier } from './memory-tier';
import { UNAVAILABLE, type RedisGate } from './redis-gate';
import type { CacheStats } from './stats';
import { errorMessage } from './timeout';

/** How one kind of entry is cached. Built once per wrapper or facade, never per call. */
export interface EntryPlan<T> {
  type: CacheType;
  /** Index of `type` in the per-type counters. */
  typeIndex: number;
  codec: EntryCodec<T>;
  /** Seconds; undefined: the system's TTL for `type`. */
  ttl?: number;
  /** Never stored in Redis (a live object with no serialisable form). */
  localOnly: boolean;
  /** Compute under a cross-instance lock held at most this long (ms), re-reading Redis once it is held. */
  lockTtlMs?: number;
}

export function entryPlan<T>(
  type: CacheType,
  codec: EntryCodec<T>,
  extra: { ttl?: number; localOnly?: boolean; lockTtlMs?: number } = {},
): EntryPlan<T> {
  return { type, typeIndex: TYPE_INDEX[type], codec, ttl: extra.ttl, localOnly: extra.localOnly === true, lockTtlMs: extra.lockTtlMs };
}

/** An answer with where it came from. */
export interface Detailed<R> {
  value: R;
  /** True when the value came from the cache (no computation). */
  cached: boolean;
  tier: 'l1' | 'l2' | null;
}

/** Returned by the synchronous L1 probe when L1 cannot answer. */
export const NOT_IN_L1: unique symbol = Symbol('not in L1');

export interface CoreDeps {
  gate: RedisGate;
  memory: MemoryTier;
  keys: KeyScheme;
  stats: CacheStats;
  events: CacheEvents;
  locks: LockManager;
  log: CacheLogger;
  /** Seconds per type. */
  ttl: Record<CacheType, number>;
  /** Seconds an L1 copy of a Redis value may be served. */
  l1Ttl: number;
  publish: (target: InvalidationTarget) => void;
}

type Flight = Promise<Detailed<unknown>> & { codec?: EntryCodec<unknown> };

export class CacheCore {
  /**
   * In-process single flight: key → the lookup in progress. A null-prototype object, not a `Map`: with a `Map`
   * under this churn V8 promoted each finished lookup's value to the old generation (scavenges cost 7× more,
   * −25 % throughput Redis-only — BENCHMARKS.md); with a dictionary object the values die young as they should.
   */
  private readonly inflight: Record<string, Flight | undefined> = Object.create(null) as Record<string, Flight | undefined>;

  constructor(private readonly d: CoreDeps) {}

  ttlOf(plan: EntryPlan<unknown>): number {
    return plan.ttl ?? this.d.ttl[plan.type];
  }

  /** L1 only, synchronously: the value (counted as an L1 hit) or {@link NOT_IN_L1}. The hot path of every read. */
  fromL1<T>(plan: EntryPlan<T>, key: string): T | typeof NOT_IN_L1 {
    const e = this.d.memory.get(key, Date.now());
    if (e === undefined) return NOT_IN_L1;
    const value = e.codec === plan.codec ? (e.value as T) : this.adopt(plan, e);
    if (value === NOT_IN_L1) return NOT_IN_L1;
    this.d.stats.hitL1(plan.typeIndex, e.costMs);
    if (this.d.events.listening('lookup')) this.d.events.emit('lookup', { type: plan.type, key, result: 'hit', tier: 'l1', durationMs: 0 });
    return value;
  }

  /** L1, then Redis; counted as a hit or a miss. Undefined on a miss. Never throws because of Redis. */
  async lookup<T>(plan: EntryPlan<T>, key: string): Promise<Detailed<T> | undefined> {
    const inL1 = this.fromL1(plan, key);
    if (inL1 !== NOT_IN_L1) return { value: inL1, cached: true, tier: 'l1' };
    const start = performance.now();
    const remote = plan.localOnly ? NOT_IN_L1 : await this.readRemote(plan, key);
    if (remote !== NOT_IN_L1) {
      this.counted(plan, key, 'l2', start);
      return { value: remote, cached: true, tier: 'l2' };
    }
    this.counted(plan, key, null, start);
    return undefined;
  }

  /**
   * The value of `key`: from L1, from Redis, or computed by `compute` (once per key at a time in this process)
   * and stored. A cache failure never reaches the caller; an error of `compute` does (to every joined caller) and
   * is not cached. Joined callers count as misses and are reported as computed.
   */
  getOrCompute<T>(plan: EntryPlan<T>, key: string, compute: () => Promise<T>): Promise<Detailed<T>> {
    const inL1 = this.fromL1(plan, key);
    if (inL1 !== NOT_IN_L1) return Promise.resolve({ value: inL1, cached: true, tier: 'l1' });
    return this.missL1(plan, key, compute);
  }

  /** {@link getOrCompute} after L1 said no: single flight around Redis, lock and compute. */
  missL1<T>(plan: EntryPlan<T>, key: string, compute: () => Promise<T>): Promise<Detailed<T>> {
    const joined = this.inflight[key];
    if (joined !== undefined && joined.codec === plan.codec) {
      this.d.stats.miss(plan.typeIndex);
      return joined.then(asComputed) as Promise<Detailed<T>>;
    }
    const flight: Flight = this.resolve(plan, key, compute);
    flight.codec = plan.codec as EntryCodec<unknown>;
    this.inflight[key] = flight;
    const done = () => {
      if (this.inflight[key] === flight) delete this.inflight[key];
    };
    flight.then(done, done);
    return flight as Promise<Detailed<T>>;
  }

  private async resolve<T>(plan: EntryPlan<T>, key: string, compute: () => Promise<T>): Promise<Detailed<T>> {
    const start = this.d.events.listening('lookup') ? performance.now() : 0;
    if (!plan.localOnly) {
      const remote = await this.readRemote(plan, key);
      if (remote !== NOT_IN_L1) {
        this.counted(plan, key, 'l2', start);
        return { value: remote, cached: true, tier: 'l2' };
      }
    }
    this.counted(plan, key, null, start);
    if (plan.lockTtlMs && !plan.localOnly && this.d.gate.up) {
      // Another instance may be computing the same value: wait for its lock, then take its result from Redis.
      const viaLock = await this.d.locks
        .run('compute:' + key, plan.lockTtlMs, async () => {
          const again = await this.readRemote(plan, key);
          return again !== NOT_IN_L1 ? { value: again, cached: true } : { value: await this.compute(plan, key, compute), cached: false };
        })
        .catch((err: unknown) => {
          if (isLockTimeoutError(err)) return null; // held elsewhere for too long: compute ourselves
          throw err;
        });
      if (viaLock) return { value: viaLock.value, cached: viaLock.cached, tier: viaLock.cached ? 'l2' : null };
    }
    return { value: await this.compute(plan, key, compute), cached: false, tier: null };
  }

  private async compute<T>(plan: EntryPlan<T>, key: string, fn: () => Promise<T>): Promise<T> {
    const c0 = performance.now();
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      this.d.events.emit('compute', { type: plan.type, key, durationMs: performance.now() - c0, error: true });
      throw err;
    }
    const costMs = performance.now() - c0;
    this.d.stats.computed(plan.typeIndex, costMs);
    this.d.events.emit('compute', { type: plan.type, key, durationMs: costMs, error: false });
    if (value !== undefined) {
      // The caller gets the value without waiting for Redis' reply: L1 already holds it, and a later read on the same
      // connection is ordered after the write.
      this.set(plan, key, value, { costMs, announce: false }).catch((err: unknown) =>
        this.d.log.warn({ key, err: errorMessage(err) }, 'value could not be cached'),
      );
    }
    return value;
  }

  /**
   * Stores `value` in L1 and Redis (in memory only while Redis is unavailable, or for a local-only plan).
   * Resolves true when Redis holds it. Never fails because of Redis; rejects with a TypeError for a value the
   * codec cannot store. `announce` (default true) tells other instances to drop their copies.
   */
  async set<T>(plan: EntryPlan<T>, key: string, value: T, opts: { ttl?: number; costMs?: number; announce?: boolean } = {}): Promise<boolean> {
    const ttl = opts.ttl ?? this.ttlOf(plan);
    if (!(ttl > 0)) throw new TypeError('ttl must be a positive number of seconds');
    const text = plan.localOnly ? null : plan.codec.encode(value);
    const announce = opts.announce !== false;
    let redisUp = this.d.gate.up;
    if (!redisUp && !plan.localOnly) {
      const pending = this.d.gate.startup();
      if (pending !== null) {
        await pending;
        redisUp = this.d.gate.up;
      }
    }
    const useRedis = redisUp && !plan.localOnly;
    const now = Date.now();
    const entry: MemoryEntry = {
      value: this.d.memory.maxEntries > 0 ? shareable(plan.codec, value) : value,
      // A copy of a Redis value lives at most l1Ttl; a memory-only value lives its full TTL.
      expiresAt: now + (useRedis ? Math.min(ttl, this.d.l1Ttl) : ttl) * 1000,
      bytes: text?.length ?? LOCAL_ONLY_BYTES,
      type: plan.type,
      origin: useRedis ? 'l2' : 'local',
      costMs: opts.costMs ?? 0,
      ref: false,
      codec: plan.codec as EntryCodec<unknown>,
    };
    this.d.memory.set(key, entry);
    if (!useRedis) {
      if (plan.localOnly && redisUp && announce) this.d.publish({ kind: 'keys', keys: [key] }); // others drop their copy
      return false;
    }
    const ttlMs = Math.round(ttl * 1000);
    const index = this.d.keys.indexFor(key, plan.type);
    const written = this.d.gate.run((c): Promise<unknown> =>
      index === null ? c.set(key, text!, 'PX', ttlMs) : c.setIndexed(key, index, text!, ttlMs),
    );
    if (announce) this.d.publish({ kind: 'keys', keys: [key] }); // same connection: ordered after the write
    if ((await written) === UNAVAILABLE) {
      entry.origin = 'local';
      entry.expiresAt = now + ttl * 1000;
      return false;
    }
    return true;
  }

  /**
   * Reads `key` from Redis only (no L1, no counters) and keeps the decoded value in L1. {@link NOT_IN_L1} when
   * absent, undecodable by the plan's codec, or Redis is unavailable.
   */
  private async readRemote<T>(plan: EntryPlan<T>, key: string): Promise<T | typeof NOT_IN_L1> {
    const l1 = this.d.memory.maxEntries > 0;
    let text: string | null;
    let remainingMs = this.d.l1Ttl * 1000;
    if (l1) {
      // The L1 copy must not outlive the Redis value: the remaining TTL comes with the value, in one command.
      const r = await this.d.gate.run((c) => c.getWithTtl(key));
      if (r === UNAVAILABLE) return NOT_IN_L1;
      text = r[0];
      if (r[1] >= 0) remainingMs = Math.min(remainingMs, r[1]);
    } else {
      const r = await this.d.gate.run((c) => c.get(key));
      if (r === UNAVAILABLE) return NOT_IN_L1;
      text = r;
    }
    if (text === null) return NOT_IN_L1;
    let value: T;
    try {
      value = plan.codec.decode(text);
    } catch (err) {
      // A corrupt or foreign value is a miss, never an exception; the next write replaces it.
      this.d.log.warn({ key, codec: plan.codec.name, err: errorMessage(err) }, 'cache value could not be decoded; treated as a miss');
      return NOT_IN_L1;
    }
    if (!l1) return value;
    value = shareable(plan.codec, value);
    const entry: MemoryEntry = {
      value,
      expiresAt: Date.now() + remainingMs,
      bytes: text.length,
      type: plan.type,
      origin: 'l2',
      costMs: 0,
      ref: false,
      codec: plan.codec as EntryCodec<unknown>,
    };
    this.d.memory.set(key, entry);
    return value;
  }

  /** An L1 value written by another codec, converted to this plan's (which owns the L1 slot from now on). */
  private adopt<T>(plan: EntryPlan<T>, e: MemoryEntry): T | typeof NOT_IN_L1 {
    const value = convert(e.codec, plan.codec, e.value);
    if (value === undefined) return NOT_IN_L1;
    e.value = shareable(plan.codec, value);
    e.codec = plan.codec as EntryCodec<unknown>;
    return value;
  }

  private counted(plan: EntryPlan<unknown>, key: string, tier: 'l2' | null, start: number): void {
    if (tier) this.d.stats.hitL2(plan.typeIndex);
    else this.d.stats.miss(plan.typeIndex);
    if (this.d.events.listening('lookup')) {
      this.d.events.emit('lookup', { type: plan.type, key, result: tier ? 'hit' : 'miss', tier, durationMs: performance.now() - start });
    }
  }
}

/** Size estimate of a local-only value (it is never encoded, so its length is unknown). */
const LOCAL_ONLY_BYTES = 1024;

/** What a caller that joined another's computation gets: the value, reported as computed (not cached). */
function asComputed<R>(d: Detailed<R>): Detailed<R> {
  return { value: d.value, cached: false, tier: null };
}
