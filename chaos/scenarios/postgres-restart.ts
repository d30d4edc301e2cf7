import { setTimeout as sleep } from 'node:timers/promises';
import { postgresWithRedis, servicePostgresSupport } from '../backings';
import { defineScenario } from '../types';

/** PostgreSQL stops for 3 s (fast shutdown) and starts again; a retrain right after it is back. */
export default defineScenario({
  name: 'postgres-restart',
  title: 'PostgreSQL restart',
  fault: 'PostgreSQL stopped (`pg_ctl -m fast stop`) for 3 s, then started; a retrain on instance 0 once it is back',
  family: 'postgres',
  unavailable: servicePostgresSupport,
  backing: postgresWithRedis,
  async inject(ctx) {
    ctx.faultStarted();
    await ctx.backing.postgres.stop();
    await sleep(3000);
    await ctx.backing.postgres.start();
    ctx.faultEnded();
    await ctx.retrain(0);
  },
});
