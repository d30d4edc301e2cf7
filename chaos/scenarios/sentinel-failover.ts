import { sentinelRedis } from '../backings';
import { defineScenario } from '../types';

/** `SENTINEL FAILOVER`: the replica is promoted, the old master becomes its replica; a retrain meanwhile. */
export default defineScenario({
  name: 'sentinel-failover',
  title: 'Sentinel failover',
  fault:
    'Sentinel set-up (master + replica + 3 sentinels): `SENTINEL FAILOVER`, a retrain on instance 0 while it runs; the fault ends when the replica is master',
  family: 'redis',
  unavailable: () => null,
  backing: sentinelRedis,
  async inject(ctx) {
    const sentinel = ctx.backing.sentinel;
    const before = await sentinel.currentMaster();
    ctx.faultStarted();
    await Promise.all([sentinel.failover(30_000), ctx.retrain(0)]);
    ctx.faultEnded();
    const after = await sentinel.currentMaster();
    ctx.note(`master ${before.host}:${before.port} → ${after.host}:${after.port}`);
  },
});
