import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, CacheInfo, PredictionResponse } from '@/lib/api-types';
import { GET as predict } from '@/app/api/ai/predict/route';
import { GET as getInfo } from '@/app/api/ai/cache/info/route';
import { GET as getMetrics } from '@/app/api/metrics/route';
import { DatabaseUnavailableError } from '@/lib/forecasting/postgres/connection';
import { waitFor } from '../helpers/redis-server';
import { apiRequest, jsonOf, NO_CONTEXT, startApiTestEnv, type ApiTestEnv } from './setup';

/**
 * Grace through the predict route: the forecasts live 1 s; "the database is down" is the model store failing its
 * reads while the version index still answers (PostgreSQL within the instance's version lease), with the model
 * gone from the cache, so recomputing a forecast fails.
 */
describe('predict with grace copies (CACHE_GRACE_PERIOD)', () => {
  let env: ApiTestEnv;
  let restore: () => void = () => undefined;

  beforeAll(async () => {
    env = await startApiTestEnv({ CACHE_PREDICTION_TTL: '1', CACHE_GRACE_PERIOD: '600' });
  });
  afterAll(async () => {
    restore();
    await env?.close();
  });

  const ask = (product: string, days: number) =>
    predict(apiRequest(`/api/ai/predict?product=${encodeURIComponent(product)}&days=${days}`), NO_CONTEXT);

  /** Model reads fail from now on, the cached model is gone, and the forecast's own entry has expired. */
  async function databaseDown(product: string, days: number, version: number): Promise<void> {
    const models = env.forecasting.store.models;
    const latestArtifact = models.latestArtifact.bind(models);
    models.latestArtifact = () => Promise.reject(new DatabaseUnavailableError('db.test:5432/sales', new Error('connect ECONNREFUSED')));
    restore = () => {
      models.latestArtifact = latestArtifact;
      restore = () => undefined;
    };
    await env.system.cache.delete(env.system.keys.model(product));
    const key = env.system.keys.prediction(product, days, undefined, version);
    await waitFor(async () => (await env.cli('EXISTS', key)) === '0', 10_000, 20, 'the forecast to expire');
    env.system.clearLocal();
  }

  it('serves the last good forecast with X-Cache: STALE and Age while the database is down, then the refresh replaces it', async () => {
    const first = await ask('Bolo', 7);
    expect(first.status).toBe(200);
    const fresh = await jsonOf<PredictionResponse>(first);
    expect(fresh.stale).toBe(false);
    expect(fresh.stale_age_s).toBeUndefined();

    await databaseDown('Bolo', 7, fresh.model_version);
    const answer = await ask('Bolo', 7);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-cache')).toBe('STALE');
    expect(answer.headers.get('age')).toMatch(/^\d+$/);
    const stale = await jsonOf<PredictionResponse>(answer);
    expect(stale).toMatchObject({ stale: true, cached: true, model_version: fresh.model_version, forecast: fresh.forecast });
    expect(stale.stale_age_s).toBe(Number(answer.headers.get('age')));
    expect(env.system.grace.refreshesPending).toBe(1);
    const info = await jsonOf<CacheInfo>(await getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT));
    expect(info.grace).toMatchObject({ period_s: 600, stale_served: 1, refreshes_pending: 1, stale_served_all_instances: 1 });
    // The recent grace events (shared through Redis): which forecast, how old the copy was, why.
    expect(info.grace.recent).toHaveLength(1);
    expect(info.grace.recent[0]).toMatchObject({ product: 'Bolo', days: 7, age_s: stale.stale_age_s });
    expect(info.grace.recent[0].reason).toContain('db.test:5432/sales');
    expect(Date.parse(info.grace.recent[0].at)).not.toBeNaN();
    const metrics = await (await getMetrics(apiRequest('/api/metrics'), NO_CONTEXT)).text();
    expect(metrics).toMatch(/^ai_cache_stale_served_total\{type="predictions"\} 1$/m);

    restore(); // the database is back: the background refresh recomputes and stores the forecast
    await waitFor(() => env.system.grace.refreshesPending === 0, 20_000, 20, 'the background refresh');
    const after = await ask('Bolo', 7);
    expect(after.headers.get('x-cache')).toBe('HIT');
    expect((await jsonOf<PredictionResponse>(after)).stale).toBe(false);
  });

  it('never serves a grace copy across a retrain: a forecast of the new version that cannot be computed is a 503', async () => {
    const first = await jsonOf<PredictionResponse>(await ask('Sonho', 14));
    await env.forecasting.retrain('Sonho');
    const version = first.model_version + 1;
    await databaseDown('Sonho', 14, version);
    const answer = await ask('Sonho', 14);
    expect(answer.status).toBe(503);
    expect(await jsonOf<ApiError>(answer)).toMatchObject({ error: { code: 'unavailable' } });
    restore();
  });
});
