import { describe, expect, it } from 'vitest';
import { desiredInstances } from './desired-instances';

describe('desired instances', () => {
  it('is ceil(lookups/s × miss ratio × compute s per miss / target utilisation)', () => {
    // 100 lookups/s, 20 % misses, 0.15 s each: 3 compute-seconds per second; at 60 % utilisation 5 instances.
    expect(desiredInstances({ lookupsPerSecond: 100, missRatio: 0.2, computeSecondsPerMiss: 0.15, targetUtilization: 0.6 })).toBe(5);
    // Just over a whole number rounds up: 3.1 / 0.6 = 5.17 → 6.
    expect(desiredInstances({ lookupsPerSecond: 100, missRatio: 0.2, computeSecondsPerMiss: 0.155, targetUtilization: 0.6 })).toBe(6);
    // 50 lookups/s, 10 % misses, 0.4 s each: 2 busy instances; at 80 % → 2.5 → 3; at 100 % → exactly 2.
    expect(desiredInstances({ lookupsPerSecond: 50, missRatio: 0.1, computeSecondsPerMiss: 0.4, targetUtilization: 0.8 })).toBe(3);
    expect(desiredInstances({ lookupsPerSecond: 50, missRatio: 0.1, computeSecondsPerMiss: 0.4, targetUtilization: 1 })).toBe(2);
  });

  it('does not add an instance for a floating-point rounding error', () => {
    // 0.3 × 2 / 0.6 is 1.0000000000000002 in binary floating point; the answer is 1.
    expect(desiredInstances({ lookupsPerSecond: 2, missRatio: 1, computeSecondsPerMiss: 0.3, targetUtilization: 0.6 })).toBe(1);
    expect(desiredInstances({ lookupsPerSecond: 30, missRatio: 0.1, computeSecondsPerMiss: 0.7, targetUtilization: 0.7 })).toBe(3);
  });

  it('never goes below one instance: no traffic, no misses, nothing measured', () => {
    expect(desiredInstances({ lookupsPerSecond: 0, missRatio: 0, computeSecondsPerMiss: 0, targetUtilization: 0.6 })).toBe(1);
    expect(desiredInstances({ lookupsPerSecond: 500, missRatio: 0, computeSecondsPerMiss: 0.2, targetUtilization: 0.6 })).toBe(1);
    expect(desiredInstances({ lookupsPerSecond: 500, missRatio: 0.5, computeSecondsPerMiss: 0, targetUtilization: 0.6 })).toBe(1);
    expect(desiredInstances({ lookupsPerSecond: 1, missRatio: 0.1, computeSecondsPerMiss: 0.1, targetUtilization: 0.6 })).toBe(1);
  });
});
