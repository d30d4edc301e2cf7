import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheSystem } from '@/lib/redis-cache';
import { openDatabase, type SqliteDatabase } from '@/lib/forecasting/database';
import type { FitRunner } from '@/lib/forecasting/forecaster';
import { TrainingWorker } from '@/lib/forecasting/training-worker';
import { createForecastingService, type ForecastingService } from '@/lib/forecasting/service';
import { startRedisServer, waitFor, type RedisServerHandle } from '../helpers/redis-server';
import { makeSystem, redisClientOf, silentLogger } from '../redis-cache/setup';

/**
 * The cached forecasting operations against a real redis-server, as two instances (two cache systems with the
 * same prefix, two connections to one database file) would run them.
 */
describe('forecasting service behind the cache', () => {
  let redis: RedisServerHandle;
  let dir: string;
  let dbA: SqliteDatabase;
  let dbB: SqliteDatabase;
  let cacheA: CacheSystem;
  let cacheB: CacheSystem;
  let a: ForecastingService;
  let b: ForecastingService;
  const fits: string[] = [];
  // Fits run in a worker thread, as in the server: a fit on the main thread would block it for a few hundred ms
  // and make the test's short Redis command timeout open the circuit breaker (the lock then goes in-process only).
  const worker = new TrainingWorker();
  const countingFit: FitRunner = (input) => {
    fits.push(String(input.y.length));
    return worker.fit(input);
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forecasting-service-'));
    const file = path.join(dir, 'sales.db');
    dbA = openDatabase(file);
    dbB = openDatabase(file);
    cacheA = makeSystem(redis.url);
    const prefix = cacheA.options.prefix;
    cacheB = makeSystem(redis.url, { prefix });
    expect(cacheB.options.prefix).toBe(prefix);
    a = await createForecastingService({
      db: dbA,
      cache: cacheA,
      fit: countingFit,
      logger: silentLogger,
      seedDemoData: true,
      demoEndDate: '2026-10-31',
    });
    b = await createForecastingService({
      db: dbB,
      cache: cacheB,
      fit: countingFit,
      logger: silentLogger,
      seedDemoData: true,
      demoEndDate: '2026-10-31',
    });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await worker.close();
    await cacheA?.close();
    await cacheB?.close();
    dbA?.close();
    dbB?.close();
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function keyCount(): Promise<number> {
    const keys = await redis.cli('--scan', '--pattern', `${cacheA.options.prefix}:*`);
    return keys ? keys.split('\n').filter((k) => !k.includes(':_meta:')).length : 0;
  }

  it('serves cached forecasts equal to uncached ones, from L1 and from Redis on another instance', async () => {
    const miss = await a.predictDemandDetailed('Bolo', 14);
    expect(miss.cached).toBe(false);
    expect(miss.value).toMatchObject({ product: 'Bolo', days: 14, modelVersion: 1 });
    expect(miss.value.forecast.length).toBe(14);

    const hit = await a.predictDemandDetailed('Bolo', 14);
    expect(hit).toMatchObject({ cached: true, tier: 'l1' });
    expect(hit.value).toEqual(miss.value);

    const remote = await b.predictDemandDetailed('Bolo', 14);
    expect(remote).toMatchObject({ cached: true, tier: 'l2' });
    expect(remote.value).toEqual(miss.value);

    // Uncached: rebuild from the database and forecast, no cache involved.
    const forecaster = a.forecaster;
    const uncached = forecaster.predict(await forecaster.loadModel('Bolo'), 14);
    expect(uncached.forecast).toEqual(miss.value.forecast);

    // The model itself through Redis: instance B rebuilds it from the cached artifact.
    const model = await b.loadModelDetailed('Bolo');
    expect(model).toMatchObject({ cached: true, tier: 'l2' });
    expect(forecaster.predict(model.value, 30).forecast).toEqual(forecaster.predict(await forecaster.loadModel('Bolo'), 30).forecast);
  });

  it("the seed's getModel and the service's loadModel agree on what a model entry holds (one entry, one codec)", async () => {
    await a.loadModel('Bolo'); // the model's artifact is in Redis
    // A third instance with an empty L1, used as a user of the seed's API would: a manual getModel (a Redis hit)...
    const cacheC = makeSystem(redis.url, { prefix: cacheA.options.prefix });
    const dbC = openDatabase(path.join(dir, 'sales.db'));
    const c = await createForecastingService({ db: dbC, cache: cacheC, fit: countingFit, logger: silentLogger, seedDemoData: false });
    try {
      const manual = await cacheC.models.getModel('Bolo');
      expect(manual).toBeDefined();
      // ...then the service's own path on the same entry: a live model, not whatever getModel decoded.
      const prediction = await c.predictDemand('Bolo', 9);
      expect(prediction.forecast.length).toBe(9);
      const model = await c.loadModel('Bolo');
      expect(typeof model.version).toBe('number');
      expect(c.forecaster.predict(model, 9).forecast).toEqual(prediction.forecast);
    } finally {
      await c.close();
      await cacheC.close();
      dbC.close();
    }
  });

  it('lists products through the products cache, with model versions', async () => {
    await cacheA.clear('products');
    const first = await a.listProductsDetailed();
    expect(first.cached).toBe(false);
    expect(first.value.map((p) => p.name)).toEqual(expect.arrayContaining(['Pão de Açúcar', 'Bolo', 'Pão Francês', 'Croissant']));
    const again = await a.listProductsDetailed();
    expect(again.cached).toBe(true);
    expect(again.value).toEqual(first.value);
    // In pt-BR order, not the database's byte order: "Pão de Açúcar" before "Pão de Queijo" before "Pão Francês".
    const names = first.value.map((p) => p.name).filter((n) => n.startsWith('Pão'));
    expect(names).toEqual(['Pão de Açúcar', 'Pão de Queijo', 'Pão Francês', 'Pão Integral']);
  });

  it('retrain stores a new version and makes every older forecast and model unreachable, on both instances', async () => {
    const before = await a.predictDemand('Croissant', 7);
    await b.predictDemand('Croissant', 7); // B now holds Croissant's model and forecast too
    const listed = await a.listProducts();
    expect(listed.find((p) => p.name === 'Croissant')!.modelVersion).toBe(before.modelVersion);

    const result = await a.retrain('Croissant');
    expect(result).toMatchObject({ product: 'Croissant', version: before.modelVersion + 1, previousVersion: before.modelVersion });
    expect(result.trainingMs).toBeGreaterThan(0);

    const afterA = await a.predictDemandDetailed('Croissant', 7);
    expect(afterA.cached).toBe(false);
    expect(afterA.value.modelVersion).toBe(result.version);
    const afterB = await b.predictDemandDetailed('Croissant', 7);
    expect(afterB.value.modelVersion).toBe(result.version);
    expect((await b.loadModel('Croissant')).version).toBe(result.version);
    expect((await a.listProducts()).find((p) => p.name === 'Croissant')!.modelVersion).toBe(result.version);
  });

  it('never serves a product list from before a retrain, even when the retrain’s delete of it is lost', async () => {
    await a.predictDemand('Baguete', 7);
    const listed = await a.listProducts();
    const version = listed.find((p) => p.name === 'Baguete')!.modelVersion!;
    const listKeys = async () => (await redis.cli('--scan', '--pattern', `${cacheA.options.prefix}:products_list*`)).split('\n').filter(Boolean);
    const [oldKey] = await listKeys();
    // As bytes: the list is stored compressed (a zstd frame is not text redis-cli can carry).
    const client = redisClientOf(cacheA);
    const oldEntry = (await client.getBuffer(oldKey!))!;
    await a.retrain('Baguete');
    // A Redis failover can drop an acknowledged DEL: put the old list back where it was.
    await client.set(oldKey!, oldEntry, 'EX', 600);
    cacheB.clearLocal();
    expect((await b.listProducts()).find((p) => p.name === 'Baguete')!.modelVersion).toBe(version + 1);
    expect((await a.listProducts()).find((p) => p.name === 'Baguete')!.modelVersion).toBe(version + 1);
  });

  it('a value planted in Redis that is not a forecast or a product list is a miss, recomputed — never handed out', async () => {
    const version = (await a.predictDemand('Broa de Milho', 7)).modelVersion;
    const key = cacheA.keys.prediction('Broa de Milho', 14, undefined, version);
    for (const planted of ['null', '{"product":"Sonho"}', '~{"$t":"BigInt","v":"12"}', '"a string"', '[1,2,3]']) {
      await redis.cli('SET', key, planted, 'EX', '300');
      cacheA.clearLocal();
      const result = await a.predictDemandDetailed('Broa de Milho', 14);
      expect(result.cached, planted).toBe(false);
      expect(result.value).toMatchObject({ product: 'Broa de Milho', days: 14, modelVersion: version });
      expect(result.value.forecast).toHaveLength(14);
    }
    await a.listProducts();
    const listKeys = (await redis.cli('--scan', '--pattern', `${cacheA.options.prefix}:products_list*`)).split('\n').filter(Boolean);
    expect(listKeys.length).toBeGreaterThan(0);
    for (const listKey of listKeys) await redis.cli('SET', listKey, 'null', 'EX', '300');
    cacheA.clearLocal();
    const listed = await a.listProductsDetailed();
    expect(listed.cached).toBe(false);
    expect(listed.value.map((p) => p.name)).toContain('Sonho');
  });

  it('never serves a forecast of an older model after retrain returns, even with a stale model cached on an instance', async () => {
    const old = await b.loadModel('Pão de Açúcar');
    const { version } = await a.retrain('Pão de Açúcar');
    expect(version).toBe(old.version + 1);
    // As if B missed the invalidation (or a load racing the retrain re-cached the old model afterwards).
    await cacheB.cache.set(cacheB.keys.model('Pão de Açúcar'), old, 3600, { type: 'models', l1Only: true });
    const prediction = await b.predictDemand('Pão de Açúcar', 10);
    expect(prediction.modelVersion).toBe(version);
    expect((await b.loadModel('Pão de Açúcar')).version).toBe(version);
  });

  it('a prediction racing a retrain: once retrain has returned, only the new version is served', async () => {
    for (let round = 0; round < 3; round++) {
      await cacheA.clear({ product: 'Pão Francês' });
      const racing = a.predictDemand('Pão Francês', 21); // a miss computing while the retrain runs
      const racingB = b.predictDemand('Pão Francês', 21);
      const retrained = await a.retrain('Pão Francês');
      for (const service of [a, b]) {
        const next = await service.predictDemand('Pão Francês', 21);
        expect(next.modelVersion).toBe(retrained.version);
      }
      const late = await Promise.all([racing, racingB]);
      expect(late.every((p) => p.modelVersion >= retrained.version - 1)).toBe(true);
      // The racing computations finished (and cached) after the retrain: still only the new version is served.
      for (const service of [a, b]) expect((await service.predictDemand('Pão Francês', 21)).modelVersion).toBe(retrained.version);
    }
  });

  it('concurrent first requests for an untrained product train it once, across both instances', async () => {
    expect(await a.forecaster.models.latestVersion('Sonho')).toBeNull();
    const before = fits.length;
    const results = await Promise.all([
      a.predictDemand('Sonho', 7),
      b.predictDemand('Sonho', 7),
      a.predictDemand('Sonho', 30),
      b.loadModel('Sonho'),
      a.loadModel('Sonho'),
    ]);
    expect(fits.length - before).toBe(1);
    expect(results.map((r) => ('modelVersion' in r ? r.modelVersion : r.version))).toEqual([1, 1, 1, 1, 1]);
  });

  it('concurrent retrains of one product fit once', async () => {
    const before = fits.length;
    const [r1, r2] = await Promise.all([a.retrain('Bolo'), b.retrain('Bolo')]);
    expect(fits.length - before).toBe(1);
    expect(r1.version).toBe(r2.version);
  });

  it('bad input is rejected before any cache is touched', async () => {
    await waitFor(async () => (await keyCount()) > 0, 5000, 20, 'keys in Redis');
    const keys = await keyCount();
    const stats = JSON.stringify(cacheA.localCounters().total);
    await expect(a.predictDemandDetailed('Pão de Ló', 7)).rejects.toMatchObject({ code: 'unknown_product' });
    await expect(a.predictDemandDetailed('x'.repeat(300), 7)).rejects.toMatchObject({ code: 'unknown_product' });
    for (const days of [0, -1, 366, 2.5, Number.NaN])
      await expect(a.predictDemandDetailed('Bolo', days)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(a.loadModel('Pão de Ló')).rejects.toMatchObject({ code: 'unknown_product' });
    await expect(a.retrain('Pão de Ló')).rejects.toMatchObject({ code: 'unknown_product' });
    expect(await keyCount()).toBe(keys);
    expect(JSON.stringify(cacheA.localCounters().total)).toBe(stats);
  });
});

describe('forecasting service with Redis unreachable', () => {
  it('keeps answering from the memory tier: forecasts, retrain, product list; first loads still train once', async () => {
    const db = openDatabase(':memory:');
    const cache = makeSystem(null);
    const worker = new TrainingWorker();
    let fits = 0;
    const service = await createForecastingService({
      db,
      cache,
      logger: silentLogger,
      seedDemoData: true,
      demoEndDate: '2026-10-31',
      fit: (input) => {
        fits++;
        return worker.fit(input);
      },
    });
    try {
      const first = await Promise.all([service.predictDemandDetailed('Brigadeiro', 7), service.predictDemandDetailed('Brigadeiro', 7)]);
      expect(fits).toBe(1);
      expect(first.map((r) => r.value.modelVersion)).toEqual([1, 1]);
      const hit = await service.predictDemandDetailed('Brigadeiro', 7);
      expect(hit.cached).toBe(true);
      expect(hit.value.forecast).toEqual(first[0]!.value.forecast);
      expect(cache.backend).toBe('memory');

      const retrained = await service.retrain('Brigadeiro');
      expect(retrained.version).toBe(2);
      const after = await service.predictDemandDetailed('Brigadeiro', 7);
      expect(after).toMatchObject({ cached: false, value: { modelVersion: 2 } });
      expect((await service.listProducts()).find((p) => p.name === 'Brigadeiro')!.modelVersion).toBe(2);
    } finally {
      await service.close();
      await worker.close();
      await cache.close();
      db.close();
    }
  });
});
