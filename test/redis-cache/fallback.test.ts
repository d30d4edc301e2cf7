/** The memory fallback and the circuit breaker against real faults: absent, stopped, restarted, hung. */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import type { CacheSystem } from '@/lib/redis-cache';
import { within } from '@/test/helpers/deadline';
import { startRedisServer, waitFor, type RedisServerHandle } from '@/test/helpers/redis-server';
import { makeSystem, redisClientOf } from './setup';
import { toCacheHealth } from '@/lib/http/cache-report';

const systems: CacheSystem[] = [];
const servers: RedisServerHandle[] = [];
afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((r) => r.stop()));
});
const track = <T extends CacheSystem>(s: T) => (systems.push(s), s);

describe('fallback to memory', () => {
  test('Redis absent from the start: everything works from memory, health says so', async () => {
    const s = track(makeSystem(null));
    expect(await s.models.getModel('Bolo')).toBeUndefined();
    expect(s.backend).toBe('memory');
    expect(await s.models.setModel('Bolo', { v: 1 })).toBe(false);
    expect(await s.models.getModel('Bolo')).toEqual({ v: 1 });
    expect(await s.models.invalidateModel('Bolo')).toBe(1);
    expect(await s.models.getModel('Bolo')).toBeUndefined();
  });

  test('Redis stopped mid-run and started again: outage writes are served during it, dropped after it, then back to Redis', async () => {
    const redis = await startRedisServer();
    servers.push(redis);
    const s = track(makeSystem(redis.url));
    await s.models.setModel('before', 1);
    expect(s.backend).toBe('redis');
    const backends: string[] = [];
    s.events.on('backend', (e) => backends.push(e.backend));
    const breaker: string[] = [];
    s.events.on('breaker', (e) => breaker.push(e.state));

    await redis.stop();
    await waitFor(() => s.backend === 'memory', 5000, 10, 'fallback');
    expect(await s.models.setModel('during', 2)).toBe(false);
    expect(await s.models.getModel('during')).toBe(2);
    await s.models.invalidateModel('before'); // remembered, replayed later

    await redis.start();
    await waitFor(() => s.backend === 'redis', 10_000, 20, 'return to redis');
    expect(backends).toEqual(['memory', 'redis']);
    // Every breaker transition is published (metrics): opened, probed (maybe several times while down), closed.
    expect(breaker[0]).toBe('open');
    expect(breaker.at(-1)).toBe('closed');
    expect(breaker).toContain('half-open');
    // Kept in memory only: gone once Redis is back (another instance may have written a newer value there).
    expect(await s.models.getModel('during')).toBeUndefined();
    expect(await s.models.setModel('after', 3)).toBe(true);
    expect(await redis.cli('EXISTS', s.keys.model('after'))).toBe('1');
  });

  test('an invalidation made while Redis was unreachable is replayed when it returns', async () => {
    const redis = await startRedisServer();
    servers.push(redis);
    const s = track(makeSystem(redis.url));
    await s.models.setModel('Bolo', 1);
    await redis.pause(1500); // unreachable (hung), but keeps its data
    expect(await s.models.getModel('other')).toBeUndefined(); // times out → breaker opens
    expect(s.backend).toBe('memory');
    await s.models.invalidateModel('Bolo');
    await waitFor(() => s.backend === 'redis', 10_000, 20, 'return to redis');
    await waitFor(async () => (await redis.cli('EXISTS', s.keys.model('Bolo'))) === '0', 5000, 20, 'replayed invalidation');
    expect(await s.models.getModel('Bolo')).toBeUndefined();
  });

  test('a hung Redis (CLIENT PAUSE) costs one short timeout, not one per call', async () => {
    const redis = await startRedisServer();
    servers.push(redis);
    const s = track(makeSystem(redis.url)); // command timeout 0.3 s
    await s.models.setModel('Bolo', 1);
    s.clearLocal();
    const sent = countCommands(s);
    // Control: the spy does count the commands of a call that reads Redis (else "0 sent" below would prove nothing).
    expect(await s.models.getModel('Bolo')).toBe(1);
    expect(sent.count).toBeGreaterThan(0);
    s.clearLocal();
    const pauseMs = 6000;
    const beforePauseEnds = AbortSignal.timeout(pauseMs - 1000);
    await redis.pause(pauseMs);
    // The first call gives up after one command timeout, long before Redis answers again…
    expect(await within(beforePauseEnds, s.models.getModel('Bolo'), 'first call during the pause')).toBeUndefined();
    expect(s.backend).toBe('memory');
    // …and the next calls don't touch the socket at all while the breaker is open.
    const before = sent.count;
    for (let i = 0; i < 20; i++) {
      await s.models.setModel(`p${i}`, i);
      expect(await s.models.getModel(`p${i}`)).toBe(i);
    }
    expect(sent.count).toBe(before);
    await waitFor(() => s.backend === 'redis', 20_000, 20, 'return after pause');
  });

  test('a Redis that refuses writes (OOM, noeviction) stays the backend; values are served from L1', async () => {
    const redis = await startRedisServer({ args: ['--maxmemory', '2mb', '--maxmemory-policy', 'noeviction'] });
    servers.push(redis);
    const s = track(makeSystem(redis.url));
    await s.models.setModel('small', 1);
    // 4 MiB of base64 noise: compressed it is still ≈ 3 MiB, over the 2 MB limit (a repeated letter would fit).
    const big = randomBytes(3 * 1024 * 1024).toString('base64');
    expect(await s.cache.set(s.keys.other('big'), big, 60)).toBe(false); // refused by Redis…
    expect(s.backend).toBe('redis'); // …which is still reachable
    expect(s.redisReplyErrors).toBeGreaterThan(0);
    expect(await s.cache.get(s.keys.other('big'))).toBe(big); // kept in L1
    s.clearLocal();
    expect(await s.models.getModel('small')).toBe(1); // reads still come from Redis
    // Health: Redis answers (available) but can't store (the write test fails) — not "unreachable".
    await redisClientOf(s).config('SET', 'maxmemory', '1');
    const health = toCacheHealth(await s.healthCheck());
    expect(health).toMatchObject({ redis_available: true, read_write_test: false, backend: 'redis' });
  });
});

/** Counts the commands the system's client sends (a spy on the real client, not a mock). */
function countCommands(s: CacheSystem): { count: number } {
  const c = redisClientOf(s) as unknown as { sendCommand: (...a: unknown[]) => unknown };
  const counter = { count: 0 };
  const orig = c.sendCommand.bind(c);
  c.sendCommand = (...a: unknown[]) => {
    counter.count++;
    return orig(...a);
  };
  return counter;
}
