/** Sentinel mode against a real master + Sentinel started by the test. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createCacheSystem, type CacheSystem } from '@/lib/redis-cache';
import { startRedisSentinel, startRedisServer, type RedisSentinelHandle, type RedisServerHandle } from '@/test/helpers/redis-server';
import { silentLogger } from './setup';

let master: RedisServerHandle;
let sentinel: RedisSentinelHandle;
const systems: CacheSystem[] = [];
beforeAll(async () => {
  master = await startRedisServer();
  sentinel = await startRedisSentinel(master, 'cachemaster');
});
afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await sentinel?.stop();
  await master?.stop();
});

describe('Redis Sentinel mode', () => {
  test('the client finds the master through Sentinel and the cache works on it', async () => {
    const s = createCacheSystem({
      env: { REDIS_SENTINELS: sentinel.address, REDIS_SENTINEL_NAME: 'cachemaster', CACHE_PREFIX: `sn${process.pid}` },
      logger: silentLogger,
    });
    systems.push(s);
    expect(s.config.redis.mode).toBe('sentinel');
    await s.models.setModel('Pão de Açúcar', { v: 1 });
    expect(await master.cli('EXISTS', s.keys.model('Pão de Açúcar'))).toBe('1');
    s.memory.clear();
    expect(await s.models.getModel('Pão de Açúcar')).toEqual({ v: 1 });
    const info = await s.getCacheInfo();
    expect(info.redis).toMatchObject({ mode: 'sentinel', address: `cachemaster@${sentinel.address}/0`, connected: true });
    expect(await s.healthCheck()).toMatchObject({ redis_available: true, read_write_test: true });
  });
});
