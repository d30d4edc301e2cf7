import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelInfoResponse, PredictionResponse, ProductsResponse, RetrainResponse, SalesHistoryResponse } from '@/lib/api-types';
import { openDatabase, type SqliteDatabase } from '@/lib/forecasting/database';
import { createForecastingService, setForecastingServiceForTests, type ForecastingService } from '@/lib/forecasting/service';
import { resetCacheSystemForTests, type CacheSystem } from '@/lib/redis-cache';
import { GET as getModel } from '@/app/api/ai/models/[product]/route';
import { GET as getRetrain, POST as postRetrain } from '@/app/api/ai/models/[product]/retrain/route';
import { GET as getPredict } from '@/app/api/ai/predict/route';
import { GET as getHistory } from '@/app/api/ai/products/[name]/history/route';
import { GET as getProducts } from '@/app/api/ai/products/route';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server';
import { silentLogger } from '../redis-cache/setup';
import { cacheSystemOptions } from '@/lib/config/cache-system';
import { socketStampHeader } from '@/lib/http/socket-address';

/** A management call as the front door hands it on from this host (see lib/http/socket-address.ts). */
const fromThisHost = () => ({ [socketStampHeader()]: '127.0.0.1' });

/** The forecasting route handlers, called as Next calls them, over a real redis-server and a demo database. */
describe('forecasting HTTP routes', () => {
  let redis: RedisServerHandle;
  let dir: string;
  let db: SqliteDatabase;
  let cache: CacheSystem;
  let service: ForecastingService;
  const base = 'http://localhost:5001';
  const acucar = encodeURIComponent('Pão de Açúcar');

  beforeAll(async () => {
    redis = await startRedisServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forecasting-routes-'));
    db = openDatabase(path.join(dir, 'sales.db'));
    cache = (await resetCacheSystemForTests(
      cacheSystemOptions({ REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT: '0.5', CACHE_PREFIX: `routes${process.pid}` }, silentLogger),
    ))!;
    service = await createForecastingService({ db, cache, logger: silentLogger, seedDemoData: true, demoEndDate: '2026-10-31' });
    setForecastingServiceForTests(service);
  });

  afterAll(async () => {
    setForecastingServiceForTests(undefined);
    await service?.close();
    await resetCacheSystemForTests();
    db?.close();
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const params = <T>(value: T) => ({ params: Promise.resolve(value) });

  async function cachedKeys(): Promise<number> {
    const keys = await redis.cli('--scan', '--pattern', `${cache.options.prefix}:*`);
    return keys ? keys.split('\n').filter((k) => !k.includes(':_meta:')).length : 0;
  }

  it('GET /api/ai/predict: seven days with intervals, MISS then HIT, X-Cache and Server-Timing', async () => {
    const url = `${base}/api/ai/predict?product=${acucar}&days=7`;
    const first = await getPredict(new Request(url), undefined);
    expect(first.status).toBe(200);
    expect(first.headers.get('X-Cache')).toBe('MISS');
    expect(first.headers.get('Server-Timing')).toMatch(/total;dur=\d/);
    const body = (await first.json()) as PredictionResponse;
    expect(body).toMatchObject({ product: 'Pão de Açúcar', days: 7, model_version: 1, cached: false });
    expect(body.forecast.map((p) => p.date)).toEqual([
      '2026-11-01',
      '2026-11-02',
      '2026-11-03',
      '2026-11-04',
      '2026-11-05',
      '2026-11-06',
      '2026-11-07',
    ]);
    for (const p of body.forecast) expect(p.yhat_lower <= p.yhat && p.yhat <= p.yhat_upper).toBe(true);

    const second = await getPredict(new Request(url), undefined);
    expect(second.headers.get('X-Cache')).toBe('HIT');
    const again = (await second.json()) as PredictionResponse;
    expect(again.cached).toBe(true);
    expect(again.forecast).toEqual(body.forecast);
    expect(again.model_version).toBe(body.model_version);
  });

  it('POST …/retrain changes model_version and the next prediction is a MISS of the new version', async () => {
    const res = await postRetrain(
      new Request(`${base}/api/ai/models/${acucar}/retrain`, { method: 'POST', headers: fromThisHost() }),
      params({ product: 'Pão de Açúcar' }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as RetrainResponse;
    expect(body).toMatchObject({ product: 'Pão de Açúcar', model_version: 2, previous_version: 1 });
    expect(body.training_ms).toBeGreaterThan(0);

    const next = await getPredict(new Request(`${base}/api/ai/predict?product=${acucar}&days=7`), undefined);
    expect(next.headers.get('X-Cache')).toBe('MISS');
    expect(((await next.json()) as PredictionResponse).model_version).toBe(2);

    const info = (await (
      await getModel(new Request(`${base}/api/ai/models/${acucar}`), params({ product: 'Pão de Açúcar' }))
    ).json()) as ModelInfoResponse;
    expect(info.model).toMatchObject({ version: 2, training_window: { end: '2026-10-31' } });
    expect((await getRetrain()).status).toBe(405);
  });

  it('GET /api/ai/products and …/history', async () => {
    const list = (await (await getProducts(new Request(`${base}/api/ai/products`), undefined)).json()) as ProductsResponse;
    expect(list.count).toBeGreaterThanOrEqual(12);
    expect(list.products.find((p) => p.name === 'Pão de Açúcar')).toMatchObject({ model_version: 2, last_sale_date: '2026-10-31' });
    const history = await getHistory(new Request(`${base}/api/ai/products/Bolo/history?days=5`), params({ name: 'Bolo' }));
    const h = (await history.json()) as SalesHistoryResponse;
    expect(h.points.map((p) => p.date)).toEqual(['2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30', '2026-10-31']);
    const byDefault = (await (
      await getHistory(new Request(`${base}/api/ai/products/Bolo/history`), params({ name: 'Bolo' }))
    ).json()) as SalesHistoryResponse;
    expect(byDefault.points.length).toBe(60);
  });

  it('bad input: 400 / 404 in the API error shape, and no cache entry created', async () => {
    const before = await cachedKeys();
    const cases: [string, number][] = [
      [`product=${acucar}`, 400],
      [`product=${acucar}&days=0`, 400],
      [`product=${acucar}&days=366`, 400],
      [`product=${acucar}&days=2.5`, 400],
      [`product=${acucar}&days=seven`, 400],
      [`product=${acucar}&days=-3`, 400],
      [`days=7`, 400],
      [`product=${'x'.repeat(201)}&days=7`, 400],
      [`product=${encodeURIComponent('Bo\u202elo')}&days=7`, 400], // a bidi override: a look-alike name
      [`product=${encodeURIComponent('Bo\u200blo')}&days=7`, 400], // a zero-width space
      [`product=${encodeURIComponent('Bolo\u0085')}&days=7`, 400], // a C1 control
      [`product=${encodeURIComponent('Pão de Ló')}&days=7`, 404],
      [`product=${encodeURIComponent('*')}&days=7`, 404],
    ];
    for (const [query, status] of cases) {
      const res = await getPredict(new Request(`${base}/api/ai/predict?${query}`), undefined);
      expect(res.status, query).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(status === 404 ? 'not_found' : 'bad_request');
    }
    expect((await getModel(new Request(`${base}/api/ai/models/x`), params({ product: 'Pão de Ló' }))).status).toBe(404);
    expect((await getHistory(new Request(`${base}/api/ai/products/Bolo/history?days=731`), params({ name: 'Bolo' }))).status).toBe(400);
    expect((await getHistory(new Request(`${base}/api/ai/products/x/history`), params({ name: 'Pão de Ló' }))).status).toBe(404);
    const retrainUnknown = await postRetrain(
      new Request(`${base}/api/ai/models/x/retrain`, { method: 'POST', headers: fromThisHost() }),
      params({ product: 'Pão de Ló' }),
    );
    expect(retrainUnknown.status).toBe(404);
    expect(await cachedKeys()).toBe(before);
  });
});
