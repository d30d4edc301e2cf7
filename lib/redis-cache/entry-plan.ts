/**
 * What the core needs to know about an entry (its plan) and what it answers. Shared by the core and the APIs
 * over it.
 */
import type { EntryCodec } from './entry-codec';
import type { StaleInfo } from './grace';
import { TYPE_INDEX, type CacheType } from './keys';

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
  /** Set when the value is a grace copy served because recomputing it failed (grace.ts). */
  stale?: StaleInfo;
}

/** Returned by the synchronous L1 probe when L1 cannot answer. */
export const NOT_IN_L1: unique symbol = Symbol('not in L1');
