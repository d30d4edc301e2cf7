/**
 * The autoscaler's figure: how many instances the measured miss load needs.
 *
 *   desired = max(1, ceil(lookups/s × miss ratio × compute seconds per miss / target utilisation))
 *
 * `lookups/s × miss ratio` is the misses per second the fleet must compute; times the seconds one computation
 * takes, it is the compute-seconds per second the fleet is busy with — the instances fully busy with it. Dividing
 * by the target utilisation (0.6 by default) leaves headroom for bursts and for the hits every instance answers.
 * Hits are not counted as work: they cost microseconds to milliseconds, misses hundreds of milliseconds.
 *
 * Pure: the caller measures the window. One instance is assumed to compute one second of misses per second (the
 * unit of the formula); an operator with more forecast workers per instance lowers the target or divides.
 */
export interface DesiredInstancesInputs {
  /** Lookups per second over the window, every instance together. */
  lookupsPerSecond: number;
  /** Misses / lookups over the window (0..1; 0 when there were no lookups). */
  missRatio: number;
  /** Average seconds one computation after a miss took (0 when none was measured). */
  computeSecondsPerMiss: number;
  /** CACHE_TARGET_UTILIZATION (0 < u ≤ 1). */
  targetUtilization: number;
}

export function desiredInstances(i: DesiredInstancesInputs): number {
  const busy = i.lookupsPerSecond * i.missRatio * i.computeSecondsPerMiss;
  if (!(busy > 0) || !(i.targetUtilization > 0)) return 1;
  // Rounded to 9 decimals before the ceiling: 0.3 × 2 / 0.6 is 1.0000000000000002 in floating point, and one
  // instance more for a rounding error would be a real cost.
  return Math.max(1, Math.ceil(Math.round((busy / i.targetUtilization) * 1e9) / 1e9));
}
