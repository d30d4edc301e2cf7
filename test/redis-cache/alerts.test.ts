/** The alert rules themselves (pure): the recent window, the minimum volume, the hysteresis, the seed's byte form. */
import { describe, expect, test } from 'vitest';
import { computeAlerts, HIT_RATE_CLEAR_MARGIN, humanBytes, type AlertInput } from '@/lib/redis-cache/info';

const thresholds = { hitRateMinPercent: 60, hitRateMinRequests: 100, memoryMaxBytes: 100 * 1024 * 1024 };
const input = (hits: number, misses: number, lowHitRateRaised = false): AlertInput => ({
  backend: 'redis',
  recent: { hits, misses },
  lowHitRateRaised,
  usedMemory: 1024,
  thresholds,
});
const codes = (a: AlertInput) => computeAlerts(a).map((x) => x.code);

describe('the "cache not effective" alert', () => {
  test('judges the recent lookups, once there are enough of them', () => {
    expect(codes(input(50, 49))).toEqual([]); // 99 < 100 lookups: too early
    expect(codes(input(50, 50))).toEqual(['low_hit_rate']);
    const [alert] = computeAlerts(input(50, 50));
    expect(alert).toMatchObject({ value: 50, threshold: 60 });
    expect(alert!.message).toBe('Hit rate 50.0% over the last 15 minutes (100 lookups) is below 60%.');
  });

  test('does not flap around the threshold: raised below 60 %, cleared only above 60 + margin', () => {
    expect(HIT_RATE_CLEAR_MARGIN).toBe(5);
    expect(codes(input(62, 38, false))).toEqual([]); // 62 %: never raised
    expect(codes(input(59, 41, false))).toEqual(['low_hit_rate']); // 59 %: raised
    expect(codes(input(62, 38, true))).toEqual(['low_hit_rate']); // 62 %: still raised
    expect(computeAlerts(input(62, 38, true))[0]!.message).toMatch(/\(clears above 65%\)\.$/);
    expect(codes(input(64, 36, true))).toEqual(['low_hit_rate']);
    expect(codes(input(66, 34, true))).toEqual([]); // 66 %: cleared
  });
});

describe('humanBytes', () => {
  test("writes bytes in the seed's form, binary steps as Redis' used_memory_human", () => {
    expect(humanBytes(100)).toBe('100B');
    expect(humanBytes(1024)).toBe('1.0KB');
    expect(humanBytes(2_202_010)).toBe('2.1MB');
    expect(humanBytes(100 * 1024 * 1024)).toBe('100.0MB');
    expect(humanBytes(3 * 1024 ** 3)).toBe('3.0GB');
  });
});
