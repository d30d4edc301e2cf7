import type { FittedParams } from './model-artifact';
import type { ModelScaling, PointForecast } from './prophet-model';
import { Random } from './prng';

/**
 * Prophet's forecast interval, computed the way Prophet does it (posterior predictive simulation: future trend
 * changepoints drawn from a Poisson process with Laplace-distributed rate changes, plus Gaussian observation
 * noise, then the empirical quantiles), but with a seeded generator. augurs draws from an unseedable thread RNG,
 * so its intervals differ on every call; these are identical for the same model, horizon and seed — which is what
 * lets a cached forecast equal a freshly computed one.
 */

/** Prophet's piecewise-linear trend on the scaled axis. */
function piecewiseLinear(t: number, k: number, m: number, deltas: readonly number[], changepointsT: readonly number[]): number {
  let rate = k;
  let offset = m;
  for (let s = 0; s < changepointsT.length; s++) {
    if (changepointsT[s]! <= t) {
      rate += deltas[s]!;
      offset -= changepointsT[s]! * deltas[s]!;
    }
  }
  return t * rate + offset;
}

/**
 * Puts the k-th smallest value of `a` at index k, smaller ones before it and larger ones after it (Hoare's
 * quickselect, median-of-three pivot): O(n) on average, where a full sort per forecast day would be O(n log n).
 */
function select(a: Float64Array, k: number, from = 0, to = a.length - 1): void {
  let lo = from;
  let hi = to;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as pivot, moved to a[mid].
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/**
 * The `pct` percentile with linear interpolation between order statistics (numpy's default, and augurs'
 * `percentile_of_sorted`), without sorting: select the lower order statistic, then the next one is the minimum of
 * what lies above it. Reorders `a`.
 */
export function percentile(a: Float64Array, pct: number): number {
  if (a.length === 1) return a[0]!;
  const rank = (pct / 100) * (a.length - 1);
  const lo = Math.floor(rank);
  select(a, lo);
  const low = a[lo]!;
  if (lo >= a.length - 1) return low;
  let next = Number.POSITIVE_INFINITY;
  for (let i = lo + 1; i < a.length; i++) if (a[i]! < next) next = a[i]!;
  return low + (next - low) * (rank - lo);
}

interface IntervalInput {
  point: PointForecast;
  params: FittedParams;
  scaling: ModelScaling;
  intervalWidth: number;
  samples: number;
  seed: number;
}

export function simulateIntervals({ point, params, scaling, intervalWidth, samples, seed }: IntervalInput): { lower: number[]; upper: number[] } {
  const n = point.ds.length;
  const rng = new Random(seed);
  const t = point.ds.map((ds) => (ds - scaling.tStart) / scaling.tScale);
  const tMax = Math.max(...t);
  const nChangepoints = scaling.changepointsT.length;
  let lambda = params.delta.reduce((sum, d) => sum + Math.abs(d), 0) / (params.delta.length || 1) + 1e-8;
  if (!Number.isFinite(lambda)) lambda = 1e-8;

  // Trend of the fitted model at each future point (scaled), the base every simulated path starts from.
  const baseTrend = t.map((ti) => piecewiseLinear(ti, params.k, params.m, params.delta, scaling.changepointsT));
  const multiplier = point.multiplicative.map((m) => scaling.yScale * (1 + m));
  const noiseScale = params.sigmaObs * scaling.yScale;
  const draws: Float64Array[] = Array.from({ length: n }, () => new Float64Array(samples));
  const newTimes: number[] = [];
  const newDeltas: number[] = [];

  for (let s = 0; s < samples; s++) {
    newTimes.length = 0;
    newDeltas.length = 0;
    const changes = tMax > 1 ? rng.poisson(nChangepoints * (tMax - 1)) : 0;
    for (let c = 0; c < changes; c++) newTimes.push(1 + rng.uniform() * (tMax - 1));
    newTimes.sort((a, b) => a - b);
    for (let c = 0; c < changes; c++) newDeltas.push(rng.laplace(lambda));
    // Future times ascend and the new changepoints are sorted: walk both once, keeping the sums of the active
    // changepoints' deltas (rate change) and delta × time (offset change).
    let active = 0;
    let rateChange = 0;
    let offsetChange = 0;
    for (let i = 0; i < n; i++) {
      const ti = t[i]!;
      while (active < changes && newTimes[active]! <= ti) {
        rateChange += newDeltas[active]!;
        offsetChange += newDeltas[active]! * newTimes[active]!;
        active++;
      }
      const trend = baseTrend[i]! + rateChange * ti - offsetChange;
      draws[i]![s] = trend * multiplier[i]! + point.additive[i]! + rng.normal() * noiseScale;
    }
  }

  const lowerPct = (100 * (1 - intervalWidth)) / 2;
  const upperPct = (100 * (1 + intervalWidth)) / 2;
  const lower: number[] = [];
  const upper: number[] = [];
  for (const d of draws) {
    lower.push(percentile(d, lowerPct));
    upper.push(percentile(d, upperPct));
  }
  return { lower, upper };
}
