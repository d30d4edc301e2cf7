/** The README's "Programmatic use" example (examples/programmatic-use.ts), run against a private Redis. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { programmaticUse } from '@/examples/programmatic-use';
import { resetCacheSystemForTests } from '@/lib/redis-cache';
import { startRedisServer, type RedisServerHandle } from '@/test/helpers/redis-server';

let redis: RedisServerHandle;
beforeAll(async () => {
  redis = await startRedisServer();
  await resetCacheSystemForTests();
});
afterAll(async () => {
  await resetCacheSystemForTests();
  await redis?.stop();
});

test('the documented example runs as the README says', async () => {
  const result = await programmaticUse(redis.url);
  expect(result).toEqual({
    model: { weights: [0.4, 0.6] },
    prediction: [120, 118, 131, 140, 152, 149, 135],
    trainings: 1,
    cachedAgain: true,
    removed: 2,
    hitRate: expect.any(Number),
    redisAvailable: true,
  });
  expect(Number(await redis.cli('DBSIZE'))).toBeGreaterThan(0); // it really used this Redis
});
