import { setTimeout as sleep } from 'node:timers/promises';
import { postgresWithRedis, servicePostgresSupport } from '../backings';
import { defineScenario } from '../types';
import { PROBE_PRODUCT } from '../workload';

/** What needs the database on every call: a product's sales history and its model's metadata. */
const DATABASE_PATHS = [`/api/ai/products/${encodeURIComponent(PROBE_PRODUCT)}/history?days=30`, '/api/ai/products/Croissant/history'];

/**
 * PostgreSQL stops for 3 s (fast shutdown) and starts again; a retrain right after it is back. While it is down,
 * calls that need the database answer 503 at once on every instance (checked), forecasts the service can make
 * from what it holds go on.
 */
export default defineScenario({
  name: 'postgres-restart',
  title: 'PostgreSQL restart',
  fault:
    'PostgreSQL stopped (`pg_ctl -m fast stop`) for 3 s, then started; while it is down every instance is asked for sales history (needs the database); a retrain on instance 0 once it is back',
  family: 'postgres',
  unavailable: servicePostgresSupport,
  backing: postgresWithRedis,
  async inject(ctx) {
    ctx.faultStarted();
    const down = ctx.now();
    await ctx.backing.postgres.stop();
    const answers = await Promise.all(
      ctx.apps.urls.flatMap((url) =>
        DATABASE_PATHS.map(async (p) => {
          const sent = performance.now();
          const status = await fetch(`${url}${p}`, { signal: AbortSignal.timeout(10_000) }).then(
            (r) => r.status,
            () => -1,
          );
          return { status, ms: Math.round(performance.now() - sent) };
        }),
      ),
    );
    ctx.check({
      name: 'calls needing the database answer 503 while it is down',
      ok: answers.every((a) => a.status === 503),
      detail: answers.map((a) => `${a.status === -1 ? 'no answer' : a.status} in ${a.ms} ms`).join(', '),
    });
    const rest = 3000 - (ctx.now() - down);
    if (rest > 0) await sleep(rest);
    await ctx.backing.postgres.start();
    ctx.faultEnded();
    await ctx.retrain(0);
  },
});
