import { waitFor } from '../../test/helpers/redis-server';
import { standaloneRedis } from '../backings';
import { defineScenario } from '../types';

/** Redis hangs: `CLIENT PAUSE 5000 ALL` (connections accepted, no command answered), a retrain during the pause. */
export default defineScenario({
  name: 'client-pause',
  title: 'CLIENT PAUSE 5 s',
  fault: '`CLIENT PAUSE 5000 ALL`: Redis accepts connections and answers nothing for 5 s; a retrain on instance 0 during the pause',
  family: 'redis',
  unavailable: () => null,
  backing: standaloneRedis,
  async inject(ctx) {
    const redis = ctx.backing.redis;
    ctx.faultStarted();
    await redis.pause(5000);
    await ctx.retrain(0);
    // PING is held like every other command until the pause ends.
    await waitFor(async () => (await redis.cli('PING')) === 'PONG', 15_000, 50, 'the pause to end');
    ctx.faultEnded();
  },
});
