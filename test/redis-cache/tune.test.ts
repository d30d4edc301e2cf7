/** CacheSystem.tune: run-time L1 bound and prediction TTL, against a real redis-server. */
import { describe, expect, test } from 'vitest';
import { usePrivateRedis } from './setup';

const fixture = usePrivateRedis();

describe('CacheSystem.tune', () => {
  test('a new prediction TTL applies to predictions stored afterwards, in Redis too', async () => {
    const s = fixture.system({ ttl: { predictions: 300 } });
    await s.connect();
    await s.models.setPrediction('Bolo', 7, { yhat: [1] });
    expect(s.tune({ predictionTtlSeconds: 1800 })).toEqual({ l1MaxEntries: s.options.l1.maxEntries, predictionTtlSeconds: 1800 });
    await s.models.setPrediction('Sonho', 7, { yhat: [2] });
    const before = Number(await fixture.redis().cli('PTTL', s.keys.prediction('Bolo', 7)));
    const after = Number(await fixture.redis().cli('PTTL', s.keys.prediction('Sonho', 7)));
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThanOrEqual(300_000);
    expect(after).toBeGreaterThan(300_000);
    expect(after).toBeLessThanOrEqual(1_800_000);
  });

  test('shrinking the L1 keeps the newest entries; Redis still has every value', async () => {
    const s = fixture.system({ l1: { maxEntries: 1000 } });
    await s.connect();
    for (let i = 0; i < 50; i++) await s.cache.set(s.keys.other(`k${i}`), { i }, 60);
    expect(s.localEntries).toBe(50);
    s.tune({ l1MaxEntries: 5 });
    expect(s.localEntries).toBe(5);
    expect(s.tuning.l1MaxEntries).toBe(5);
    expect(s.localTierStats()).toMatchObject({ entries: 5, maxEntries: 5 });
    expect(s.inspectLocal(s.keys.other('k49'))).toBeDefined();
    expect(s.inspectLocal(s.keys.other('k0'))).toBeUndefined();
    expect(await s.cache.get(s.keys.other('k0'))).toEqual({ i: 0 });
    expect((await s.getCacheInfo()).l1.maxEntries).toBe(5);
  });

  test('refuses values out of range and changes nothing', async () => {
    const s = fixture.system();
    const before = s.tuning;
    expect(() => s.tune({ predictionTtlSeconds: 0 })).toThrow(TypeError);
    expect(() => s.tune({ l1MaxEntries: -5 })).toThrow(TypeError);
    expect(() => s.tune({ l1MaxEntries: 10, predictionTtlSeconds: 1.5 })).toThrow(TypeError);
    expect(s.tuning).toEqual(before);
  });
});
