/** RedisCache + ModelCache against a real, private redis-server. */
import { describe, expect, test } from 'vitest';
import { waitFor } from '@/test/helpers/redis-server';
import { usePrivateRedis } from './setup';
import { toCacheHealth } from '@/lib/http/cache-report';

const fixture = usePrivateRedis();
const sys = () => fixture.system();

describe('RedisCache over a real Redis', () => {
  test('set/get per type lands in Redis under the documented keys, with the TTL', async () => {
    const s = sys();
    await s.models.setModel('Bolo', { k: 1 });
    await s.models.setPrediction('Bolo', 7, [{ yhat: 1 }]);
    await s.models.setProducts(['Bolo']);
    await s.cache.set(s.keys.other('misc'), 'x', 50);
    const p = s.options.prefix;
    const keys = (await fixture.redis().cli('--scan', '--pattern', `${p}:*`))
      .split('\n')
      .filter((k) => !k.startsWith(`${p}:_meta:`))
      .sort();
    expect(keys).toEqual([`${p}:misc`, `${p}:model:{Bolo}`, `${p}:prediction:{Bolo}:7:default`, `${p}:products_list`].sort());
    expect(Number(await fixture.redis().cli('TTL', `${p}:model:{Bolo}`))).toBeGreaterThan(21500);
    const predictionTtl = Number(await fixture.redis().cli('TTL', `${p}:prediction:{Bolo}:7:default`));
    expect(predictionTtl).toBeGreaterThanOrEqual(290); // -1 (no expiry) must fail
    expect(predictionTtl).toBeLessThanOrEqual(300);
    expect(Number(await fixture.redis().cli('TTL', `${p}:products_list`))).toBeGreaterThan(500);
    s.clearLocal(); // force L2 reads
    expect(await s.models.getModel('Bolo')).toEqual({ k: 1 });
    expect(await s.models.getPrediction('Bolo', 7)).toEqual([{ yhat: 1 }]);
    expect(await s.models.getProducts()).toEqual(['Bolo']);
    expect(await s.cache.get(s.keys.other('misc'))).toBe('x');
    expect(await s.models.getPrediction('Bolo', 8)).toBeUndefined();
  });

  test('values expire after their TTL in both tiers', async () => {
    const s = sys();
    await s.cache.set(s.keys.other('short'), { v: 1 }, 1);
    expect(await s.cache.get(s.keys.other('short'))).toEqual({ v: 1 });
    expect(await s.cache.ttl(s.keys.other('short'))).toBe(1);
    await waitFor(async () => (await s.cache.get(s.keys.other('short'))) === undefined, 5000, 50, 'expiry');
    expect(await fixture.redis().cli('EXISTS', `${s.options.prefix}:short`)).toBe('0');
    expect(await s.cache.ttl(s.keys.other('short'))).toBe(-2);
  });

  test("an L1 copy of a Redis value never outlives the value's TTL", async () => {
    const a = sys();
    const b = fixture.system({ prefix: a.options.prefix });
    await b.connect();
    // On a starved CPU one 0.3 s command can time out (the fallback then answers, correctly, from memory), which is
    // not what this test is about: wait, with a deadline, until the value is in Redis and b has read it from there.
    await waitFor(() => a.cache.set(a.keys.other('soon'), 1, 2), 5000, 20, 'the value written to Redis');
    // A read whose reply crosses a's announcement of its write is answered but not kept (it may predate the
    // invalidation): wait until a read was kept.
    await waitFor(
      async () => (await b.cache.get(b.keys.other('soon'))) === 1 && b.inspectLocal(b.keys.other('soon')) !== undefined,
      5000,
      20,
      "b's read from Redis into its L1",
    );
    const e = b.inspectLocal(b.keys.other('soon'));
    expect(e).toBeDefined();
    expect(e!.expiresAt - Date.now()).toBeLessThanOrEqual(2000);
  });

  test('clearing a product or the product list walks an index, not the keyspace', async () => {
    const s = sys();
    for (let i = 0; i < 50; i++) await s.cache.set(s.keys.other(`filler${i}`), i, 60);
    await s.models.setModel('Bolo', 1);
    for (const d of [1, 7, 30]) await s.models.setPrediction('Bolo', d, d, undefined, { version: 2 });
    await s.models.setProducts(['Bolo']);
    const scans = async () => Number(/cmdstat_scan:calls=(\d+)/.exec(await fixture.redis().cli('INFO', 'commandstats'))?.[1] ?? 0);
    const before = await scans();
    expect(await s.clear({ product: 'Bolo' })).toEqual({ removed: 4 });
    expect(await s.clear('products')).toEqual({ removed: 1 });
    expect(await scans()).toBe(before);
    expect(await s.models.getPrediction('Bolo', 7, undefined, { version: 2 })).toBeUndefined();
  });

  test('values read from L1 are frozen copies nobody can change', async () => {
    const s = sys();
    await s.models.setPrediction('Bolo', 1, { list: [1, 2] });
    const v = await s.models.getPrediction<{ list: number[] }>('Bolo', 1);
    expect(Object.isFrozen(v)).toBe(true);
    expect(() => v!.list.push(3)).toThrow();
  });

  test('stats: hits and misses per type and the overall hit rate', async () => {
    const s = sys();
    await s.models.setModel('A', 1);
    await s.models.getModel('A'); // hit l1
    s.clearLocal();
    await s.models.getModel('A'); // hit l2
    await s.models.getModel('B'); // miss
    await s.models.getPrediction('A', 1); // miss
    await s.models.setProducts([]);
    await s.models.getProducts(); // hit
    const t = s.localCounters().byType;
    expect(t.models).toEqual({ hits: 2, misses: 1, hitRate: 66.7 });
    expect(t.predictions).toEqual({ hits: 0, misses: 1, hitRate: 0 });
    expect(t.products).toEqual({ hits: 1, misses: 0, hitRate: 100 });
    expect(t.other).toEqual({ hits: 0, misses: 0, hitRate: null });
    expect(s.localCounters().total).toEqual({ hits: 3, misses: 2, hitRate: 60 });
    expect(s.localCounters().l1Hits).toBe(2);
    expect(s.localCounters().l2Hits).toBe(1);
  });

  test('invalidating a product with a hostile name leaves every other product alone', async () => {
    const s = sys();
    const names = ['Pão de Açúcar', 'Pão de Açúcar 2', 'Bolo', 'Bolo*', 'Bolo?', 'Bol[o]', 'a:b', 'a', 'Pão Francês', '*', '?', '['];
    for (const n of names) {
      await s.models.setModel(n, { n });
      await s.models.setPrediction(n, 7, [n]);
      await s.models.setPrediction(n, 30, [n], { p: 1 }, { version: 2 });
    }
    await s.models.setProducts(names);
    const dataKeys = async () =>
      (await fixture.redis().cli('--scan', '--pattern', `${s.options.prefix}:*`)).split('\n').filter((k) => k && !k.includes(':_meta:')).length;
    const before = await dataKeys();
    for (const victim of ['Bolo*', '*', '?', '[', 'a:b', 'Pão de Açúcar']) {
      const removed = await s.models.invalidateModel(victim);
      expect(removed).toBe(3);
    }
    expect(await dataKeys()).toBe(before - 18);
    // Each cleared product's index set went with it; the others' remain.
    expect(await fixture.redis().cli('EXISTS', s.keys.productIndex('Bolo*'), s.keys.productIndex('Bolo'))).toBe('1');
    for (const n of names) {
      const gone = ['Bolo*', '*', '?', '[', 'a:b', 'Pão de Açúcar'].includes(n);
      expect(await s.models.getModel(n)).toEqual(gone ? undefined : { n });
      expect(await s.models.getPrediction(n, 7)).toEqual(gone ? undefined : [n]);
      expect(await s.models.getPrediction(n, 30, { p: 1 }, { version: 2 })).toEqual(gone ? undefined : [n]);
    }
    expect(await s.models.getProducts()).toEqual(names);
  });

  test('invalidateAll removes only keys with our prefix (no FLUSHDB)', async () => {
    const s = sys();
    await fixture.redis().cli('SET', 'foreign:key', '1');
    await fixture.redis().cli('SET', `${s.options.prefix}x:lookalike`, '1');
    await fixture.redis().cli('SET', `${s.options.prefix}`, '1');
    for (let i = 0; i < 1200; i++) await s.cache.set(s.keys.other(`k${i}`), i, 60);
    await s.models.setModel('Bolo', 1);
    expect(await s.models.invalidateAll()).toBe(1201);
    expect(await fixture.redis().cli('EXISTS', 'foreign:key', `${s.options.prefix}x:lookalike`, s.options.prefix)).toBe('3');
    expect(await s.models.getModel('Bolo')).toBeUndefined();
    expect(s.localEntries).toBe(0);
  });

  test('a corrupt value in Redis is a miss, not an exception', async () => {
    const s = sys();
    await fixture.redis().cli('SET', s.keys.model('X'), '{broken');
    expect(await s.models.getModel('X')).toBeUndefined();
  });

  test('two instances: one invalidates, the other stops serving the value from its L1', async () => {
    const a = sys();
    const b = fixture.system({ prefix: a.options.prefix });
    await b.connect(); // subscribed: from now on b hears a
    await a.models.setModel('Bolo', { v: 1 });
    expect(await b.models.getModel('Bolo')).toEqual({ v: 1 });
    // Now in b's L1 — unless that read's reply crossed a's announcement of the write (then it was answered but not
    // kept, as it may predate the invalidation, and the next read keeps it).
    await waitFor(
      async () => (await b.models.getModel('Bolo')) !== undefined && b.inspectLocal(b.keys.model('Bolo')) !== undefined,
      5000,
      10,
      "b's L1 copy",
    );
    await a.models.invalidateModel('Bolo');
    await waitFor(() => b.inspectLocal(b.keys.model('Bolo')) === undefined, 5000, 10, 'remote invalidation');
    expect(await b.models.getModel('Bolo')).toBeUndefined();
    // A new value set on one instance replaces the other's L1 copy too.
    await a.models.setModel('Bolo', { v: 2 });
    expect(await b.models.getModel('Bolo')).toEqual({ v: 2 });
    await a.models.setModel('Bolo', { v: 3 });
    await waitFor(async () => JSON.stringify(await b.models.getModel('Bolo')) === '{"v":3}', 5000, 10, 'remote update');
  });
});

describe('clear and health', () => {
  test('clear by type and by product; a product named like a target or a glob is only that product', async () => {
    const s = sys();
    for (const n of ['all', 'models', '*', 'Bolo']) {
      await s.models.setModel(n, 1);
      await s.models.setPrediction(n, 7, 1);
    }
    await s.models.setProducts([]);
    await s.cache.set(s.keys.other('x'), 1, 60);
    expect(await s.clear({ product: 'all' })).toEqual({ removed: 2 });
    expect(await s.clear({ product: '*' })).toEqual({ removed: 2 });
    expect(await s.clear('predictions')).toEqual({ removed: 2 });
    expect(await s.models.getModel('Bolo')).toBe(1);
    expect(await s.clear('models')).toEqual({ removed: 2 });
    expect(await s.clear('other')).toEqual({ removed: 1 });
    expect(await s.models.getProducts()).toEqual([]);
    expect(await s.clear('products')).toEqual({ removed: 1 });
    expect(await s.clear('all')).toEqual({ removed: 0 });
    await expect(s.clear('everything' as never)).rejects.toThrow(TypeError);
  });

  test('healthCheck does a real read/write round trip', async () => {
    const s = sys();
    await s.models.setModel('Bolo', 1);
    await s.refreshKeyCounts();
    const h = toCacheHealth(await s.healthCheck());
    expect(h).toMatchObject({ redis_available: true, read_write_test: true, backend: 'redis', stats: { total_keys: 1 } });
    expect(h.latency_ms).toBeGreaterThanOrEqual(0);
    expect(await fixture.redis().cli('--scan', '--pattern', `${s.options.prefix}:_meta:health*`)).toBe('');
    const down = fixture.system({}, null);
    expect(toCacheHealth(await down.healthCheck())).toMatchObject({
      redis_available: false,
      read_write_test: false,
      backend: 'memory',
      latency_ms: null,
    });
  });
});

describe('lifecycle', () => {
  test('nothing connects at import or construction; the first operation connects', async () => {
    const clients = async () => (await fixture.redis().cli('CLIENT', 'LIST')).split('\n').filter((l) => l.includes('name=ai_cache:')).length;
    const before = await clients();
    await import('@/lib/redis-cache');
    const s = sys();
    await new Promise((r) => setTimeout(r, 50));
    expect(await clients()).toBe(before);
    await s.models.getProducts();
    await waitFor(async () => (await clients()) === before + 2, 5000, 20, 'main + subscriber connections');
    await s.close();
    await waitFor(async () => (await clients()) === before, 5000, 20, 'connections closed');
  });

  test('after a gap in the invalidation channel, L1 copies of Redis values are dropped (messages may be lost)', async () => {
    const s = sys();
    await s.connect();
    await s.models.setModel('Bolo', 1);
    await s.models.setPrediction('Bolo', 1, 1);
    s.clearLocal();
    await s.models.getModel('Bolo'); // an L1 copy of a Redis value
    expect(s.inspectLocal(s.keys.model('Bolo'))?.origin).toBe('l2');
    await fixture.redis().cli('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await waitFor(() => s.inspectLocal(s.keys.model('Bolo')) === undefined, 10_000, 20, 'L1 dropped on resubscribe');
    expect(await s.models.getModel('Bolo')).toBe(1); // still in Redis
  });

  test('the first operation waits for the invalidation channel: an invalidation right after it is heard', async () => {
    const a = sys();
    await a.models.setModel('Bolo', 1);
    const b = fixture.system({ prefix: a.options.prefix });
    expect(await b.models.getModel('Bolo')).toBe(1); // first operation: connects and subscribes
    expect(b.inspectLocal(b.keys.model('Bolo'))).toBeDefined();
    await a.models.invalidateModel('Bolo');
    await waitFor(() => b.inspectLocal(b.keys.model('Bolo')) === undefined, 5000, 10, 'invalidation heard');
  });
});
