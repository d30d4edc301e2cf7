import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as predict } from '@/app/api/ai/predict/route';
import { createForecastingService, type ForecastingService } from '@/lib/forecasting/service';
import { forecastDemand } from '@/lib/forecasting/forecast';
import { ForecastAdmission } from '@/lib/forecasting/forecast-admission';
import type { ForecastPool } from '@/lib/forecasting/forecast-pool';
import { fitModel } from '@/lib/forecasting/prophet-model';
import { useForecastingServiceForTests } from '@/lib/http/forecasting-access';
import { socketStampHeader } from '@/lib/http/socket-address';
import { waitFor } from '../helpers/redis-server';
import { apiRequest, NO_CONTEXT, startApiTestEnv, type ApiTestEnv } from './setup';

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
