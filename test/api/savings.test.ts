import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheHistory, CacheInfo, PredictionResponse, SavingsInfo } from '@/lib/api-types';
import { GET as predict } from '@/app/api/ai/predict/route';
import { GET as getInfo } from '@/app/api/ai/cache/info/route';
import { GET as getHistory } from '@/app/api/ai/cache/history/route';
import { GET as getMetrics } from '@/app/api/metrics/route';
import { parsePrometheusText } from '../helpers/prometheus-text';
import { apiRequest, jsonOf, NO_CONTEXT, startApiTestEnv, type ApiTestEnv } from './setup';

/**
 * Business metrics through the real routes, a private Redis and the demo database: N cached answers of a known
 * product move `cache/info.savings` and the `/api/metrics` counters by exactly N forecasts, and by N times the
 * measured cost of the computation that produced the cached forecast, priced at CACHE_COST_PER_CPU_SECOND.
 */
describe('savings in cache/info, /api/metrics and the history', () => {
  let env: ApiTestEnv;
  const computeMs = new Map<string, number>();

  beforeAll(async () => {
    env = await startApiTestEnv({ CACHE_COST_PER_CPU_SECOND: '0.5', CACHE_COST_CURRENCY: 'usd' });
    env.system.events.on('compute', (e) => computeMs.set(e.key, e.durationMs));
  });
  afterAll(async () => {
    await env?.close();
  });

  const ask = (product: string, days: number) =>
    predict(apiRequest(`/api/ai/predict?product=${encodeURIComponent(product)}&days=${days}`), NO_CONTEXT);
  const info = async () => jsonOf<CacheInfo>(await getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT));
  const metrics = async () => parsePrometheusText(await (await getMetrics(apiRequest('/api/metrics'), NO_CONTEXT)).text());
  const sample = (families: Awaited<ReturnType<typeof metrics>>, name: string, labels: Record<string, string> = {}) => {
    const family = families.get(name);
    expect(family?.type).toBe('counter');
    const found = family!.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(found, `${name} ${JSON.stringify(labels)}`).toBeDefined();
    return found!.value;
  };
  const product = (s: SavingsInfo, name: string) => s.top_products.find((p) => p.product === name);

  it('counts N cached forecasts of a product exactly, at the measured cost of the one computation', async () => {
    const first = await ask('Bolo', 7);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const version = (await jsonOf<PredictionResponse>(first)).model_version;
    const cost = computeMs.get(env.system.keys.prediction('Bolo', 7, undefined, version));
    expect(cost).toBeGreaterThan(0);

    const before = (await info()).savings;
    const metricsBefore = await metrics();
    const N = 5;
    for (let i = 0; i < N; i++) expect((await ask('Bolo', 7)).headers.get('x-cache')).toBe('HIT');
    const after = (await info()).savings;
    const metricsAfter = await metrics();

    expect(after).toMatchObject({ source: 'redis', currency: 'USD', cost_per_cpu_second: 0.5 });
    expect(after.forecasts_served_from_cache - before.forecasts_served_from_cache).toBe(N);
    expect(after.trainings_avoided - before.trainings_avoided).toBe(0);
    const savedS = (N * cost!) / 1000;
    expect(after.cpu_seconds_saved - before.cpu_seconds_saved).toBeCloseTo(savedS, 2);
    expect(after.cost_saved).toBeCloseTo(after.cpu_seconds_saved * 0.5, 6);
    const bolo = product(after, 'Bolo')!;
    expect(bolo.forecasts_served_from_cache - (product(before, 'Bolo')?.forecasts_served_from_cache ?? 0)).toBe(N);
    expect(bolo.cpu_seconds_saved - (product(before, 'Bolo')?.cpu_seconds_saved ?? 0)).toBeCloseTo(savedS, 2);
    expect(bolo.cost_saved).toBeCloseTo(bolo.cpu_seconds_saved * 0.5, 6);
    expect(after.top_products.length).toBeLessThanOrEqual(10);

    // /api/metrics: per process, the same hits.
    const delta = (name: string, labels?: Record<string, string>) => sample(metricsAfter, name, labels) - sample(metricsBefore, name, labels);
    expect(delta('ai_cache_forecasts_served_from_cache_total')).toBe(N);
    expect(delta('ai_cache_trainings_avoided_total')).toBe(0);
    expect(delta('ai_cache_cpu_seconds_saved_total')).toBeCloseTo(savedS, 6);
    expect(delta('ai_cache_cost_saved_total', { currency: 'USD' })).toBeCloseTo(savedS * 0.5, 6);
    // This process is the only one that served: its counters equal the shared figures.
    expect(sample(metricsAfter, 'ai_cache_forecasts_served_from_cache_total')).toBe(after.forecasts_served_from_cache);
  });

  it('counts a model hit as a training avoided, and puts the compute time saved in the history series', async () => {
    const before = (await info()).savings;
    // A new horizon: the forecast is computed, from the model cached by the first request.
    expect((await ask('Bolo', 21)).headers.get('x-cache')).toBe('MISS');
    const after = (await info()).savings;
    expect(after.trainings_avoided - before.trainings_avoided).toBe(1);
    expect(product(after, 'Bolo')!.trainings_avoided - product(before, 'Bolo')!.trainings_avoided).toBe(1);
    expect(after.cpu_seconds_saved).toBeGreaterThan(before.cpu_seconds_saved);

    const history = await jsonOf<CacheHistory>(await getHistory(apiRequest('/api/ai/cache/history?range=15m'), NO_CONTEXT));
    const savedMs = history.buckets.reduce((sum, b) => sum + b.saved_ms, 0);
    expect(savedMs / 1000).toBeCloseTo(after.cpu_seconds_saved, 2);
  });
});
