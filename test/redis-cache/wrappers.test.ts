/** cachedModel / cachedPrediction / cached against a real Redis. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import { cached, cachedModel, cachedPrediction } from '@/lib/redis-cache';
import { waitFor } from '@/test/helpers/redis-server';
import { usePrivateRedis } from './setup';

const fixture = usePrivateRedis();
const sys = (url?: string | null, prefix?: string) => fixture.system(prefix ? { prefix } : {}, url);

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('wrappers', () => {
  test('cached: the function runs once per key within the TTL; HIT/MISS is reported', async () => {
    const system = sys();
    let calls = 0;
    const add = cached(async (a: number, b: number) => (calls++, a + b), { ttl: 60, system });
    expect(await add.detailed(1, 2)).toEqual({ value: 3, cached: false, tier: null });
    expect(await add(1, 2)).toBe(3);
    expect(await add.detailed(1, 2)).toEqual({ value: 3, cached: true, tier: 'l1' });
    expect(calls).toBe(1);
    expect(await add(2, 1)).toBe(3);
    expect(calls).toBe(2);
    system.clearLocal();
    expect(await add.detailed(1, 2)).toEqual({ value: 3, cached: true, tier: 'l2' });
    expect(calls).toBe(2);
    expect(add.key(1, 2)).toMatch(new RegExp(`^${system.options.prefix}:[0-9a-f]{32}$`));
  });

  test('cached: 50 concurrent misses on one key call the function once', async () => {
    const system = sys();
    let calls = 0;
    const slow = cached(
      async (x: string) => {
        calls++;
        await tick();
        return { x };
      },
      { ttl: 60, system, key: (x) => `slow:${x}` },
    );
    const results = await Promise.all(Array.from({ length: 50 }, () => slow('a')));
    expect(calls).toBe(1);
    expect(new Set(results.map((r) => r.x))).toEqual(new Set(['a']));
    expect(system.localCounters().byType.other).toMatchObject({ hits: 0, misses: 50 });
    expect(await fixture.redis().cli('EXISTS', `${system.options.prefix}:slow%3Aa`)).toBe('1');
  });

  test('a value that fails validation is a miss, deleted from Redis and logged once for its key', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const system = fixture.system({ logger: pino({ level: 'warn' }, sink) });
    // The function fails, as for a product that does not exist: nothing would overwrite a planted value.
    const lookup = cached(
      async (_name: string): Promise<{ n: number }> => {
        throw new Error('no such thing');
      },
      {
        ttl: 60,
        system,
        key: (name) => `thing:${name}`,
        validate: (value) => {
          if (typeof value !== 'object' || value === null || typeof (value as { n?: unknown }).n !== 'number') throw new Error('not a thing');
          return value as { n: number };
        },
      },
    );
    const key = `${system.options.prefix}:thing%3Ax`;
    for (const planted of ['null', '{"n":"1"}', '~{"$t":"BigInt","v":"12"}']) {
      await fixture.redis().cli('SET', key, planted, 'EX', '600');
      await expect(lookup('x'), planted).rejects.toThrow('no such thing');
      await waitFor(async () => (await fixture.redis().cli('EXISTS', key)) === '0', 5000, 20, `${planted} deleted`);
    }
    const warnings = lines.filter((line) => line.includes('could not be decoded'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ key });
  });

  test('an error of the function reaches every joined caller and is not cached', async () => {
    const system = sys();
    let calls = 0;
    const bad = cached(
      async () => {
        calls++;
        await tick();
        throw new Error('boom');
      },
      { ttl: 60, system, key: () => 'bad' },
    );
    const settled = await Promise.allSettled([bad(), bad(), bad()]);
    expect(settled.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
    await expect(bad()).rejects.toThrow('boom');
    expect(calls).toBe(2);
  });

  test('a cache failure never reaches the caller: with Redis absent the function still answers', async () => {
    const system = sys(null);
    let calls = 0;
    const f = cachedPrediction(async (product: string, days: number) => (calls++, { product, days }), { system });
    expect(await f('Bolo', 7)).toEqual({ product: 'Bolo', days: 7 });
    expect(await f('Bolo', 7)).toEqual({ product: 'Bolo', days: 7 });
    expect(calls).toBe(1); // memory tier
  });

  test('cachedPrediction: the version option makes a retrain invalidate old predictions at once', async () => {
    const system = sys();
    let version = 1;
    let calls = 0;
    const predict = cachedPrediction(async (product: string, days: number) => (calls++, `${product}:${days}:v${version}`), {
      system,
      version: async () => version,
    });
    expect(await predict('Pão de Açúcar', 7)).toBe('Pão de Açúcar:7:v1');
    expect(await predict('Pão de Açúcar', 7)).toBe('Pão de Açúcar:7:v1');
    version = 2;
    expect(await predict('Pão de Açúcar', 7)).toBe('Pão de Açúcar:7:v2');
    expect(calls).toBe(2);
    expect(await fixture.redis().cli('--scan', '--pattern', `${system.options.prefix}:prediction:*`)).toContain(':7:v2');
  });

  test('cachedModel with a codec: L1 keeps the live object, Redis its artifact, another instance rebuilds it', async () => {
    class Live {
      constructor(readonly params: Float64Array) {}
      predict() {
        return this.params[0] * 2;
      }
    }
    const codec = { toCache: (m: Live) => ({ params: m.params }), fromCache: (s: unknown) => new Live((s as { params: Float64Array }).params) };
    const a = sys();
    const b = sys(fixture.redis().url, a.options.prefix);
    let trained = 0;
    const train = async (_product: string) => (trained++, new Live(new Float64Array([21, 0.5])));
    const loadA = cachedModel(train, { codec, system: a });
    const loadB = cachedModel(train, { codec, system: b });
    const m1 = await loadA('Bolo');
    expect(m1).toBeInstanceOf(Live);
    expect(await loadA('Bolo')).toBe(m1); // the very same live object from L1
    const d = await loadB.detailed('Bolo');
    expect(d.tier).toBe('l2');
    expect(d.value).toBeInstanceOf(Live);
    expect(d.value.predict()).toBe(42);
    expect(trained).toBe(1);
  });

  test('cachedModel l1Only: never written to Redis', async () => {
    const system = sys();
    let n = 0;
    const load = cachedModel(async (p: string) => ({ p, n: ++n, fn: () => 1 }), { l1Only: true, system });
    const m = await load('Bolo');
    expect(await load('Bolo')).toBe(m);
    expect(await fixture.redis().cli('EXISTS', system.keys.model('Bolo'))).toBe('0');
  });

  test('cached with type products uses the product-list key; invalidation reaches the wrapper', async () => {
    const system = sys();
    let calls = 0;
    const list = cached(async () => (calls++, ['Bolo']), { ttl: 600, type: 'products', system });
    await list();
    expect(await fixture.redis().cli('EXISTS', `${system.options.prefix}:products_list`)).toBe('1');
    await system.models.invalidateAll();
    await list();
    expect(calls).toBe(2);
  });

  test('entries expire: the function runs again after the TTL', async () => {
    const system = sys();
    let calls = 0;
    const f = cached(async () => ++calls, { ttl: 1, system, key: () => 'ttl1' });
    await f();
    await waitFor(async () => (await f()) === 2, 5000, 50, 'recompute after expiry');
    expect(calls).toBe(2);
  });

  test('events report lookups and computations', async () => {
    const system = sys();
    const seen: string[] = [];
    system.events.on('lookup', (e) => seen.push(`${e.type}:${e.result}:${e.tier}`));
    system.events.on('compute', (e) => seen.push(`compute:${e.type}`));
    const f = cached(async () => 1, { ttl: 60, system, key: () => 'ev' });
    await f();
    await f();
    expect(seen).toEqual(['other:miss:null', 'compute:other', 'other:hit:l1']);
  });

  test('cachedModel lockTtlMs: concurrent misses on two instances train once', async () => {
    const a = sys();
    const b = sys(fixture.redis().url, a.options.prefix);
    let trained = 0;
    const train = async (product: string) => {
      trained++;
      await new Promise((r) => setTimeout(r, 50));
      return { product, weights: new Float64Array([1, 2]) };
    };
    const loadA = cachedModel(train, { system: a, lockTtlMs: 5000 });
    const loadB = cachedModel(train, { system: b, lockTtlMs: 5000 });
    const [ra, rb, rc] = await Promise.all([loadA.detailed('Bolo'), loadB.detailed('Bolo'), loadB.detailed('Bolo')]);
    expect(trained).toBe(1);
    expect([...rb.value.weights]).toEqual([1, 2]);
    expect([ra.cached, rb.cached, rc.cached].filter(Boolean).length).toBe(1); // b's leader read a's result; b's joiner joined
  });

  test('cached without ttl uses the configured default', async () => {
    const system = sys();
    const f = cached(async () => 1, { system, key: () => 'dflt' });
    await f();
    expect(Number(await fixture.redis().cli('TTL', `${system.options.prefix}:dflt`))).toBeGreaterThan(290);
  });

  test('a key that cannot be computed (throwing version lookup) calls through instead of failing', async () => {
    const system = sys();
    let calls = 0;
    const f = cachedPrediction(async (p: string, d: number) => (calls++, `${p}${d}`), {
      system,
      version: async () => {
        throw new Error('database unavailable');
      },
    });
    expect(await f('Bolo', 1)).toBe('Bolo1');
    expect(await f.detailed('Bolo', 1)).toEqual({ value: 'Bolo1', cached: false, tier: null });
    const g = cached(async () => 1, {
      system,
      key: () => {
        throw new Error('bad key');
      },
    });
    expect(await g()).toBe(1);
    expect(calls).toBe(2);
  });
});
