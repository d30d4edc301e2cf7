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
 * in memory (the fallback store), or until Redis is usable again (system.ts drops it then).
 *
 * Cross-instance coherence: an explicit `set` is broadcast, so other instances drop their old copies at once. A
 * value computed after a miss is not: Redis held nothing under that key, so no other instance can hold a copy of
 * a value Redis still has — what they may hold is a copy of a value since evicted, bounded by `l1Ttl` as any
 * missed message is. That saves a PUBLISH per miss.
 */
import { convert, shareable, type EntryCodec } from './entry-codec';
import { EntryWriter } from './entry-writer';
import type { Grace } from './grace';
import { unpack, type Compression } from './compression';
import { storedExpiry, storedPayload } from './stored-form';
import type { CacheEvents } from './events';
import type { InvalidationTarget } from './invalidation-bus';
import type { CacheType, KeyScheme } from './keys';
import { NOT_IN_L1, type Detailed, type EntryPlan } from './entry-plan';
import type { CacheLogger } from './logger';
import { isLockTimeoutError, type LockManager } from './lock';
import { FillGuard, type KeyScope } from './fill-guard';
import type { MemoryEntry, MemoryTier } from './memory-tier';
import { UNAVAILABLE, type RedisGate } from './redis-gate';
import type { SavingsLedger } from './savings';
import type { CacheStats } from './stats';
import { errorMessage } from './timeout';

export interface CoreDeps {
  gate: RedisGate;
  memory: MemoryTier;
  /** Whether a reply or a computed value may still be kept once invalidations began (fill-guard.ts). */
  fill: FillGuard;
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
  /** Grace copies of predictions (grace.ts). */
  grace: Grace;
  /** Compression of large values on their way to Redis (compression.ts). */
  compression: Compression;
  /** What hits saved, per product (savings.ts). */
  savings: SavingsLedger;
}

/** How many keys {@link CacheCore} remembers having logged an undecodable value for. */
const UNDECODABLE_KEYS_REMEMBERED = 1024;

type Flight = Promise<Detailed<unknown>> & { codec?: EntryCodec<unknown> };

export class CacheCore {
  /**
   * In-process single flight: key → the lookup in progress. A null-prototype object, not a `Map`: with a `Map`
   * under this churn V8 promoted each finished lookup's value to the old generation (scavenges cost 7× more,
   * −25 % throughput Redis-only — BENCHMARKS.md); with a dictionary object the values die young as they should.
   */
  private readonly inflight: Record<string, Flight | undefined> = Object.create(null) as Record<string, Flight | undefined>;

  private readonly writer: EntryWriter;

  /** Keys whose undecodable value was logged (see {@link undecodable}). */
  private readonly undecodableLogged = new Set<string>();

  constructor(private readonly d: CoreDeps) {
    this.writer = new EntryWriter(d);
  }

  /** L1 only, synchronously: the value (counted as an L1 hit) or {@link NOT_IN_L1}. The hot path of every read. */
  fromL1<T>(plan: EntryPlan<T>, key: string): T | typeof NOT_IN_L1 {
    const e = this.d.memory.get(key, Date.now());
    if (e === undefined) return NOT_IN_L1;
    const value = e.codec === plan.codec ? (e.value as T) : this.adopt(plan, e);
    if (value === NOT_IN_L1) return NOT_IN_L1;
    this.d.savings.hit(plan.typeIndex, key, this.d.stats.hitL1(plan.typeIndex, e.costMs));
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
    // The flight is the chain itself, ending with its own removal from the map: no extra promise per miss.
    const flight: Flight = this.readThrough(plan, key, compute).then(
      (d) => {
        if (this.inflight[key] === flight) delete this.inflight[key];
        return d;
      },
      (err: unknown) => {
        if (this.inflight[key] === flight) delete this.inflight[key];
        throw err;
      },
    );
    flight.codec = plan.codec as EntryCodec<unknown>;
    this.inflight[key] = flight;
    return flight as Promise<Detailed<T>>;
  }

  /** Redis, then (on a miss) the lock and the computation. A plain promise chain: this is the L2-hit hot path. */
  private readThrough<T>(plan: EntryPlan<T>, key: string, compute: () => Promise<T>): Promise<Detailed<T>> {
    const start = this.d.events.listening('lookup') ? performance.now() : 0;
    if (plan.localOnly) return this.afterMiss(plan, key, compute, start);
    // The fill token when the GET is issued (after the first connection's start-up, when there is one).
    const scope = FillGuard.scopeOf(key, plan.type);
    let token = 0;
    // One continuation on the reply (runThen): every microtask hop saved shows at 50 concurrent misses.
    return this.d.gate.runThen(
      (c) => ((token = this.d.fill.token(scope)), c.getBuffer(key)),
      (raw) => {
        const remote = this.accept(plan, key, raw, scope, token);
        if (remote === NOT_IN_L1) return this.afterMiss(plan, key, compute, start);
        this.counted(plan, key, 'l2', start);
        return { value: remote, cached: true, tier: 'l2' } as Detailed<T>;
      },
    );
  }

  private afterMiss<T>(plan: EntryPlan<T>, key: string, compute: () => Promise<T>, start: number): Promise<Detailed<T>> {
    this.counted(plan, key, null, start);
    if (plan.lockTtlMs && !plan.localOnly && this.d.gate.up) return this.computeUnderLock(plan, key, compute, plan.lockTtlMs);
    return this.compute(plan, key, compute);
  }

  private async computeUnderLock<T>(plan: EntryPlan<T>, key: string, compute: () => Promise<T>, lockTtlMs: number): Promise<Detailed<T>> {
    // Another instance may be computing the same value: wait for its lock, then take its result from Redis.
    const viaLock = await this.d.locks
      .run('compute:' + key, lockTtlMs, async () => {
        const again = await this.readRemote(plan, key);
        return again !== NOT_IN_L1 ? { value: again, cached: true } : { value: (await this.compute(plan, key, compute)).value, cached: false };
      })
      .catch((err: unknown) => {
        if (isLockTimeoutError(err)) return null; // held elsewhere for too long: compute ourselves
        throw err;
      });
    if (viaLock) return { value: viaLock.value, cached: viaLock.cached, tier: viaLock.cached ? 'l2' : null };
    return this.compute(plan, key, compute);
  }

  /** Runs the computation (the caller's function) and stores its value without waiting for Redis. */
  private compute<T>(plan: EntryPlan<T>, key: string, fn: () => Promise<T>): Promise<Detailed<T>> {
    const c0 = performance.now();
    const scope = FillGuard.scopeOf(key, plan.type);
    const token = this.d.fill.token(scope);
    let pending: Promise<T>;
    try {
      pending = fn();
    } catch (err) {
      pending = Promise.reject(err); // a function that throws instead of rejecting
    }
    return pending.then(
      (value) => {
        const costMs = performance.now() - c0;
        this.d.stats.computed(plan.typeIndex, costMs);
        if (this.d.events.listening('compute')) this.d.events.emit('compute', { type: plan.type, key, durationMs: costMs, error: false });
        // The caller gets the value without waiting for Redis' reply: L1 already holds it, and a later read on the
        // same connection is ordered after the write.
        // A value computed while a clear of its key ran may come from data the clear was meant to drop: answered,
        // not stored.
        if (value !== undefined && this.d.fill.mayFill(scope, token)) this.writer.storeComputed(plan, key, value, costMs);
        return { value, cached: false, tier: null };
      },
      (err: unknown) => {
        this.d.events.emit('compute', { type: plan.type, key, durationMs: performance.now() - c0, error: true });
        throw err;
      },
    );
  }

  /**
   * Stores `value` in L1 and Redis (entry-writer.ts). Resolves true when Redis holds it; rejects only with a
   * TypeError for a value the codec cannot store. `announce` (default true) tells other instances to drop their copies.
   */
  set<T>(plan: EntryPlan<T>, key: string, value: T, opts: { ttl?: number; costMs?: number; announce?: boolean } = {}): Promise<boolean> {
    return this.writer.set(plan, key, value, opts);
  }

  /**
   * Reads `key` from Redis only (no L1, no counters; one GET) and keeps the decoded value in L1. {@link NOT_IN_L1}
   * when absent, undecodable by the plan's codec, or Redis is unavailable.
   */
  private readRemote<T>(plan: EntryPlan<T>, key: string): Promise<T | typeof NOT_IN_L1> {
    const scope = FillGuard.scopeOf(key, plan.type);
    let token = 0;
    return this.d.gate.runThen(
      (c) => ((token = this.d.fill.token(scope)), c.getBuffer(key)),
      (raw) => this.accept(plan, key, raw, scope, token),
    );
  }

  /**
   * A GET's answer as the plan's value, kept in L1 unless an invalidation of its key started since the GET was sent
   * (`token`); {@link NOT_IN_L1} when there is none.
   */
  private accept<T>(plan: EntryPlan<T>, key: string, raw: Buffer | null | typeof UNAVAILABLE, scope: KeyScope, token: number): T | typeof NOT_IN_L1 {
    if (raw === UNAVAILABLE || raw === null) return NOT_IN_L1;
    if (this.d.fill.replaying) return NOT_IN_L1; // may be what a clear made during the outage removed
    let text: string;
    let value: T;
    try {
      // A compressed payload is decompressed here; L1 keeps the decoded value, so an L1 hit never pays for it.
      text = unpack(storedPayload(raw));
      value = plan.codec.decode(text);
    } catch (err) {
      this.undecodable(plan, key, raw, err);
      return NOT_IN_L1;
    }
    if (this.d.memory.maxEntries === 0) return value; // L1 off: nothing to keep
    if (!this.d.fill.mayFill(scope, token)) return value; // answered, not kept: the clear may have been meant for it
    // The L1 copy must not outlive the Redis value: its expiry came with it (stored-form.ts).
    const now = Date.now();
    const expiresAt = Math.min(now + this.d.l1Ttl * 1000, storedExpiry(raw) || Infinity);
    if (!(expiresAt > now)) return value;
    const shared = shareable(plan.codec, value);
    const entry: MemoryEntry = {
      value: shared,
      expiresAt,
      bytes: text.length,
      type: plan.type,
      origin: 'l2',
      costMs: 0,
      ref: false,
      codec: plan.codec as EntryCodec<unknown>,
    };
    this.d.memory.set(key, entry);
    return shared;
  }

  /**
   * A stored value the plan cannot read — corrupt, a compressed frame that does not decompress, or foreign (planted
   * by anyone with write access to Redis, or left by another version) — is a miss, never an exception. It is
   * deleted — unless a writer replaced it meanwhile — so a value no computation overwrites (a forecast for a product
   * that does not exist) is not decoded again on every read, and logged once per key, so reading a planted value in
   * a loop does not flood the log.
   */
  private undecodable(plan: EntryPlan<unknown>, key: string, raw: Buffer, err: unknown): void {
    if (!this.undecodableLogged.has(key)) {
      // Bounded: a flood of distinct planted keys cannot grow it without limit (it only forgets what it logged).
      if (this.undecodableLogged.size >= UNDECODABLE_KEYS_REMEMBERED) this.undecodableLogged.clear();
      this.undecodableLogged.add(key);
      this.d.log.warn({ key, codec: plan.codec.name, err: errorMessage(err) }, 'cache value could not be decoded; treated as a miss and deleted');
    }
    void this.d.gate.run((c) => c.deleteIfValue(key, raw));
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
    if (tier) this.d.savings.hit(plan.typeIndex, key, this.d.stats.hitL2(plan.typeIndex));
    else this.d.stats.miss(plan.typeIndex);
    if (this.d.events.listening('lookup')) {
      this.d.events.emit('lookup', { type: plan.type, key, result: tier ? 'hit' : 'miss', tier, durationMs: performance.now() - start });
    }
  }
}

/** What a caller that joined another's computation gets: the value, reported as computed (not cached). */
function asComputed<R>(d: Detailed<R>): Detailed<R> {
  return { value: d.value, cached: false, tier: null };
}
