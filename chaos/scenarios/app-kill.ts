import { defineScenario } from '../types';
import { standaloneRedis } from '../backings';

/**
 * One instance crashes (SIGKILL of its process group) under load; the load balancer drops it, a retrain goes to
 * another instance, and the crashed one starts again on its port and rejoins.
 */
export default defineScenario({
  name: 'app-kill',
  title: 'One app instance killed',
  fault:
    'instance 2 killed with SIGKILL under load (its in-flight requests are lost; the load stops sending to it), a retrain on instance 0, instance 2 restarted on its port',
  family: 'app',
  unavailable: () => null,
  backing: standaloneRedis,
  async inject(ctx) {
    ctx.faultStarted();
    await ctx.apps.kill(2);
    ctx.detach(2);
    await ctx.retrain(0);
    await ctx.apps.restart(2);
    ctx.attach(2);
    ctx.faultEnded();
  },
});
