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
export function piecewiseLinear(t: number, k: number, m: number, deltas: readonly number[], changepointsT: readonly number[]): number {
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

/** Linear interpolation between order statistics (as numpy's default and augurs' `percentile_of_sorted`). */
function percentileOfSorted(sorted: Float64Array, pct: number): number {
  if (sorted.length === 1) return sorted[0]!;
  const rank = (pct / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  if (lo >= sorted.length - 1) return sorted[sorted.length - 1]!;
  return sorted[lo]! + (sorted[lo + 1]! - sorted[lo]!) * (rank - lo);
}

export interface IntervalInput {
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
    for (let i = 0; i < n; i++) {
      let trend = baseTrend[i]!;
      for (let c = 0; c < changes; c++) if (newTimes[c]! <= t[i]!) trend += newDeltas[c]! * (t[i]! - newTimes[c]!);
      const trendUnits = trend * scaling.yScale;
      const noise = rng.normal() * params.sigmaObs * scaling.yScale;
      draws[i]![s] = trendUnits * (1 + point.multiplicative[i]!) + point.additive[i]! + noise;
    }
  }

  const lowerPct = (100 * (1 - intervalWidth)) / 2;
  const upperPct = (100 * (1 + intervalWidth)) / 2;
  const lower: number[] = [];
  const upper: number[] = [];
  for (const d of draws) {
    d.sort();
    lower.push(percentileOfSorted(d, lowerPct));
    upper.push(percentileOfSorted(d, upperPct));
  }
  return { lower, upper };
}
