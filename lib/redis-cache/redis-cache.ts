/**
 * RedisCache — get/set/delete by key with a TTL, over the same core as the wrappers (core.ts): L1 in front of
 * Redis, the memory tier as the fallback store while Redis is unreachable. No method fails because of Redis.
 *
 * Values go through the tagged-JSON codec unless an entry codec is given (`liveCodec(...)` for live objects stored
 * as a serialisable form; build it once and reuse it: the L1 copy remembers which codec produced it).
 */
import type { CacheCore } from './core';
import { entryPlan, type Detailed, type EntryPlan } from './entry-plan';
import { jsonCodec, localOnlyCodec, type EntryCodec } from './entry-codec';
import type { Invalidator } from './invalidator';
import type { CacheType, KeyScheme } from './keys';
import type { MemoryTier } from './memory-tier';
import { UNAVAILABLE, type RedisGate } from './redis-gate';

export interface EntryOptions<T> {
  /** Cache type for counters and bookkeeping; derived from the key when omitted. */
  type?: CacheType;
  /** How the value is stored and read back (default: tagged JSON, frozen in L1). */
  codec?: EntryCodec<T>;
  /** Keep the value in this process only (e.g. a live object that can't be serialised). */
  l1Only?: boolean;
}

export interface SetOptions<T> extends EntryOptions<T> {
  /** What computing the value cost (ms) — counts as time saved by each later hit. */
  costMs?: number;
}

/** A lookup's answer with where it came from. */
export interface Lookup<T> {
  value: T;
  tier: 'l1' | 'l2';
}

export class RedisCache {
  constructor(
    private readonly core: CacheCore,
    private readonly invalidator: Invalidator,
    private readonly gate: RedisGate,
    private readonly memory: MemoryTier,
    private readonly keys: KeyScheme,
  ) {}

  /** The value for `key`, or undefined. */
  async get<T = unknown>(key: string, opts?: EntryOptions<T>): Promise<T | undefined> {
    return (await this.core.lookup(this.plan(key, opts), key))?.value;
  }

  /** Like {@link get}, with the tier that answered. */
  async lookup<T = unknown>(key: string, opts?: EntryOptions<T>): Promise<Lookup<T> | undefined> {
    const found: Detailed<T> | undefined = await this.core.lookup(this.plan(key, opts), key);
    return found && { value: found.value, tier: found.tier ?? 'l1' };
  }

  /**
   * Stores `value` for `ttlSeconds` in L1 and Redis (or in memory only while Redis is down). Resolves true when
   * Redis holds it. Rejects with a TypeError only for a value that cannot be cached at all (a function, a symbol,
   * undefined) or a TTL that is not positive.
   */
  set<T>(key: string, value: T, ttlSeconds: number, opts?: SetOptions<T>): Promise<boolean> {
    if (!(ttlSeconds > 0)) return Promise.reject(new TypeError('ttl must be a positive number of seconds'));
    try {
      return this.core.set(this.plan(key, opts), key, value, { ttl: ttlSeconds, costMs: opts?.costMs });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Removes `key` from every tier and every instance's L1. Resolves true when something was removed. */
  async delete(key: string): Promise<boolean> {
    return (await this.invalidator.deleteKeys([key])) > 0;
  }

  /** Remaining time to live in seconds: -2 when absent, -1 without expiry (Redis' TTL convention). */
  async ttl(key: string): Promise<number> {
    const ms = this.gate.up ? await this.gate.run((c) => c.pttl(key)) : UNAVAILABLE;
    const remaining = ms === UNAVAILABLE ? this.memory.pttl(key, Date.now()) : ms;
    return remaining < 0 ? remaining : Math.ceil(remaining / 1000);
  }

  /** True when `key` is cached in any tier (not counted as a lookup). */
  async has(key: string): Promise<boolean> {
    if (this.memory.get(key, Date.now()) !== undefined) return true;
    if (!this.gate.up) return false;
    const n = await this.gate.run((c) => c.exists(key));
    return n !== UNAVAILABLE && n > 0;
  }

  private plan<T>(key: string, opts?: EntryOptions<T>): EntryPlan<T> {
    const type = opts?.type ?? this.keys.typeOf(key) ?? 'other';
    const codec = (opts?.l1Only ? localOnlyCodec : (opts?.codec ?? jsonCodec)) as EntryCodec<T>;
    return entryPlan(type, codec, { localOnly: opts?.l1Only });
  }
}
