import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../../test/helpers/redis-server';
import { standaloneRedisWithProxy } from '../backings';
import { backendOf, listedVersion } from '../http';
import { defineScenario } from '../types';
import { PROBE_PRODUCT } from '../workload';

/**
 * One instance cut off from Redis while the others keep it (instance 1 reaches Redis through a TCP proxy that
 * resets its connections and refuses new ones). During the cut, instance 1 caches the product list in its
 * fallback and instance 0 retrains — instance 1 hears nothing of it. Once instance 1 is back on Redis, its
 * fallback list must not shadow the newer one.
 */
/** How long instance 1 stays cut off (at least; the retrain during the cut may take longer). */
const CUT_MS = 4000;

export default defineScenario({
  name: 'partition-one',
  title: 'Partition of one instance',
  fault:
    'instance 1 alone cut off from Redis for ≈ 4 s (a TCP proxy resets its connections and refuses new ones); during it instance 1 clears its product list and computes it into its fallback, then instance 0 retrains',
  family: 'redis',
  unavailable: () => null,
  backing: standaloneRedisWithProxy,
  instanceEnv: (backing, i): Record<string, string> => (i === 1 ? { REDIS_HOST: backing.proxy.host, REDIS_PORT: String(backing.proxy.port) } : {}),
  async inject(ctx) {
    const { proxy } = ctx.backing;
    const urls = ctx.apps.urls;
    ctx.faultStarted();
    const started = ctx.now();
    proxy.partition();
    await waitFor(async () => (await backendOf(urls[1])) === 'memory', 10_000, 50, 'instance 1 on its fallback');
    // Its L1 copy of the list goes, so the list it serves next is computed into its fallback (not a Redis copy).
    const cleared = await fetch(`${urls[1]}/api/ai/cache/clear`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ target: 'products' }),
      signal: AbortSignal.timeout(10_000),
    });
    if (cleared.status !== 200) throw new Error(`clear of the product list on instance 1: HTTP ${cleared.status}`);
    const listedDuring = await listedVersion(urls[1], PROBE_PRODUCT);
    const retrained = await ctx.retrain(0);
    const listedAfterRetrain = await listedVersion(urls[1], PROBE_PRODUCT);
    ctx.note(
      `cut off, instance 1 listed v${listedDuring}, and v${listedAfterRetrain} after the retrain on instance 0 returned v${retrained.version} (it can't hear of it)`,
    );
    const cutSince = ctx.now() - started;
    if (cutSince < CUT_MS) await sleep(CUT_MS - cutSince);
    proxy.heal();
    ctx.faultEnded();
    const healedAt = ctx.now();
    await waitFor(async () => (await backendOf(urls[1])) === 'redis', 15_000, 50, 'instance 1 back on Redis');
    ctx.note(`instance 1 back on Redis ${Math.round(ctx.now() - healedAt)} ms after the proxy forwarded again`);
    const lists = await Promise.all(urls.map((u) => listedVersion(u, PROBE_PRODUCT)));
    ctx.check({
      name: 'the fallback list of the cut-off instance does not shadow the newer one',
      ok: retrained.version !== null && lists.every((v) => v === retrained.version),
      detail: `product lists once back: ${lists.map((v, i) => `instance ${i} v${v}`).join(', ')} (retrained: v${retrained.version})`,
    });
  },
});
