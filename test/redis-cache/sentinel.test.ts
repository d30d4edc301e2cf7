/** Sentinel mode against a real master + Sentinel started by the test. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createCacheSystem, type CacheSystem } from '@/lib/redis-cache';
import { startRedisSentinel, startRedisServer, waitFor, type RedisSentinelHandle, type RedisServerHandle } from '@/test/helpers/redis-server';
import { silentLogger } from './setup';
import { toCacheHealth, toCacheInfo } from '@/lib/http/cache-report';
import { cacheSystemOptions } from '@/lib/config/cache-system';

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
    const s = createCacheSystem(
      cacheSystemOptions({ REDIS_SENTINELS: sentinel.address, REDIS_SENTINEL_NAME: 'cachemaster', CACHE_PREFIX: `sn${process.pid}` }, silentLogger),
    );
    systems.push(s);
    expect(s.options.redis.mode).toBe('sentinel');
    await s.models.setModel('Pão de Açúcar', { v: 1 });
    expect(await master.cli('EXISTS', s.keys.model('Pão de Açúcar'))).toBe('1');
    s.clearLocal();
    expect(await s.models.getModel('Pão de Açúcar')).toEqual({ v: 1 });
    const info = toCacheInfo(await s.getCacheInfo());
    expect(info.redis).toMatchObject({ mode: 'sentinel', address: `cachemaster@${sentinel.address}/0`, connected: true });
    expect(toCacheHealth(await s.healthCheck())).toMatchObject({ redis_available: true, read_write_test: true });
  });
});

describe('Redis Sentinel failover', () => {
  test('the master dies: the cache falls back to memory, then follows Sentinel to the promoted replica', async () => {
    const primary = await startRedisServer({ args: ['--repl-diskless-sync-delay', '0'] });
    const replica = await startRedisServer({ args: ['--replicaof', primary.host, String(primary.port), '--repl-diskless-sync-delay', '0'] });
    let watcher: RedisSentinelHandle | null = null;
    try {
      await waitFor(async () => (await primary.cli('INFO', 'replication')).includes('connected_slaves:1'), 15_000, 50, 'replica link');
      watcher = await startRedisSentinel(primary, 'failmaster');
      await waitFor(async () => (await primary.cli('INFO', 'replication')).includes('connected_slaves:1'), 5000, 50, 'replica still linked');
      const s = createCacheSystem(
        cacheSystemOptions(
          { REDIS_SENTINELS: watcher.address, REDIS_SENTINEL_NAME: 'failmaster', CACHE_PREFIX: `fo${process.pid}`, REDIS_COMMAND_TIMEOUT: '0.5' },
          silentLogger,
        ),
      );
      systems.push(s);
      await s.models.setModel('Bolo', { v: 1 });
      await waitFor(async () => (await replica.cli('EXISTS', s.keys.model('Bolo'))) === '1', 5000, 20, 'replicated');

      await primary.kill();
      // Calls keep answering meanwhile (memory tier), and the service ends up writing to the new master.
      await waitFor(
        async () => {
          await s.models.setModel('during', 1);
          return (await replica.cli('ROLE')).startsWith('master') && s.backend === 'redis';
        },
        30_000,
        100,
        'failover to the replica',
      );
      // ioredis may reconnect once more when Sentinel announces the switch: wait for the writes to settle there.
      await waitFor(
        async () => (await s.models.setModel('after', 2)) === true && (await replica.cli('EXISTS', s.keys.model('after'))) === '1',
        10_000,
        50,
        'writes on the new master',
      );
      // What was written before the failover survived it (replicated), and is read from the new master.
      await waitFor(
        async () => {
          s.clearLocal();
          return JSON.stringify(await s.models.getModel('Bolo')) === '{"v":1}' && s.backend === 'redis';
        },
        10_000,
        50,
        'read from the new master',
      );
    } finally {
      await watcher?.stop();
      await replica.stop();
      await primary.stop();
    }
  }, 60_000);
});
