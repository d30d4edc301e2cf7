/**
 * The service's endpoints on a replicated Redis (Cluster or Sentinel), smoke level: every endpoint answers as on a
 * standalone Redis, through the route handlers with the process-wide cache system pointed at the deployment, and a
 * failover in the middle of traffic never turns into a 5xx. Each test file starts its deployment once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type {
  CacheHistory,
  CacheInfo,
  ClearResult,
  HealthReport,
  ModelInfoResponse,
  PredictionResponse,
  ProductsResponse,
  RetrainResponse,
  WarmUpStatus,
} from '@/lib/api-types';
import { POST as clear } from '@/app/api/ai/cache/clear/route';
import { GET as getHistory } from '@/app/api/ai/cache/history/route';
import { GET as getInfo } from '@/app/api/ai/cache/info/route';
import { GET as getWarmUp, POST as warmUp } from '@/app/api/ai/cache/warm-up/route';
import { GET as getHealth } from '@/app/api/ai/health/route';
import { GET as getModel } from '@/app/api/ai/models/[product]/route';
import { POST as retrain } from '@/app/api/ai/models/[product]/retrain/route';
import { GET as predict } from '@/app/api/ai/predict/route';
import { GET as getProductHistory } from '@/app/api/ai/products/[name]/history/route';
import { GET as getProducts } from '@/app/api/ai/products/route';
import { GET as getMetrics } from '@/app/api/metrics/route';
import { DEMO_PRODUCTS } from '@/lib/forecasting/demo-data';
import { adminRateLimiter } from '@/lib/http/rate-limit';
import { warmUpRunner } from '@/lib/http/warm-up-job';
import { waitFor } from '../helpers/redis-server';
import { apiRequest, jsonOf, NO_CONTEXT, startServiceTestEnv, type ServiceTestEnv } from './setup';

export interface Deployment {
  mode: 'cluster' | 'sentinel';
  /** The variables that point the service at it (REDIS_CLUSTER_NODES, or REDIS_SENTINELS + REDIS_SENTINEL_NAME). */
  env: Record<string, string>;
  /** How many masters / replicas / sentinels a healthy deployment shows. */
  expected: { masters: number; replicas: number; sentinels: number };
  /** Causes a failover (kills a master, or SENTINEL FAILOVER); resolves once a replica took over. */
  failover(): Promise<void>;
  /** What the service must report after the failover: the node now down (if one is), the master now serving. */
  afterFailover(): Promise<{ down: string | null; master: string | null }>;
  /** After the failover, brings the deployment back to full health (restarts what was killed) and waits for it. */
  heal(): Promise<void>;
  stop(): Promise<void>;
}

const TOKEN = 'replicated-admin-token-0123456789';

/** Registers the smoke tests for the deployment `start` builds (once per file). */
export function serviceOnReplicatedRedis(start: () => Promise<Deployment>): void {
  let deployment: Deployment;
  let env: ServiceTestEnv;

  beforeAll(async () => {
    deployment = await start();
    env = await startServiceTestEnv(deployment.env);
    process.env.CACHE_ADMIN_TOKEN = TOKEN;
  });
  afterAll(async () => {
    delete process.env.CACHE_ADMIN_TOKEN;
    await warmUpRunner().idle();
    await env?.close();
    await deployment?.stop();
  });

  const get = async <T>(handler: (r: Request, c: never) => Promise<Response>, url: string, context: unknown = NO_CONTEXT) => {
    const response = await handler(apiRequest(url), context as never);
    return { status: response.status, headers: response.headers, body: await jsonOf<T>(response) };
  };
  const post = async <T>(handler: (r: Request, c: never) => Promise<Response>, url: string, json: unknown, context: unknown = NO_CONTEXT) => {
    adminRateLimiter().reset();
    const response = await handler(apiRequest(url, { json, headers: { authorization: `Bearer ${TOKEN}` } }), context as never);
    return { status: response.status, body: await jsonOf<T>(response) };
  };
  const productContext = (product: string) => ({ params: Promise.resolve({ product }) });
  const forecast = (product: string, days = 7) =>
    get<PredictionResponse>(predict, `/api/ai/predict?product=${encodeURIComponent(product)}&days=${days}`);

  it('health and cache info describe the deployment: mode, every node up with its role, memory and keys per master', async () => {
    await forecast('Bolo');
    const health = await get<HealthReport>(getHealth, '/api/ai/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'healthy',
      cache: { redis_available: true, read_write_test: true, backend: 'redis', topology: { mode: deployment.mode, status: 'ok', problems: [] } },
    });

    await env.system.refreshKeyCounts();
    const info = await get<CacheInfo>(getInfo, '/api/ai/cache/info');
    expect(info.status).toBe(200);
    const { topology } = info.body;
    expect(info.body.redis.mode).toBe(deployment.mode);
    expect(topology).toMatchObject({ mode: deployment.mode, status: 'ok', problems: [] });
    const byRole = (role: string) => topology.nodes.filter((n) => n.role === role);
    expect(byRole('master')).toHaveLength(deployment.expected.masters);
    expect(byRole('replica')).toHaveLength(deployment.expected.replicas);
    expect(byRole('sentinel')).toHaveLength(deployment.expected.sentinels);
    expect(topology.nodes.every((n) => n.up)).toBe(true);
    const masters = byRole('master');
    for (const m of masters) {
      expect(m.used_memory, m.address).toBeGreaterThan(0);
      expect(m.keys, m.address).toEqual(expect.any(Number));
    }
    for (const r of byRole('replica')) expect(masters.map((m) => m.address)).toContain(r.master_address);
    // The report's memory is the masters' sum (each read a moment apart, so within a margin).
    const summed = masters.reduce((a, m) => a + (m.used_memory ?? 0), 0);
    expect(info.body.used_memory).toBeGreaterThan(summed * 0.8);
    expect(info.body.used_memory).toBeLessThan(summed * 1.2);
    // Bolo's model, its 7-day forecast, the product list it needed: counted over every master.
    expect(info.body.cache_breakdown.models).toBeGreaterThanOrEqual(1);
    expect(info.body.cache_breakdown.predictions).toBeGreaterThanOrEqual(1);
  });

  it('serves the read endpoints: products, predict (MISS then HIT), model, sales history, cache history, metrics', async () => {
    const products = await get<ProductsResponse>(getProducts, '/api/ai/products');
    expect(products.status, 'products').toBe(200);
    expect(products.body.count).toBe(DEMO_PRODUCTS.length);

    const first = await forecast('Croissant', 14);
    expect(first.status, 'first forecast').toBe(200);
    expect(first.headers.get('x-cache'), `first forecast (backend ${env.system.backend})`).toBe('MISS');
    expect(first.body.forecast).toHaveLength(14);
    const second = await forecast('Croissant', 14);
    expect(second.headers.get('x-cache'), `second forecast (backend ${env.system.backend})`).toBe('HIT');
    expect(second.body.forecast).toEqual(first.body.forecast);

    const model = await get<ModelInfoResponse>(getModel, '/api/ai/models/Croissant', productContext('Croissant'));
    expect(model.status, 'model').toBe(200);
    expect(model.body.model).not.toBeNull();
    const sales = await get<unknown>(getProductHistory, '/api/ai/products/Croissant/history?days=30', {
      params: Promise.resolve({ name: 'Croissant' }),
    });
    expect(sales.status, 'sales history').toBe(200);

    await env.system.flushStats();
    const history = await get<CacheHistory>(getHistory, '/api/ai/cache/history?range=15m');
    expect(history.status, 'cache history').toBe(200);
    expect(
      history.body.buckets.reduce((a, b) => a + b.hits.predictions, 0),
      `prediction hits in the history (backend ${env.system.backend})`,
    ).toBeGreaterThanOrEqual(1);
    const metrics = await getMetrics(apiRequest('/api/metrics'), NO_CONTEXT);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('ai_cache_');
  });

  it('clears by every target, on every master, and the other instance drops its copies (invalidation bus)', async () => {
    await forecast('Sonho');
    await forecast('Baguete');
    // The other instance holds one of Sonho's forecasts in its L1: the clear must reach it through the bus.
    await env.other.models.setPrediction('Sonho', 99, [1, 2, 3], undefined, { version: 1 });
    const sonhoKey = env.other.keys.prediction('Sonho', 99, undefined, 1);
    expect(env.other.inspectLocal(sonhoKey)).toBeDefined();

    const one = await post<ClearResult>(clear, '/api/ai/cache/clear', { target: 'Sonho' });
    expect(one.status).toBe(200);
    expect(one.body.removed).toBeGreaterThanOrEqual(3); // its model and its two forecasts
    await waitFor(() => env.other.inspectLocal(sonhoKey) === undefined, 5000, 10, 'the other instance to drop Sonho');
    expect((await forecast('Sonho')).headers.get('x-cache')).toBe('MISS');
    expect((await forecast('Baguete')).headers.get('x-cache')).toBe('HIT');

    for (const target of ['predictions', 'models', 'products', 'all']) {
      const result = await post<ClearResult>(clear, '/api/ai/cache/clear', { target });
      expect(result.status, target).toBe(200);
      expect(result.body.target, target).toBe(target);
    }
    await env.system.refreshKeyCounts();
    const info = await get<CacheInfo>(getInfo, '/api/ai/cache/info');
    expect(info.body.total_keys).toBe(0);
    expect((await forecast('Baguete')).headers.get('x-cache')).toBe('MISS');
  });

  it('retrains under the cross-instance training lock and warms up every product', async () => {
    const before = (await forecast('Coxinha')).body.model_version;
    const retrained = await post<RetrainResponse>(retrain, '/api/ai/models/Coxinha/retrain', {}, productContext('Coxinha'));
    expect(retrained.status).toBe(200);
    expect(retrained.body.model_version).toBe(before + 1);
    expect((await forecast('Coxinha')).body.model_version).toBe(before + 1);

    // The lock itself: two instances never hold it at once.
    let inside = 0;
    let most = 0;
    await Promise.all(
      [env.system, env.other, env.system, env.other].map((s) =>
        s.lock('train', 5000, async () => {
          most = Math.max(most, ++inside);
          await new Promise((resolve) => setImmediate(resolve));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);

    const accepted = await post<{ job: { id: string } }>(warmUp, '/api/ai/cache/warm-up', {});
    expect(accepted.status).toBe(202);
    await waitFor(
      async () => (await get<WarmUpStatus>(getWarmUp, '/api/ai/cache/warm-up')).body.job?.state !== 'running',
      120_000,
      50,
      'the warm-up',
    );
    expect((await get<WarmUpStatus>(getWarmUp, '/api/ai/cache/warm-up')).body.job).toMatchObject({
      id: accepted.body.job.id,
      state: 'done',
      errors: [],
    });
    expect((await forecast('Panetone', 30)).headers.get('x-cache')).toBe('HIT');
  });

  it('keeps answering through a failover (no 5xx), reports the failed node, and recovers', async () => {
    const statuses: number[] = [];
    let running = true;
    const products = DEMO_PRODUCTS.map((p) => p.name);
    // Traffic during the failover: forecasts of every product (their keys spread over the masters), info and health.
    const traffic = (async () => {
      for (let i = 0; running; i++) {
        const product = products[i % products.length];
        const responses = await Promise.all([
          predict(apiRequest(`/api/ai/predict?product=${encodeURIComponent(product)}&days=7`), NO_CONTEXT),
          getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT),
          getHealth(apiRequest('/api/ai/health'), NO_CONTEXT),
        ]);
        for (const r of responses) statuses.push(r.status);
        await Promise.all(responses.map((r) => r.arrayBuffer()));
      }
    })();
    try {
      await deployment.failover();
      // The service is back on Redis, writing to the promoted master.
      await waitFor(
        async () => {
          const h = (await get<HealthReport>(getHealth, '/api/ai/health')).body;
          return h.cache.redis_available && h.cache.read_write_test && h.cache.backend === 'redis';
        },
        30_000,
        50,
        'the service back on Redis after the failover',
      );
    } finally {
      running = false;
      await traffic;
    }
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);

    const expected = await deployment.afterFailover();
    const { topology } = (await get<CacheInfo>(getInfo, '/api/ai/cache/info')).body;
    if (expected.down) {
      expect(topology.nodes.find((n) => n.address === expected.down)).toMatchObject({ up: false });
      expect(topology.status).toBe('degraded');
      expect(topology.problems.join('\n')).toContain(expected.down);
      const health = (await get<HealthReport>(getHealth, '/api/ai/health')).body;
      expect(health.status).toBe('degraded');
      expect(health.cache.topology.status).toBe('degraded');
    }
    if (expected.master) expect(topology.nodes.find((n) => n.role === 'master' && n.up)?.address).toBe(expected.master);

    // Writes land on the new master: a fresh forecast is a MISS, then a HIT from Redis (not only from L1).
    await post<ClearResult>(clear, '/api/ai/cache/clear', { target: 'Brigadeiro' });
    expect((await forecast('Brigadeiro')).headers.get('x-cache')).toBe('MISS');
    env.system.clearLocal();
    expect((await forecast('Brigadeiro')).headers.get('x-cache')).toBe('HIT');

    await deployment.heal();
    await waitFor(
      async () => (await get<HealthReport>(getHealth, '/api/ai/health')).body.status === 'healthy',
      40_000,
      100,
      'healthy again once the failed node is back',
    );
    // A bound above the sum of the waits inside (failover, back on Redis ≤ 30 s, healthy again ≤ 40 s): on a loaded
    // machine the whole drill can take longer than the default 30 s while every step is within its own deadline.
  }, 150_000);
}
