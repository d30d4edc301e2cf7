import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '@/lib/forecasting/database';
import { seedDemoHistoryIfEmpty } from '@/lib/forecasting/demo-seed';
import { forecastDemand } from '@/lib/forecasting/forecast';
import { AdmissionRefusedError, ForecastAdmission, isAdmissionRefused, withForecastClient } from '@/lib/forecasting/forecast-admission';
import { ForecastPool } from '@/lib/forecasting/forecast-pool';
import { Forecaster } from '@/lib/forecasting/forecaster';
import { fitModel, type LiveModel } from '@/lib/forecasting/prophet-model';
import { sqliteStore } from '@/lib/forecasting/sqlite-store';

/** The forecast pool computes in real worker threads exactly what the main thread computes. */
describe('ForecastPool', () => {
  let db: SqliteDatabase;
  let models: LiveModel[];

  beforeAll(async () => {
    db = openDatabase(':memory:');
    const forecaster = new Forecaster({ store: sqliteStore(db), fit: fitModel });
    await seedDemoHistoryIfEmpty(forecaster.sales, '2026-10-31');
    models = [await forecaster.loadModel('Bolo'), await forecaster.loadModel('Croissant')];
  });
  afterAll(() => db.close());

  it('gives the same numbers as the main thread, over two workers, for many horizons at once', async () => {
    const pool = new ForecastPool({ size: 2, nice: 5 });
    try {
      const tasks = models.flatMap((model) => [1, 7, 30, 365].map((days) => ({ model, days })));
      const results = await Promise.all(tasks.map(({ model, days }) => pool.forecast(model, days)));
      tasks.forEach(({ model, days }, i) => expect(results[i]).toEqual(forecastDemand(model, days)));
      expect(pool.inFlight).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('starts a new worker after the old one is gone, and size 0 computes on the calling thread', async () => {
    const pool = new ForecastPool({ size: 1 });
    expect(await pool.forecast(models[0]!, 7)).toEqual(forecastDemand(models[0]!, 7));
    await pool.close();
    expect(await pool.forecast(models[0]!, 14)).toEqual(forecastDemand(models[0]!, 14));
    await pool.close();
    expect(await new ForecastPool({ size: 0 }).forecast(models[1]!, 3)).toEqual(forecastDemand(models[1]!, 3));
  });

  it('computes on the calling thread when workers cannot start, and says so once', async () => {
    const fallbacks: Error[] = [];
    const workerErrors: Error[] = [];
    // A heap too small to load the worker's code: every start fails before the worker is ready.
    const pool = new ForecastPool({
      size: 1,
      resourceLimits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 },
      onInProcessFallback: (error) => fallbacks.push(error),
      onWorkerError: (error) => workerErrors.push(error),
    });
    try {
      const days = [5, 6, 7];
      const results = await Promise.all(days.map((d) => pool.forecast(models[0]!, d)));
      days.forEach((d, i) => expect(results[i]).toEqual(forecastDemand(models[0]!, d)));
      expect(pool.size).toBe(0);
      expect(fallbacks).toHaveLength(1);
      expect(workerErrors).toEqual([]);
      expect(await pool.forecast(models[1]!, 30)).toEqual(forecastDemand(models[1]!, 30));
    } finally {
      await pool.close();
    }
  });

  it('close fails the forecasts still being computed instead of leaving them pending', async () => {
    const pool = new ForecastPool({ size: 1 });
    const pending = [365, 364, 363].map((d) =>
      pool.forecast(models[1]!, d).then(
        () => 'answered',
        (e: Error) => e.message,
      ),
    );
    await pool.close();
    expect(await Promise.all(pending)).toEqual(['forecast pool closed', 'forecast pool closed', 'forecast pool closed']);
  });

  it('a forecast that outlives its timeout fails (and its worker is replaced) instead of hanging', async () => {
    const errors: Error[] = [];
    const pool = new ForecastPool({ size: 1, timeoutMs: 1, onWorkerError: (error) => errors.push(error) });
    try {
      await expect(pool.forecast(models[0]!, 365)).rejects.toThrow(/did not finish/);
      expect(errors).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });
});

describe('ForecastAdmission', () => {
  function held() {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    return { release, done };
  }
  const refusal = async (promise: Promise<unknown>) => {
    try {
      await promise;
      return null;
    } catch (error) {
      return isAdmissionRefused(error) ? error.reason : error;
    }
  };

  it('caps computations per client and in total; work without a client is not counted', async () => {
    const admission = new ForecastAdmission({ maxQueue: 3, maxPerClient: 2 });
    const h = held();
    const run = (client: string | null) =>
      client === null ? admission.run(() => h.done) : withForecastClient(client, () => admission.run(() => h.done));
    const a1 = run('a');
    const a2 = run('a');
    expect(await refusal(run('a'))).toBe('client');
    const b1 = run('b');
    expect(await refusal(run('c'))).toBe('queue');
    const background = run(null);
    expect(admission.stats()).toEqual({ inFlight: 3, refused: { client: 1, queue: 1 } });
    h.release();
    await Promise.all([a1, a2, b1, background]);
    expect(admission.stats().inFlight).toBe(0);
    // Room again once they finished.
    await withForecastClient('a', () => admission.run(async () => 1));
  });

  it('work an admitted computation starts (a forecast training its model first) is not counted again', async () => {
    const admission = new ForecastAdmission({ maxQueue: 1, maxPerClient: 1 });
    const nested = await withForecastClient('a', () => admission.run(() => admission.run(async () => 'trained')));
    expect(nested).toBe('trained');
    expect(admission.stats()).toEqual({ inFlight: 0, refused: { client: 0, queue: 0 } });
  });

  it('a failing computation frees its place', async () => {
    const admission = new ForecastAdmission({ maxQueue: 1, maxPerClient: 1 });
    await expect(withForecastClient('a', () => admission.run(() => Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
    expect(admission.stats().inFlight).toBe(0);
    expect(new AdmissionRefusedError('client', 1).message).toMatch(/retry/);
  });
});
