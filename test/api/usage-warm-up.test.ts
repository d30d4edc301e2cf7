import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, CacheInfo, UsageReport, WarmUpStatus } from '@/lib/api-types';
import { GET as getInfo } from '@/app/api/ai/cache/info/route';
import { GET as getUsage } from '@/app/api/ai/cache/usage/route';
import { GET as getStatus, POST as warmUp } from '@/app/api/ai/cache/warm-up/route';
import { GET as predict } from '@/app/api/ai/predict/route';
import { smartScheduler } from '@/lib/http/smart-warmup';
import { warmUpRunner } from '@/lib/http/warm-up-job';
import { waitFor } from '../helpers/redis-server';
import { apiRequest, jsonOf, NO_CONTEXT, startApiTestEnv, type ApiTestEnv } from './setup';

/** The usage-based warm-up (CACHE_SMART_WARMUP=usage) over real requests, real Redis and real Prophet fits. */
describe('usage-based warm-up', () => {
  let env: ApiTestEnv;

  beforeAll(async () => {
    env = await startApiTestEnv({ CACHE_SMART_WARMUP: 'usage', CACHE_WARMUP_TOP_K: '2' });
  });
  afterAll(async () => {
    await warmUpRunner().idle();
    await env?.close();
  });

  const ask = async (product: string, days: number) => {
    const response = await predict(apiRequest(`/api/ai/predict?product=${encodeURIComponent(product)}&days=${days}`), NO_CONTEXT);
    expect(response.status).toBe(200);
  };
  const status = async () => (await jsonOf<WarmUpStatus>(await getStatus(apiRequest('/api/ai/cache/warm-up'), NO_CONTEXT))).job;

  it('warms the K most requested pairs of every instance, and only their products’ models', async () => {
    for (let i = 0; i < 3; i++) await ask('Bolo', 7);
    await ask('Sonho', 30);
    await ask('Sonho', 30);
    await ask('Coxinha', 14);
    // Another instance's callers count too (the counts are shared through Redis).
    env.other.usage.record('Sonho', 30);
    await env.other.usage.flush();
    await env.system.clear('all');

    const accepted = await warmUp(apiRequest('/api/ai/cache/warm-up', { method: 'POST' }), NO_CONTEXT);
    expect(accepted.status).toBe(202);
    await waitFor(async () => (await status())?.state !== 'running', 120_000, 50, 'the warm-up to finish');
    // One job per product (Bolo: 7 days, Sonho: 30 days: its model, then its forecast), then the product list.
    expect(await status()).toMatchObject({ state: 'done', total: 3, done: 3, failed: 0, errors: [] });

    expect((await env.forecasting.predictDemandDetailed('Sonho', 30)).cached).toBe(true);
    expect((await env.forecasting.predictDemandDetailed('Bolo', 7)).cached).toBe(true);
    expect(env.system.inspectLocal(env.system.keys.model('Coxinha'))).toBeUndefined();
    expect(await env.system.cache.has(env.system.keys.model('Coxinha'))).toBe(false);
  });

  it('refreshes a cached forecast in place: a full TTL again, still a hit', async () => {
    await env.forecasting.predictDemand('Croissant', 7);
    const key = await env.system.cache.ttl(env.system.keys.prediction('Croissant', 7, undefined, 1));
    expect(key).toBeGreaterThan(0);
    await env.forecasting.refreshPrediction('Croissant', 7);
    expect(await env.forecasting.predictionTtl('Croissant', 7)).toBeGreaterThan(env.system.options.ttl.predictions - 5);
    expect((await env.forecasting.predictDemandDetailed('Croissant', 7)).cached).toBe(true);
    expect(await env.forecasting.predictionTtl('Coxinha', 90)).toBeLessThan(0);
  });

  it('the predictive scheduler loads the top pairs asked this hour that are not cached, under its lock', async () => {
    await env.system.clear('predictions');
    const run = await smartScheduler().run();
    expect(run.outcome).toBe('ran');
    // The CACHE_WARMUP_TOP_K (2) pairs asked most this hour; Coxinha's single request is beyond K.
    expect(run.refreshed).toEqual(['Bolo:7', 'Sonho:30']);
    expect(await env.forecasting.predictionTtl('Sonho', 30)).toBeGreaterThan(0);
    expect(await env.forecasting.predictionTtl('Coxinha', 14)).toBeLessThan(0);
    // While another instance runs it, this one does nothing.
    let release!: () => void;
    const held = env.other.lock('smart-warm-up', 30_000, () => new Promise<void>((resolve) => (release = resolve)));
    await waitFor(() => release !== undefined, 5_000, 10, 'the other instance to hold the lock');
    expect((await smartScheduler().run()).outcome).toBe('elsewhere');
    release();
    await held;
  });

  it('GET /api/ai/cache/usage: the heat map of every instance, the plan, and 400 on a bad window', async () => {
    const response = await getUsage(apiRequest('/api/ai/cache/usage?hours=3'), NO_CONTEXT);
    expect(response.status).toBe(200);
    const report = await jsonOf<UsageReport>(response);
    expect(report).toMatchObject({ mode: 'usage', source: 'redis' });
    expect(report.hours).toHaveLength(3);
    // Summed over the window: the requests may straddle an hour boundary.
    const sum = (xs: number[] | undefined) => (xs ?? []).reduce((a, b) => a + b, 0);
    const row = (product: string) => report.heatmap.find((r) => r.product === product)?.counts;
    expect(sum(row('Bolo'))).toBe(3);
    expect(sum(row('Sonho'))).toBe(3);
    expect(row('Bolo')).toHaveLength(3);
    expect(sum(report.volume.actual)).toBe(7);
    expect(report.volume.predicted).toEqual([]); // no forecast outside predictive mode
    expect(report.planned_warm_up.basis).toBe('usage');
    expect(report.planned_warm_up.pairs.map((p) => `${p.product}:${p.days}:${p.count}`)).toEqual(['Bolo:7:3', 'Sonho:30:3']);

    for (const bad of ['0', '169', 'abc', '1.5']) {
      const refused = await getUsage(apiRequest(`/api/ai/cache/usage?hours=${bad}`), NO_CONTEXT);
      expect(refused.status, bad).toBe(400);
      expect((await jsonOf<ApiError>(refused)).error.code).toBe('bad_request');
    }
  });

  it('cache/info reports the smart warm-up: mode, K, basis and the planned pairs within the budget', async () => {
    const info = await jsonOf<CacheInfo>(await getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT));
    expect(info.smart_warmup).toMatchObject({ mode: 'usage', top_k: 2, basis: 'usage', usage_dropped: 0, scheduler: null });
    expect(info.smart_warmup.planned_pairs.map((p) => p.product)).toEqual(['Bolo', 'Sonho']);
    expect(info.smart_warmup.estimated_bytes).toBeGreaterThan(0);
    expect(info.smart_warmup.estimated_bytes).toBeLessThanOrEqual(info.smart_warmup.budget_bytes);
  });
});
