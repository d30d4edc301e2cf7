/** Cluster mode against a real 3-master Redis Cluster started by the test. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { CacheSystem } from '@/lib/redis-cache';
import { startRedisCluster, waitFor, type RedisClusterHandle } from '@/test/helpers/redis-server';
import { createCacheSystem } from '@/lib/redis-cache';
import { silentLogger } from './setup';
import { toCacheHealth, toCacheInfo, toHistory } from '@/lib/http/cache-report';
import { cacheSystemOptions } from '@/lib/config/cache-system';

let cluster: RedisClusterHandle;
const systems: CacheSystem[] = [];
let n = 0;
const sys = (prefix?: string) => {
  const s = createCacheSystem(
    cacheSystemOptions(
      {
        REDIS_CLUSTER_NODES: cluster.nodeList,
        REDIS_COMMAND_TIMEOUT: '1',
        CACHE_PREFIX: prefix ?? `cl${process.pid}_${++n}`,
        CACHE_GRACE_PERIOD: '0',
      },
      silentLogger,
    ),
  );
  systems.push(s);
  return s;
};

beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 60_000);
afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await cluster?.stop();
});

/** Keys of `prefix` on every master. */
async function allKeys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const node of cluster.nodes) {
    const text = await node.cli('--scan', '--pattern', `${prefix}:*`);
    if (text) out.push(...text.split('\n').filter((k) => !k.startsWith(`${prefix}:_meta:`)));
  }
  return out.sort();
}

describe('Redis Cluster mode', () => {
  test('values spread over the masters; a product’s keys share one slot; clear walks every master', async () => {
    const s = sys();
    expect(s.options.redis.mode).toBe('cluster');
    const products = Array.from({ length: 30 }, (_, i) => `Pão ${i} *?[`);
    for (const p of products) {
      await s.models.setModel(p, { p });
      await s.models.setPrediction(p, 7, [p], { a: 1 }, { version: 1 });
      await s.models.setPrediction(p, 30, [p]);
    }
    const perNode = await Promise.all(cluster.nodes.map(async (nd) => Number(await nd.cli('DBSIZE'))));
    expect(perNode.filter((x) => x > 0).length).toBeGreaterThan(1); // really spread
    // One slot per product.
    for (const p of products.slice(0, 5)) {
      const slots = new Set(
        await Promise.all([s.keys.model(p), s.keys.prediction(p, 7, { a: 1 }, 1)].map((k) => cluster.nodes[0].cli('CLUSTER', 'KEYSLOT', k))),
      );
      expect(slots.size).toBe(1);
    }
    s.clearLocal();
    expect(await s.models.getModel(products[3])).toEqual({ p: products[3] });
    expect(await s.models.invalidateModel(products[3])).toBe(3);
    expect((await allKeys(s.options.prefix)).length).toBe(87);
    expect(await s.clear('predictions')).toEqual({ removed: 58 });
    expect(await s.models.invalidateAll()).toBe(29);
    expect(await allKeys(s.options.prefix)).toEqual([]);
  });

  test('info, health, history, locks and cross-instance invalidation work in Cluster mode', async () => {
    const a = sys();
    const b = sys(a.options.prefix);
    await b.connect(); // subscribed
    await a.models.setModel('Bolo', 1);
    expect(await b.models.getModel('Bolo')).toBe(1);
    await a.models.invalidateModel('Bolo');
    await waitFor(() => b.inspectLocal(b.keys.model('Bolo')) === undefined, 5000, 10, 'invalidation across instances');
    const h = toCacheHealth(await a.healthCheck());
    expect(h).toMatchObject({ redis_available: true, read_write_test: true });
    for (let i = 0; i < 10; i++) await a.models.setPrediction(`p${i}`, 1, i);
    await a.refreshKeyCounts();
    const info = toCacheInfo(await a.getCacheInfo());
    expect(info.redis.mode).toBe('cluster');
    expect(info.cache_breakdown.predictions).toBe(10);
    expect(info.used_memory).toBeGreaterThan(0);
    await a.models.getPrediction('p1', 1);
    await a.flushStats();
    const hist = toHistory(await b.getHistory('15m'));
    expect(hist.buckets.reduce((x, bk) => x + bk.hits.predictions, 0)).toBe(1);
    let inside = 0;
    let max = 0;
    await Promise.all(
      [a, b, a, b].map((s) =>
        s.lock('train', 5000, async () => {
          inside++;
          max = Math.max(max, inside);
          await new Promise((r) => setTimeout(r, 10));
          inside--;
        }),
      ),
    );
    expect(max).toBe(1);
  });
});
