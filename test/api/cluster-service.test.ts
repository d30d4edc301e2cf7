import { describe } from 'vitest';
import { startCluster, type ClusterTopology, type RedisNode } from '@/scripts/redis-topology';
import { serviceOnReplicatedRedis } from './replicated-redis';

/** The whole service on a Redis Cluster of 3 masters with one replica each; a master is killed mid-traffic. */
describe('the service on Redis Cluster (3 masters + 3 replicas)', () => {
  let cluster: ClusterTopology;
  let killed: RedisNode | undefined;
  serviceOnReplicatedRedis(async () => {
    cluster = await startCluster({ masters: 3, replicasPerMaster: 1 });
    return {
      mode: 'cluster',
      env: { REDIS_CLUSTER_NODES: cluster.nodeList },
      expected: { masters: 3, replicas: 3, sentinels: 0 },
      async failover() {
        killed = (await cluster.masters())[0];
        await killed.kill();
        await cluster.waitHealthy();
      },
      async afterFailover() {
        return { down: killed ? `${killed.host}:${killed.port}` : null, master: null };
      },
      async heal() {
        await killed?.start(); // rejoins as a replica of the master that replaced it
        await cluster.waitHealthy();
      },
      stop: () => cluster.stop(),
    };
  });
});
