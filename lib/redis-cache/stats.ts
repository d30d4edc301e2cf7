/**
 * The app's own hit/miss counters: per type, plain number increments on the hot path.
 * Sharing across instances (Redis hashes per 10 s bucket) is done by flushing the *deltas* in batches (history.ts).
 */
import { byType, CACHE_TYPES, TYPE_COUNT, zeroArray, type CacheType } from './keys';

export interface TypeCounters {
  hits: number;
  misses: number;
  /** Percent 0–100 with one decimal; null before any lookup. */
  hitRate: number | null;
}

/** Percent with one decimal, or null when there were no lookups. */
export function rate(hits: number, misses: number): number | null {
  const total = hits + misses;
  return total === 0 ? null : Math.round((hits / total) * 1000) / 10;
}

/** Hits, misses and hit rate per type, from per-type counter arrays (CACHE_TYPES order). */
export function countersByType(hits: readonly number[], misses: readonly number[]): Record<CacheType, TypeCounters> {
  return byType(CACHE_TYPES.map((_, i) => ({ hits: hits[i], misses: misses[i], hitRate: rate(hits[i], misses[i]) })));
}

/** Hits and misses summed over the types, with their hit rate (0 before any lookup). */
export function counterTotals(hits: readonly number[], misses: readonly number[]): { hits: number; misses: number; hitRate: number } {
  const h = hits.reduce((a, b) => a + b, 0);
  const m = misses.reduce((a, b) => a + b, 0);
  return { hits: h, misses: m, hitRate: rate(h, m) ?? 0 };
}

export class CacheStats {
  readonly hits = zeroArray();
  readonly misses = zeroArray();
  l1Hits = 0;
  l2Hits = 0;
  /** Sum of compute time avoided by hits (ms). */
  savedMs = 0;
  private readonly computeMs = zeroArray();
  private readonly computeCount = zeroArray();
  /** Deltas not yet flushed to Redis. */
  readonly pendingHits = zeroArray();
  readonly pendingMisses = zeroArray();

  /**
   * Mean compute time per type over every instance (ms; NaN until known), kept current by the savings ledger
   * (savings.ts): an instance that only reads values others computed still knows what its hits avoided.
   */
  readonly sharedMeanMs: number[] = new Array<number>(TYPE_COUNT).fill(NaN);

  /**
   * An L1 hit; returns the compute time it avoided (ms): the measured cost of the computation that produced the
   * value when this process ran it (`costMs`), else the mean cost of the type.
   */
  hitL1(t: number, costMs: number): number {
    this.hits[t]++;
    this.pendingHits[t]++;
    this.l1Hits++;
    const saved = costMs > 0 ? costMs : this.avgCompute(t);
    this.savedMs += saved;
    return saved;
  }

  /** A Redis hit; returns the compute time it avoided (ms): the mean cost of the type (Redis keeps no cost). */
  hitL2(t: number): number {
    this.hits[t]++;
    this.pendingHits[t]++;
    this.l2Hits++;
    const saved = this.avgCompute(t);
    this.savedMs += saved;
    return saved;
  }

  miss(t: number): void {
    this.misses[t]++;
    this.pendingMisses[t]++;
  }

  computed(t: number, ms: number): void {
    this.computeMs[t] += ms;
    this.computeCount[t]++;
  }

  /** Computations timed so far (all types) and their summed duration (ms): what a miss costs on average. */
  computeTotals(): { count: number; totalMs: number } {
    return { count: this.computeCount.reduce((a, b) => a + b, 0), totalMs: this.computeMs.reduce((a, b) => a + b, 0) };
  }

  /** Summed compute time (ms) and computations per type so far, this process (copies). */
  computeSums(): { ms: number[]; count: number[] } {
    return { ms: [...this.computeMs], count: [...this.computeCount] };
  }

  /** The mean compute time of type `t`: every instance's when known, else this process's (0 before any). */
  avgCompute(t: number): number {
    const shared = this.sharedMeanMs[t];
    if (shared >= 0) return shared;
    const n = this.computeCount[t];
    return n === 0 ? 0 : this.computeMs[t] / n;
  }

  /** Takes and zeroes the unflushed deltas; null when there are none. */
  drain(): { hits: number[]; misses: number[] } | null {
    let any = 0;
    for (let i = 0; i < TYPE_COUNT; i++) any += this.pendingHits[i] + this.pendingMisses[i];
    if (any === 0) return null;
    const out = { hits: [...this.pendingHits], misses: [...this.pendingMisses] };
    this.pendingHits.fill(0);
    this.pendingMisses.fill(0);
    return out;
  }

  byType(): Record<CacheType, TypeCounters> {
    return countersByType(this.hits, this.misses);
  }

  totals(): { hits: number; misses: number; hitRate: number } {
    return counterTotals(this.hits, this.misses);
  }
}
