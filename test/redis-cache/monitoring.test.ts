/** getCacheInfo, key counts, shared counters, history and locks against a real Redis. */
import { describe, expect, test } from 'vitest';
import { LockTimeoutError, type CacheSystem, type CacheSystemOptions } from '@/lib/redis-cache';
import { waitFor } from '@/test/helpers/redis-server';
import { usePrivateRedis } from './setup';
import { toCacheInfo, toHistory } from '@/lib/http/cache-report';

const fixture = usePrivateRedis();
const sys = (opts: CacheSystemOptions = {}, url?: string | null) => fixture.system(opts, url);

describe('getCacheInfo', () => {
  test('reports backend, Redis facts, TTL strings, L1 and the key breakdown', async () => {
    const s = sys();
    await s.models.setModel('Bolo', 1);
    await s.models.setPrediction('Bolo', 7, 1);
    await s.models.setPrediction('Bolo', 14, 1);
    await s.models.setProducts(['Bolo']);
    await fixture.redis().cli('SET', 'foreign', 'x');
    await s.refreshKeyCounts();
    const info = toCacheInfo(await s.getCacheInfo());
    expect(info).toMatchObject({
      enabled: true,
      backend: 'redis',
      redis: { mode: 'standalone', address: `127.0.0.1:${fixture.redis().port}/0`, connected: true },
      cache_breakdown: { models: 1, predictions: 2, products: 1, other: 0 },
      total_keys: 4,
      ttl_settings: { models: '21600s (6h)', predictions: '300s (5min)', products: '600s (10min)' },
      thresholds: { hit_rate_min_percent: 60, hit_rate_min_requests: 100, memory_max_bytes: 104857600 },
      alerts: [],
    });
    expect(info.redis.version).toMatch(/^\d+\.\d+/);
    expect(info.used_memory).toBeGreaterThan(0);
    expect(info.used_memory_human).toMatch(/^\d+(\.\d)?(B|KB|MB|GB)$/); // the seed's form: "2.1MB"
    expect(info.l1.entries).toBe(4);
    expect(info.l1.max_entries).toBe(10_000);
    expect(JSON.stringify(info)).not.toMatch(/password/i);
  });

  test('the breakdown follows a clear without a scan on the info path', async () => {
    const s = sys();
    for (let i = 0; i < 5; i++) await s.models.setModel(`p${i}`, i);
    await s.refreshKeyCounts();
    expect(toCacheInfo(await s.getCacheInfo()).cache_breakdown.models).toBe(5);
    await s.clear('models');
    await waitFor(async () => toCacheInfo(await s.getCacheInfo()).cache_breakdown.models === 0, 5000, 20, 'counts after clear');
  });

  test('a product clear subtracts its keys from the breakdown at once, even when a recount cannot finish in time', async () => {
    const s = sys();
    for (let i = 0; i < 4; i++) await s.models.setModel(`p${i}`, i);
    for (let d = 1; d <= 3; d++) await s.models.setPrediction('p0', d, { d });
    await s.models.setPrediction('p1', 7, { d: 7 });
    // 200,000 other keys: a SCAN pass takes hundreds of steps, far beyond the 25 ms a reader waits for it.
    await fixture
      .redis()
      .cli('EVAL', "for i = 1, tonumber(ARGV[2]) do redis.call('SET', ARGV[1] .. i, 'x') end", '0', `${s.options.prefix}:filler:`, '200000');
    // A pass started at connection time may have counted before the filler: recount until one has seen it.
    await waitFor(
      async () => {
        await s.refreshKeyCounts();
        return toCacheInfo(await s.getCacheInfo()).cache_breakdown.other === 200_000;
      },
      30_000,
      50,
      'a count of the filler keys',
    );
    expect(toCacheInfo(await s.getCacheInfo()).cache_breakdown).toMatchObject({ models: 4, predictions: 4, other: 200_000 });
    expect(await s.clear({ product: 'p0' })).toEqual({ removed: 4 });
    // Right after the clear, whether or not a recount has ended: the product's model and forecasts are gone, nothing else.
    expect(toCacheInfo(await s.getCacheInfo()).cache_breakdown).toMatchObject({ models: 3, predictions: 1, other: 200_000 });
    await s.clear('predictions');
    expect(toCacheInfo(await s.getCacheInfo()).cache_breakdown).toMatchObject({ models: 3, predictions: 0, other: 200_000 });
  }, 180_000); // 200,000 keys written and counted: minutes on a loaded machine

  test('hit rates per type and overall; low-hit-rate alert only after the minimum number of requests', async () => {
    const s = sys({ alerts: { hitRateMinRequests: 10, hitRateMinPercent: 60, memoryMaxBytes: 100 * 1024 * 1024 } });
    await s.models.setModel('A', 1);
    await s.models.getModel('A');
    for (let i = 0; i < 4; i++) await s.models.getModel(`missing${i}`);
    let info = toCacheInfo(await s.getCacheInfo());
    expect(info.hits).toBe(1);
    expect(info.misses).toBe(4);
    expect(info.hit_rate).toBe(20);
    expect(info.by_type.models).toEqual({ hits: 1, misses: 4, hit_rate: 20 });
    expect(info.by_type.products.hit_rate).toBeNull();
    expect(info.alerts.map((a) => a.code)).toEqual([]); // 5 < 10 requests: too early to judge
    for (let i = 0; i < 5; i++) await s.models.getModel(`missing${i}`);
    info = toCacheInfo(await s.getCacheInfo());
    expect(info.alerts.map((a) => a.code)).toEqual(['low_hit_rate']);
    expect(info.alerts[0]).toMatchObject({ title: 'Cache not effective', value: 10, threshold: 60 });
  });

  test('the low-hit-rate alert judges the last 15 minutes of every instance, not older lookups', async () => {
    const s = sys({ alerts: { hitRateMinRequests: 100, hitRateMinPercent: 60, memoryMaxBytes: 100 * 1024 * 1024 } });
    await s.getCacheInfo(); // connected
    // Another instance's flushed buckets: 500 misses 20 minutes ago (outside), 150 misses 5 minutes ago (inside).
    const plant = async (agoMs: number, misses: number) => {
      const t = Date.now() - agoMs;
      const bucket = t - (t % 10_000);
      const hour = bucket - (bucket % 3_600_000);
      await fixture.redis().cli('HINCRBY', `${s.keys.meta}{stats}:h:${hour}`, `${(bucket - hour) / 10_000}:m1`, String(misses));
    };
    await plant(20 * 60_000, 500);
    let info = toCacheInfo(await s.getCacheInfo());
    expect(info.alerts.map((a) => a.code)).toEqual([]);
    await plant(5 * 60_000, 150);
    for (let i = 0; i < 10; i++) await s.models.getModel(`missing${i}`); // this instance's own, not yet flushed
    info = toCacheInfo(await s.getCacheInfo());
    expect(info.alerts.map((a) => a.code)).toEqual(['low_hit_rate']);
    expect(info.alerts[0]!.message).toContain('(160 lookups)');
  });

  test('memory alert above the threshold, Redis-down alert with the fallback', async () => {
    const s = sys({ alerts: { hitRateMinRequests: 100, hitRateMinPercent: 60, memoryMaxBytes: 1024 } });
    const info = toCacheInfo(await s.getCacheInfo());
    expect(info.alerts.map((a) => a.code)).toEqual(['high_memory']);
    expect(info.alerts[0].title).toBe('Possible leak');
    const down = sys({}, null);
    await down.models.setModel('x', 1);
    const di = toCacheInfo(await down.getCacheInfo());
    expect(di).toMatchObject({ backend: 'memory', redis: { connected: false }, used_memory: null, cache_breakdown: { models: 1 }, total_keys: 1 });
    expect(di.alerts.map((a) => a.code)).toEqual(['redis_down']);
    expect(di.alerts[0].title).toBe('Redis down — fallback active');
  });

  test('counters are shared: two instances see the sum of their lookups', async () => {
    const a = sys();
    const b = sys({ prefix: a.options.prefix });
    await a.models.setModel('A', 1);
    await a.models.getModel('A');
    await b.models.getModel('A');
    await b.models.getModel('B');
    await a.flushStats();
    await b.flushStats();
    const ia = toCacheInfo(await a.getCacheInfo());
    const ib = toCacheInfo(await b.getCacheInfo());
    expect([ia.hits, ia.misses]).toEqual([2, 1]);
    expect([ib.hits, ib.misses]).toEqual([2, 1]);
    // One pipelined flush, not one command per lookup: the totals hash holds the sums.
    expect(await fixture.redis().cli('HGET', `${a.options.prefix}:_meta:{stats}:totals`, 'h0')).toBe('2');
  });

  test('time saved accumulates the compute cost avoided by hits', async () => {
    const s = sys();
    const { cached } = await import('@/lib/redis-cache');
    const f = cached(
      async () => {
        await new Promise((r) => setTimeout(r, 20));
        return 1;
      },
      { ttl: 60, system: s, key: () => 'slow' },
    );
    await f();
    await f();
    await f();
    expect(toCacheInfo(await s.getCacheInfo()).time_saved_ms).toBeGreaterThan(0);
  });
});

describe('getHistory', () => {
  test('10 s buckets of hits/misses per type, shared via Redis, kept ≥ 24 h', async () => {
    const a = sys();
    const b = sys({ prefix: a.options.prefix });
    await a.models.setPrediction('A', 7, 1);
    await a.models.getPrediction('A', 7);
    await b.models.getPrediction('A', 7);
    await b.models.getProducts();
    await b.flushStats();
    const h = toHistory(await a.getHistory('15m'));
    expect(h.range).toBe('15m');
    expect(h.bucket_seconds).toBe(10);
    expect(h.buckets.length).toBe(90);
    const ts = h.buckets.map((x) => x.t);
    expect([...ts].sort((x, y) => x - y)).toEqual(ts);
    const hits = h.buckets.reduce((n, x) => n + x.hits.predictions, 0);
    const misses = h.buckets.reduce((n, x) => n + x.misses.products, 0);
    expect(hits).toBe(2);
    expect(misses).toBe(1);
    expect(h.buckets.some((x) => x.used_memory !== null && x.used_memory > 0)).toBe(true);
    const last = h.buckets.filter((x) => x.hits.predictions + x.misses.products > 0);
    expect(last.every((x) => x.hit_rate !== null)).toBe(true);
    const hourKeys = (await fixture.redis().cli('--scan', '--pattern', `${a.options.prefix}:_meta:{stats}:h:*`)).split('\n');
    for (const k of hourKeys) expect(Number(await fixture.redis().cli('TTL', k))).toBeGreaterThanOrEqual(24 * 3600);
    for (const r of ['1h', '6h', '24h'] as const) {
      const hr = toHistory(await a.getHistory(r));
      expect(hr.buckets.reduce((n, x) => n + x.hits.predictions, 0)).toBe(2);
      expect(hr.buckets.length * hr.bucket_seconds * 1000).toBe({ '1h': 3600_000, '6h': 6 * 3600_000, '24h': 24 * 3600_000 }[r]);
    }
    await expect(a.getHistory('2d' as never)).rejects.toThrow(TypeError);
  });

  test('while Redis is down the history comes from this process', async () => {
    const s = sys({}, null);
    await s.models.getModel('x');
    await s.models.setModel('x', 1);
    await s.models.getModel('x');
    const h = toHistory(await s.getHistory('15m'));
    expect(h.buckets.reduce((n, x) => n + x.hits.models + x.misses.models, 0)).toBe(2);
  });
});

describe('lock', () => {
  test('mutual exclusion across two instances; released after the work, also after an error', async () => {
    const a = sys();
    const b = sys({ prefix: a.options.prefix });
    let inside = 0;
    let maxInside = 0;
    const work = (s: CacheSystem) =>
      s.lock('train:Pão de Açúcar', 5000, async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 20));
        inside--;
        return s.instanceId;
      });
    const results = await Promise.all([work(a), work(b), work(a), work(b)]);
    expect(maxInside).toBe(1);
    expect(results.length).toBe(4);
    await expect(a.lock('x', 5000, async () => Promise.reject(new Error('fail')))).rejects.toThrow('fail');
    expect(await b.lock('x', 5000, async () => 'free again', { waitMs: 0 })).toBe('free again');
    expect(await fixture.redis().cli('--scan', '--pattern', `${a.options.prefix}:_meta:lock:*`)).toBe('');
  });

  test('waitMs: 0 fails at once with LockTimeoutError while another instance holds it', async () => {
    const a = sys();
    const b = sys({ prefix: a.options.prefix });
    let release!: () => void;
    const held = a.lock('job', 5000, () => new Promise<void>((r) => (release = r)));
    await waitFor(async () => (await fixture.redis().cli('--scan', '--pattern', `${a.options.prefix}:_meta:lock:*`)) !== '', 2000);
    const timeouts: string[] = [];
    b.events.on('lockTimeout', (e) => timeouts.push(e.name));
    const err = await b.lock('job', 5000, async () => 1, { waitMs: 0 }).catch((e) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect(err.code).toBe('LOCK_TIMEOUT');
    expect(timeouts).toEqual(['job']); // the metrics' source (ai_cache_lock_timeouts_total)
    release();
    await held;
  });

  test('the lock is kept beyond its ttl while the work runs (watchdog)', async () => {
    const a = sys();
    const b = sys({ prefix: a.options.prefix });
    // A ttl long enough that a busy machine's event-loop stalls (renewals come every ttl/3) cannot let it lapse.
    const ttlMs = 1000;
    let release!: () => void;
    const held = a.lock('long', ttlMs, () => new Promise<void>((r) => (release = r)));
    await waitFor(async () => (await fixture.redis().cli('--scan', '--pattern', `${a.options.prefix}:_meta:lock:*`)) !== '', 2000);
    const acquired = Date.now();
    // Without the watchdog the key's PTTL only falls, then the key is gone after one ttl. It must stay, and rise
    // (a renewal) again and again, until three ttls have passed.
    const key = await fixture.redis().cli('--scan', '--pattern', `${a.options.prefix}:_meta:lock:*`);
    let renewals = 0;
    let last = Infinity;
    await waitFor(
      async () => {
        const pttl = Number(await fixture.redis().cli('PTTL', key));
        expect(pttl, 'lock key PTTL').toBeGreaterThan(0);
        if (pttl > last) renewals++;
        last = pttl;
        return renewals >= 3 && Date.now() - acquired > 3 * ttlMs;
      },
      20_000,
      20,
      'the lock key alive past three ttls, renewed',
    );
    await expect(b.lock('long', ttlMs, async () => 1, { waitMs: 0 })).rejects.toBeInstanceOf(LockTimeoutError);
    release();
    await held;
  });

  test('in-process exclusion while Redis is down', async () => {
    const s = sys({}, null);
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        s.lock('j', 1000, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((r) => setTimeout(r, 5));
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });
});
