import { setTimeout as sleep } from 'node:timers/promises';
import { standaloneRedis } from '../backings';
import { defineScenario } from '../types';

/** Redis stops (SIGTERM, data gone: no persistence) for 2 s, a retrain happens meanwhile, Redis starts again empty. */
export default defineScenario({
  name: 'redis-restart',
  title: 'Redis restart',
  fault: 'standalone redis-server stopped (SIGTERM, no persistence: it comes back empty) for 2 s; a retrain on instance 1 while it is down',
  family: 'redis',
  unavailable: () => null,
  backing: standaloneRedis,
  async inject(ctx) {
    ctx.faultStarted();
    await ctx.backing.redis.stop();
    await sleep(1000);
    await ctx.retrain(1);
    await sleep(1000);
    await ctx.backing.redis.start();
    ctx.faultEnded();
  },
});
