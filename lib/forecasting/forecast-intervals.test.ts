import { describe, expect, it } from 'vitest';
import { percentile } from './forecast-intervals';
import { Random } from './prng';

/** Reference: sort, then interpolate between order statistics (numpy's default). */
function sortedPercentile(values: Float64Array, pct: number): number {
  const s = Float64Array.from(values).sort();
  const rank = (pct / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  return lo >= s.length - 1 ? s[s.length - 1]! : s[lo]! + (s[lo + 1]! - s[lo]!) * (rank - lo);
}

describe('percentile by selection', () => {
  it('equals the sorted reference exactly, for random, tied and edge inputs', () => {
    const rng = new Random(7);
    const inputs: Float64Array[] = [
      Float64Array.from({ length: 1000 }, () => rng.normal()),
      Float64Array.from({ length: 999 }, () => Math.round(rng.normal() * 3)), // many ties
      Float64Array.from({ length: 50 }, (_, i) => i), // already sorted
      Float64Array.from({ length: 50 }, (_, i) => 50 - i), // reversed
      Float64Array.from([5]),
      Float64Array.from([2, 1]),
    ];
    for (const values of inputs) {
      for (const pct of [0, 10, 25, 50, 90, 99.9, 100]) {
        expect(percentile(Float64Array.from(values), pct)).toBe(sortedPercentile(values, pct));
      }
    }
  });
});
