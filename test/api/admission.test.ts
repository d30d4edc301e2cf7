import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, CacheInfo, ModelInfoResponse, PredictionResponse } from '@/lib/api-types';
import { GET as getInfo } from '@/app/api/ai/cache/info/route';
import { GET as getModel } from '@/app/api/ai/models/[product]/route';
import { GET as predict } from '@/app/api/ai/predict/route';
import { createForecastingService, type ForecastingService } from '@/lib/forecasting/service';
import { forecastDemand } from '@/lib/forecasting/forecast';
import { ForecastAdmission } from '@/lib/forecasting/forecast-admission';
import type { ForecastPool } from '@/lib/forecasting/forecast-pool';
import { fitModel } from '@/lib/forecasting/prophet-model';
import { useForecastingServiceForTests } from '@/lib/http/forecasting-access';
import { socketStampHeader } from '@/lib/http/socket-address';
import { waitFor } from '../helpers/redis-server';
import { apiRequest, jsonOf, NO_CONTEXT, startApiTestEnv, type ApiTestEnv } from './setup';

/**
 * Admission control through the predict route, on real Redis: a client over its share of computations gets 429,
 * a full queue 503 (both with Retry-After and the JSON error), and another client's cached forecast is answered
 * while every computation is held. Computations are held by a gate in front of the forecast (the pool's seam),
 * so the test decides when they finish instead of racing the machine's speed.
 */
describe('forecast admission (429 per client, 503 when the queue is full)', () => {
  let env: ApiTestEnv;
  let service: ForecastingService;
  let open = true;
  let release: () => void = () => {};
  let gate = Promise.resolve();

  beforeAll(async () => {
    env = await startApiTestEnv();
    const gatedPool = {
      size: 1,
      forecast: async (model: Parameters<ForecastPool['forecast']>[0], days: number) => {
        if (!open) await gate;
        return forecastDemand(model, days);
      },
      close: async () => {},
    } as unknown as ForecastPool;
    service = await createForecastingService({
      db: env.db,
      fit: fitModel,
      seedDemoData: false,
      forecastPool: gatedPool,
      admission: new ForecastAdmission({ maxQueue: 3, maxPerClient: 2 }),
    });
    useForecastingServiceForTests(service);
  });
  afterAll(async () => {
    release();
    await service?.close();
    await env?.close();
  });

  const from = (client: string, days: number) =>
    predict(apiRequest(`/api/ai/predict?product=Bolo&days=${days}`, { headers: { [socketStampHeader()]: client } }), NO_CONTEXT);

  it('refuses over the limits with Retry-After, serves cached answers meanwhile, and completes what it admitted', async () => {
    expect((await from('192.0.2.2', 7)).status).toBe(200); // cached for client B, before the gate closes
    open = false;
    gate = new Promise<void>((resolve) => (release = resolve));

    const a = [100, 101, 102, 103, 104, 105].map((days) => from('192.0.2.1', days));
    await waitFor(async () => service.admission.stats().inFlight === 2, 10_000, 5, 'two computations of client A admitted');
    const c = from('192.0.2.3', 200);
    await waitFor(async () => service.admission.stats().inFlight === 3, 10_000, 5, "client C's computation admitted");
    const d = await from('192.0.2.4', 201);
    expect(d.status).toBe(503);
    expect(d.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await d.json()).toMatchObject({ error: { code: 'unavailable' } });

    const cached = await from('192.0.2.2', 7);
    expect(cached.status).toBe(200);
    expect(cached.headers.get('x-cache')).toBe('HIT');

    open = true;
    release();
    const answers = await Promise.all([...a, c]);
    const statuses = answers.map((response) => response.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    for (const refused of answers.filter((response) => response.status === 429)) {
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    }
    expect(service.admission.stats()).toEqual({ inFlight: 0, refused: { client: 4, queue: 1 } });
  });
});

/**
 * One computation slot (FORECAST_QUEUE_MAX = 1), held by a forecast whose model read waits on a database that does
 * not answer until released: a refused recomputation is answered from its grace copy, and a never-trained product is
 * refused before its training starts.
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
