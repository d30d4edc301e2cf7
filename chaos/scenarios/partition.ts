import { waitFor } from '../../test/helpers/redis-server';
import { standaloneRedis } from '../backings';
import { backendOf, getJson, listedVersion, predictPath } from '../http';
import { PROBE_PRODUCT } from '../workload';
import { defineScenario } from '../types';
import type { PredictionResponse } from '@/lib/api-types';

/**
 * A partition between the instances and Redis: Redis hangs for 8 s (`CLIENT PAUSE`), so each instance falls back
 * to its own memory and hears nothing of the others. During it, instance 1 caches the product list in its
 * fallback, then instance 0 retrains. After it:
 * - the pre-retrain model and forecasts (still in Redis, and in instance 1's memory) are never served: counted by
 *   the load's stale answers, and checked on every instance once they are back on Redis;
 * - the product list instance 1 wrote to its fallback during the outage does not shadow the newer one: once back
 *   on Redis, every instance lists the retrained version, and a second retrain (Redis up) reaches every instance.
 */
export default defineScenario({
  name: 'partition',
  title: 'Partition: retrain while Redis is unreachable',
  fault:
    '`CLIENT PAUSE 8000 ALL`; during it instance 1 caches the product list in its fallback and instance 0 retrains; after it a second retrain on instance 2',
  family: 'redis',
  unavailable: () => null,
  backing: standaloneRedis,
  async inject(ctx) {
    const redis = ctx.backing.redis;
    const urls = ctx.apps.urls;
    ctx.faultStarted();
    await redis.pause(8000);
    await waitFor(async () => (await backendOf(urls[1])) === 'memory', 5000, 50, 'instance 1 on its fallback');
    const listedDuring = await listedVersion(urls[1], PROBE_PRODUCT);
    const first = await ctx.retrain(0);
    await waitFor(async () => (await redis.cli('PING')) === 'PONG', 20_000, 50, 'the pause to end');
    ctx.faultEnded();
    ctx.note(`during the pause instance 1 listed v${listedDuring}; the retrain on instance 0 returned v${first.version} (HTTP ${first.status})`);

    const backOnRedis = ctx.now();
    await waitFor(async () => (await Promise.all(urls.map(backendOf))).every((b) => b === 'redis'), 15_000, 50, 'every instance back on Redis');
    ctx.note(`every instance back on Redis ${Math.round(ctx.now() - backOnRedis)} ms after the pause ended`);

    const lists = await Promise.all(urls.map((u) => listedVersion(u, PROBE_PRODUCT)));
    ctx.check({
      name: 'fallback list written during the outage does not shadow the newer one',
      ok: first.version !== null && lists.every((v) => v === first.version),
      detail: `product lists after the outage: ${lists.map((v, i) => `instance ${i} v${v}`).join(', ')} (retrained: v${first.version})`,
    });

    const second = await ctx.retrain(2);
    const answers = await Promise.all(urls.map((u) => getJson<PredictionResponse>(`${u}${predictPath(PROBE_PRODUCT, 7)}`)));
    const lists2 = await Promise.all(urls.map((u) => listedVersion(u, PROBE_PRODUCT)));
    ctx.check({
      name: 'a retrain after the outage reaches every instance',
      ok: second.version !== null && answers.every((a) => a.body?.model_version === second.version) && lists2.every((v) => v === second.version),
      detail: `retrained v${second.version}; forecasts ${answers.map((a) => `v${a.body?.model_version}`).join(', ')}; lists ${lists2.map((v) => `v${v}`).join(', ')}`,
    });
  },
});
