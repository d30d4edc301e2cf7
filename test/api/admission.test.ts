import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, CacheInfo, ModelInfoResponse, PredictionResponse } from '@/lib/api-types';
import { GET as predict } from '@/app/api/ai/predict/route';
import { GET as getInfo } from '@/app/api/ai/cache/info/route';
import { GET as getModel } from '@/app/api/ai/models/[product]/route';
import { waitFor } from '../helpers/redis-server';
import { apiRequest, jsonOf, NO_CONTEXT, startApiTestEnv, type ApiTestEnv } from './setup';

/**
 * Admission control through the predict route with one computation slot (FORECAST_QUEUE_MAX = 1), held by a
 * forecast whose model read waits on a database that does not answer until released: a refused recomputation is
 * answered from its grace copy, and a never-trained product is refused before its training starts.
 */
describe('admission control while another forecast holds the only slot', () => {
  let env: ApiTestEnv;
  let release: () => void = () => undefined;
  /** Each hold asks for a horizon not asked before, so its forecast is never cached already. */
  let holdDays = 7;

  beforeAll(async () => {
    env = await startApiTestEnv({ CACHE_PREDICTION_TTL: '1', CACHE_GRACE_PERIOD: '600', FORECAST_QUEUE_MAX: '1' });
    // Sonho trained, its model then dropped from the cache: its next forecast reads the model from the database.
    expect((await ask('Sonho', 14)).status).toBe(200);
  });
  afterAll(async () => {
    release();
    await env?.close();
  });

  const ask = (product: string, days: number) =>
    predict(apiRequest(`/api/ai/predict?product=${encodeURIComponent(product)}&days=${days}`), NO_CONTEXT);

  /** Starts a forecast of Sonho that holds the slot until the returned function is called; resolves once it does. */
  async function holdTheSlot(): Promise<{ done: () => Promise<Response> }> {
    await env.system.cache.delete(env.system.keys.model('Sonho'));
    env.system.clearLocal();
    const models = env.forecasting.store.models;
    const latestArtifact = models.latestArtifact.bind(models);
    let holding = false;
    const held = new Promise<void>((resolve) => {
      release = () => {
        models.latestArtifact = latestArtifact;
        release = () => undefined;
        resolve();
      };
    });
    models.latestArtifact = async (product: string) => {
      if (product === 'Sonho') {
        holding = true;
        await held;
      }
      return latestArtifact(product);
    };
    const blocked = ask('Sonho', holdDays++);
    await waitFor(() => holding, 10_000, 10, 'the slot to be taken');
    return {
      done: () => {
        release();
        return blocked;
      },
    };
  }

  it('answers the grace copy of a refused recomputation, then the refresh stores a new forecast', async () => {
    const fresh = await jsonOf<PredictionResponse>(await ask('Bolo', 7));
    const key = env.system.keys.prediction('Bolo', 7, undefined, fresh.model_version);
    await waitFor(async () => (await env.cli('EXISTS', key)) === '0', 10_000, 20, 'the forecast to expire');
    const slot = await holdTheSlot();

    const answer = await ask('Bolo', 7);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-cache')).toBe('STALE');
    expect(await jsonOf<PredictionResponse>(answer)).toMatchObject({ stale: true, model_version: fresh.model_version, forecast: fresh.forecast });
    const info = await jsonOf<CacheInfo>(await getInfo(apiRequest('/api/ai/cache/info'), NO_CONTEXT));
    expect(info.grace.recent[0]).toMatchObject({ product: 'Bolo', days: 7 });
    expect(info.grace.recent[0].reason).toContain('forecast queue is full');

    expect((await slot.done()).status).toBe(200);
    await waitFor(() => env.system.grace.refreshesPending === 0, 20_000, 20, 'the background refresh');
    const after = await ask('Bolo', 7);
    expect(after.headers.get('x-cache')).toBe('HIT');
    expect((await jsonOf<PredictionResponse>(after)).stale).toBe(false);
  });

  it('refuses the first forecast of a never-trained product before training it', async () => {
    const model = async () =>
      (await jsonOf<ModelInfoResponse>(await getModel(apiRequest('/api/ai/models/Baguete'), { params: Promise.resolve({ product: 'Baguete' }) })))
        .model;
    expect(await model()).toBeNull();
    const slot = await holdTheSlot();

    const refused = await ask('Baguete', 7);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await jsonOf<ApiError>(refused)).toMatchObject({ error: { code: 'unavailable' } });
    expect(await model()).toBeNull(); // no training ran for it

    expect((await slot.done()).status).toBe(200);
    const answered = await ask('Baguete', 7);
    expect(answered.status).toBe(200);
    expect((await model())?.version).toBe(1);
  });
});
