import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheHistory, CacheInfo, HealthReport } from '@/lib/api-types';
import { DEMO_PRODUCTS } from '@/lib/forecasting/demo-data';
import { POST as clear } from '@/app/api/ai/cache/clear/route';
import { GET as getInfo } from '@/app/api/ai/cache/info/route';
import { GET as getHistory } from '@/app/api/ai/cache/history/route';
import { GET as getWarmUp } from '@/app/api/ai/cache/warm-up/route';
import { GET as getHealth } from '@/app/api/ai/health/route';
import { GET as getMetrics } from '@/app/api/metrics/route';
import { GET as getPing } from '@/app/api/ping/route';
import { within } from '../helpers/deadline';
import { parsePrometheusText } from '../helpers/prometheus-text';
import { waitFor } from '../helpers/redis-server';
import { apiRequest, jsonOf, NO_CONTEXT, REDIS_PASSWORD, startApiTestEnv, type ApiTestEnv } from './setup';

/** `GET` endpoints: shapes, status codes, and that none of them hangs or fails while Redis is paused or down. */
describe('monitoring endpoints', () => {
  let env: ApiTestEnv;

  beforeAll(async () => {
    env = await startApiTestEnv();
    // Real traffic through the cache: Bolo's model trained first (so the miss below is the forecast's alone), then a
    // miss and a hit on a prediction, the product list.
    await env.forecasting.loadModel('Bolo');
    await env.forecasting.predictDemand('Bolo', 7);
    await env.forecasting.predictDemand('Bolo', 7);
    await env.forecasting.listProducts();
  });
  afterAll(() => env?.close());

  const info = async () => jsonOf<CacheInfo>(await getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT));

  it('GET /api/ping answers {ok:true}', async () => {
    const response = await getPing();
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({ ok: true });
  });

  it('GET /api/ai/cache/info has the seed fields and the operator fields', async () => {
    const response = await getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT);
    expect(response.status).toBe(200);
    const body = await jsonOf<CacheInfo>(response);
    // the seed's runbook: jq .hit_rate, .cache_breakdown, .used_memory_human
    expect(body.enabled).toBe(true);
    expect(typeof body.hit_rate).toBe('number');
    expect(body.used_memory_human).toMatch(/^\d+(\.\d+)?\s?[KMG]?B?$/);
    expect(Object.keys(body.cache_breakdown).sort()).toEqual(['models', 'other', 'predictions', 'products']);
    expect(body.ttl_settings).toEqual({ models: '21600s (6h)', predictions: '300s (5min)', products: '600s (10min)' });
    expect(body.backend).toBe('redis');
    expect(body.redis).toMatchObject({ mode: 'standalone', connected: true });
    expect(body.hits).toBeGreaterThanOrEqual(1);
    expect(body.misses).toBeGreaterThanOrEqual(1);
    expect(body.by_type.predictions.hits).toBeGreaterThanOrEqual(1);
    expect(body.hit_rate).toBeGreaterThan(0);
    expect(body.used_memory).toBeGreaterThan(0);
    expect(Array.isArray(body.alerts)).toBe(true);
    expect(body.thresholds).toMatchObject({ hit_rate_min_percent: 60, memory_max_bytes: 100 * 1024 * 1024 });
    expect(body.topology).toMatchObject({ mode: 'standalone', status: 'ok', problems: [] });
    expect(body.topology.nodes).toEqual([
      expect.objectContaining({
        address: `127.0.0.1:${env.redis.port}`,
        role: 'master',
        up: true,
        used_memory: expect.any(Number),
        keys: expect.any(Number),
      }),
    ]);
    expect(typeof body.time_saved_ms).toBe('number');
    expect(JSON.stringify(body)).not.toContain(REDIS_PASSWORD);
  });

  it('GET /api/ai/health is healthy with Redis, with the seed shape', async () => {
    const response = await getHealth(apiRequest('/api/ai/health'), NO_CONTEXT);
    expect(response.status).toBe(200);
    const body = await jsonOf<HealthReport>(response);
    expect(body).toMatchObject({
      status: 'healthy',
      service: 'AI Prediction Service',
      cache: { redis_available: true, read_write_test: true, backend: 'redis' },
      database: { ok: true, products: DEMO_PRODUCTS.length },
    });
    expect(body.cache.stats).toMatchObject({ hits: expect.any(Number), misses: expect.any(Number), hit_rate: expect.any(Number) });
  });

  it('GET /api/ai/cache/history answers each range and refuses others with 400', async () => {
    for (const [range, seconds] of [
      ['15m', 900],
      ['1h', 3600],
      ['6h', 6 * 3600],
      ['24h', 24 * 3600],
    ] as const) {
      const response = await getHistory(apiRequest(`/api/ai/cache/history?range=${range}`), NO_CONTEXT);
      expect(response.status).toBe(200);
      const body = await jsonOf<CacheHistory>(response);
      expect(body.range).toBe(range);
      expect(body.bucket_seconds).toBeGreaterThan(0);
      // The buckets cover the whole range (empty ones included), give or take the current partial bucket.
      expect(Math.abs(body.buckets.length * body.bucket_seconds - seconds)).toBeLessThanOrEqual(body.bucket_seconds);
      const times = body.buckets.map((bucket) => bucket.t);
      expect([...times].sort((a, b) => a - b)).toEqual(times); // oldest first
    }
    const byDefault = await jsonOf<CacheHistory>(await getHistory(apiRequest('/api/ai/cache/history'), NO_CONTEXT));
    expect(byDefault.range).toBe('1h');
    for (const bad of ['2h', '', '1H', '15m;', 'x'.repeat(5000), '24h&range=15m'.replace('&', '%26')]) {
      const response = await getHistory(apiRequest(`/api/ai/cache/history?range=${encodeURIComponent(bad)}`), NO_CONTEXT);
      expect(response.status, bad).toBe(400);
      expect(await jsonOf(response)).toMatchObject({ error: { code: 'bad_request', message: expect.stringContaining('15m') } });
    }
  });

  it('GET /api/ai/cache/history: lookups of two instances accumulate in the same buckets', async () => {
    const total = (history: CacheHistory) => history.buckets.reduce((sum, bucket) => sum + bucket.hits.other + bucket.misses.other, 0);
    const before = total(await jsonOf<CacheHistory>(await getHistory(apiRequest('/api/ai/cache/history?range=15m'), NO_CONTEXT)));
    // Three misses on this instance and two on the other, of type "other".
    for (const system of [env.system, env.system, env.system, env.other, env.other]) {
      await system.cache.get(`${env.prefix}:history-probe:${Math.random()}`, { type: 'other' });
    }
    await env.other.flushStats();
    const after = await jsonOf<CacheHistory>(await getHistory(apiRequest('/api/ai/cache/history?range=15m'), NO_CONTEXT));
    expect(total(after) - before).toBe(5);
  });

  it('keeps history buckets in Redis with an expiry of at least 24 h (they expire, they are not kept forever)', async () => {
    await env.system.flushStats();
    const keys = (await env.cli('--scan', '--pattern', `${env.prefix}:*`)).split('\n').filter((key) => /:\{stats\}:h:\d+$/.test(key));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const ttl = Number(await env.cli('TTL', key));
      expect(ttl, key).toBeGreaterThanOrEqual(24 * 3600);
      expect(ttl, key).toBeLessThanOrEqual(27 * 3600);
    }
  });

  it('GET /api/metrics is valid Prometheus text with the cache and HTTP metrics, and no product names', async () => {
    await getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT);
    const response = await getMetrics(apiRequest('/api/metrics'), NO_CONTEXT);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    const families = parsePrometheusText(text);
    const requests = families.get('ai_cache_requests_total')!;
    expect(requests.samples.some((s) => s.labels.type === 'predictions' && s.labels.result === 'hit' && s.value >= 1)).toBe(true);
    const http = families.get('http_request_duration_seconds')!;
    expect(http.samples.some((s) => s.labels.route === '/api/ai/cache/info' && s.labels.method === 'GET' && s.labels.status === '200')).toBe(true);
    expect(families.get('ai_cache_fallback_active')!.samples[0].value).toBe(0);
    expect(families.get('ai_cache_redis_used_memory_bytes')!.samples[0].value).toBeGreaterThan(0);
    expect(families.has('ai_cache_compute_duration_seconds')).toBe(true);
    expect(families.has('ai_cache_keys')).toBe(true);
    expect(text).not.toContain('Bolo');
    expect(text).not.toContain(REDIS_PASSWORD);
  });

  it('GET /api/ai/cache/warm-up answers {job:null} before any warm-up', async () => {
    const response = await getWarmUp(apiRequest('/api/ai/cache/warm-up'), NO_CONTEXT);
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({ job: null });
  });

  /** Every GET endpoint once, concurrently; each must answer (never hang) before `deadline` aborts. */
  async function everyEndpoint(deadline: AbortSignal): Promise<Record<string, number>> {
    const calls: Record<string, () => Promise<Response>> = {
      info: () => getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT),
      health: () => getHealth(apiRequest('/api/ai/health'), NO_CONTEXT),
      history: () => getHistory(apiRequest('/api/ai/cache/history?range=1h'), NO_CONTEXT),
      metrics: () => getMetrics(apiRequest('/api/metrics'), NO_CONTEXT),
      warmUp: () => getWarmUp(apiRequest('/api/ai/cache/warm-up'), NO_CONTEXT),
      ping: () => getPing(),
    };
    const statuses: Record<string, number> = {};
    await Promise.all(Object.entries(calls).map(async ([name, call]) => (statuses[name] = (await within(deadline, call(), name)).status)));
    return statuses;
  }

  it('answers every endpoint while Redis hangs (CLIENT PAUSE), before the pause ends', async () => {
    const pauseMs = 4_000;
    // Armed before the pause starts and expiring 0.5 s before it can end: an endpoint that waited for Redis fails.
    const beforePauseEnds = AbortSignal.timeout(pauseMs - 500);
    await env.cli('CLIENT', 'PAUSE', String(pauseMs), 'ALL');
    let statuses: Record<string, number>;
    try {
      statuses = await everyEndpoint(beforePauseEnds);
    } finally {
      await env.cli('CLIENT', 'UNPAUSE');
    }
    expect(statuses).toEqual({ info: 200, health: 200, history: 200, metrics: 200, warmUp: 200, ping: 200 });
    await waitFor(async () => (await jsonOf<HealthReport>(await getHealth(apiRequest('/api/ai/health'), NO_CONTEXT))).status === 'healthy', 15_000);
  });

  it('serves from the fallback while Redis is down: degraded (200), redis_down alert, fallback gauge; healthy again after restart', async () => {
    await env.redis.stop();
    const statuses = await everyEndpoint(AbortSignal.timeout(10_000));
    expect(statuses).toEqual({ info: 200, health: 200, history: 200, metrics: 200, warmUp: 200, ping: 200 });

    const health = await getHealth(apiRequest('/api/ai/health'), NO_CONTEXT);
    expect(health.status).toBe(200);
    expect(await jsonOf<HealthReport>(health)).toMatchObject({ status: 'degraded', cache: { redis_available: false, backend: 'memory' } });

    const down = await info();
    expect(down.backend).toBe('memory');
    expect(down.alerts.map((alert) => alert.code)).toContain('redis_down');
    expect(JSON.stringify(down)).not.toContain(REDIS_PASSWORD);
    // The topology card shows the one node, down.
    expect(down.topology).toMatchObject({
      mode: 'standalone',
      status: 'down',
      nodes: [{ address: `127.0.0.1:${env.redis.port}`, role: 'master', up: false }],
    });

    const families = parsePrometheusText(await (await getMetrics(apiRequest('/api/metrics'), NO_CONTEXT)).text());
    expect(families.get('ai_cache_fallback_active')!.samples[0].value).toBe(1);

    await env.restartRedis();
    await waitFor(async () => (await jsonOf<HealthReport>(await getHealth(apiRequest('/api/ai/health'), NO_CONTEXT))).status === 'healthy', 15_000);
    expect((await info()).backend).toBe('redis');
  });

  it('is unhealthy (503) only when the forecasting database is unusable; clears by type still work, by name answer 503', async () => {
    env.db.close(); // the cleanup closes it again; better-sqlite3 allows that
    const response = await getHealth(apiRequest('/api/ai/health'), NO_CONTEXT);
    expect(response.status).toBe(503);
    expect(await jsonOf<HealthReport>(response)).toMatchObject({ status: 'unhealthy', database: { ok: false } });

    const byName = await clear(apiRequest('/api/ai/cache/clear', { json: { target: 'Bolo' } }), NO_CONTEXT);
    expect(byName.status).toBe(503);
    expect(await jsonOf(byName)).toMatchObject({ error: { code: 'unavailable' } });
    const byType = await clear(apiRequest('/api/ai/cache/clear', { json: { target: 'predictions' } }), NO_CONTEXT);
    expect(byType.status).toBe(200);
  });
});
