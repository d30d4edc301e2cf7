import { clusterRedis } from '../backings';
import { defineScenario } from '../types';

/** A Cluster master dies (SIGKILL); its replica takes over its slots (cluster-node-timeout 2 s). */
export default defineScenario({
  name: 'cluster-failover',
  title: 'Cluster master killed',
  fault:
    'Redis Cluster (3 masters + 1 replica each): one master killed with SIGKILL; a retrain on instance 1 during the failover; the fault ends when every slot is served again',
  family: 'redis',
  unavailable: () => null,
  backing: clusterRedis,
  async inject(ctx) {
    const cluster = ctx.backing.cluster;
    const [victim] = await cluster.masters();
    ctx.faultStarted();
    await victim.kill();
    await ctx.retrain(1);
    await cluster.waitHealthy(30_000);
    ctx.faultEnded();
    ctx.note(`killed master ${victim.host}:${victim.port}; its replica took over`);
  },
});
