import { describe } from 'vitest';
import { startSentinel, type SentinelTopology } from '@/scripts/redis-topology';
import { serviceOnReplicatedRedis } from './replicated-redis';

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
});
