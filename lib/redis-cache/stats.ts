/**
 * The app's own hit/miss counters (DESIGN.md §3 "Stats"): per type, plain number increments on the hot path.
 * Sharing across instances (Redis hashes per 10 s bucket) is done by flushing the *deltas* in batches.
 */
import { CACHE_TYPES, type CacheType } from './keys';

/** Position of each type in CACHE_TYPES: the index into the per-type counter arrays. */
export const TYPE_INDEX = Object.fromEntries(CACHE_TYPES.map((t, i) => [t, i])) as Record<CacheType, number>;

export interface TypeCounters {
  hits: number;
  misses: number;
  hit_rate: number | null;
}

/** Percent with one decimal, or null when there were no lookups. */
export function rate(hits: number, misses: number): number | null {
  const total = hits + misses;
  return total === 0 ? null : Math.round((hits / total) * 1000) / 10;
}

/** Hits, misses and hit rate per type, from per-type counter arrays (CACHE_TYPES order). */
export function countersByType(hits: readonly number[], misses: readonly number[]): Record<CacheType, TypeCounters> {
  const out = {} as Record<CacheType, TypeCounters>;
  CACHE_TYPES.forEach((t, i) => (out[t] = { hits: hits[i], misses: misses[i], hit_rate: rate(hits[i], misses[i]) }));
  return out;
}

/** Hits and misses summed over the types, with their hit rate (0 before any lookup). */
export function counterTotals(hits: readonly number[], misses: readonly number[]): { hits: number; misses: number; hit_rate: number } {
  const h = hits.reduce((a, b) => a + b, 0);
  const m = misses.reduce((a, b) => a + b, 0);
  return { hits: h, misses: m, hit_rate: rate(h, m) ?? 0 };
}

export class CacheStats {
  readonly hits = [0, 0, 0, 0];
  readonly misses = [0, 0, 0, 0];
  l1Hits = 0;
  l2Hits = 0;
  /** Sum of compute time avoided by hits (ms). */
  savedMs = 0;
  readonly computeMs = [0, 0, 0, 0];
  readonly computeCount = [0, 0, 0, 0];
  /** Deltas not yet flushed to Redis. */
  readonly pendingHits = [0, 0, 0, 0];
  readonly pendingMisses = [0, 0, 0, 0];

  hitL1(t: number, costMs: number): void {
    this.hits[t]++;
    this.pendingHits[t]++;
    this.l1Hits++;
    this.savedMs += costMs > 0 ? costMs : this.avgCompute(t);
  }

  hitL2(t: number): void {
    this.hits[t]++;
    this.pendingHits[t]++;
    this.l2Hits++;
    this.savedMs += this.avgCompute(t);
  }

  miss(t: number): void {
    this.misses[t]++;
    this.pendingMisses[t]++;
  }

  computed(t: number, ms: number): void {
    this.computeMs[t] += ms;
    this.computeCount[t]++;
  }

  avgCompute(t: number): number {
    const n = this.computeCount[t];
    return n === 0 ? 0 : this.computeMs[t] / n;
  }

  /** Takes and zeroes the unflushed deltas. */
  drain(): { hits: number[]; misses: number[] } | null {
    let any = 0;
    for (let i = 0; i < 4; i++) any += this.pendingHits[i] + this.pendingMisses[i];
    if (any === 0) return null;
    const out = { hits: [...this.pendingHits], misses: [...this.pendingMisses] };
    this.pendingHits.fill(0);
    this.pendingMisses.fill(0);
    return out;
  }

  byType(): Record<CacheType, TypeCounters> {
    return countersByType(this.hits, this.misses);
  }

  totals(): { hits: number; misses: number; hit_rate: number } {
    return counterTotals(this.hits, this.misses);
  }
}
