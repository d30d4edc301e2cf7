import { describe, expect, it } from 'vitest';
import type { CacheInfo, HealthReport } from '@/lib/api-types';
import { GET as getInfo } from '@/app/api/ai/cache/info/route';
import { GET as getHealth } from '@/app/api/ai/health/route';
import { startSentinel, type SentinelTopology } from '@/scripts/redis-topology';
import { waitFor } from '../helpers/redis-server';
import { serviceOnReplicatedRedis } from './replicated-redis';
import { apiRequest, jsonOf, NO_CONTEXT } from './setup';

/** The whole service on Sentinel (1 master, 1 replica, 3 sentinels); a SENTINEL FAILOVER happens mid-traffic. */
describe('the service on Redis Sentinel (1 master + 1 replica + 3 sentinels)', () => {
  let sentinel: SentinelTopology;
  serviceOnReplicatedRedis(async () => {
    sentinel = await startSentinel({ replicas: 1, sentinels: 3, masterName: `svc${process.pid}` });
    return {
      mode: 'sentinel',
      env: { REDIS_SENTINELS: sentinel.sentinelList, REDIS_SENTINEL_NAME: sentinel.masterName },
      expected: { masters: 1, replicas: 1, sentinels: 3 },
      failover: () => sentinel.failover(),
      async afterFailover() {
        const m = await sentinel.currentMaster();
        return { down: null, master: `${m.host}:${m.port}` };
      },
      async heal() {
        // The sentinels turn the old master into a replica of the new one at their next check of it (≤ 10 s);
        // saying it now, as they will, keeps the test short.
        const m = await sentinel.currentMaster();
        const old = [sentinel.master, ...sentinel.replicas].find((n) => n.port !== m.port && n.running);
        await old?.cli('REPLICAOF', m.host, String(m.port));
      },
      stop: () => sentinel.stop(),
    };
  });

  it('shows a sentinel that stopped as down (degraded), and ok again once it is back', async () => {
    const info = async () => (await jsonOf<CacheInfo>(await getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT))).topology;
    const victim = sentinel.sentinels[0];
    const address = `${victim.host}:${victim.port}`;
    await victim.kill();
    try {
      const topology = await info();
      expect(topology.status).toBe('degraded');
      expect(topology.nodes.find((n) => n.address === address)).toMatchObject({ role: 'sentinel', up: false });
      expect(topology.problems).toContain(`sentinel ${address} is down`);
      const health = await jsonOf<HealthReport>(await getHealth(apiRequest('/api/ai/health'), NO_CONTEXT));
      expect(health).toMatchObject({ status: 'degraded', cache: { redis_available: true, read_write_test: true, topology: { status: 'degraded' } } });
    } finally {
      await victim.start();
    }
    await waitFor(async () => (await info()).status === 'ok', 15_000, 100, 'the topology ok again');
  });
});
