import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from './database';
import { sqliteStore } from './sqlite-store';
import { seedDemoHistoryIfEmpty } from './demo-seed';
import { DEMO_HISTORY_DAYS, DEMO_PRODUCTS } from './demo-data';
import { ForecastingError } from './errors';
import { Forecaster, type FitRunner } from './forecaster';
import { fitModel } from './prophet-model';

describe('Forecaster (uncached core)', () => {
  let db: SqliteDatabase;
  let fits: string[];
  let forecaster: Forecaster;
  beforeEach(async () => {
    db = openDatabase(':memory:');
    fits = [];
    const countingFit: FitRunner = (input) => {
      fits.push(`${input.y.length}`);
      return fitModel(input);
    };
    forecaster = new Forecaster({ store: sqliteStore(db), fit: countingFit });
    expect(await seedDemoHistoryIfEmpty(forecaster.sales, '2026-10-31')).toBe(true);
  });
  afterEach(() => db.close());

  it('seeds the demo history once, ending at the given date', async () => {
    expect(await seedDemoHistoryIfEmpty(forecaster.sales, '2026-11-30')).toBe(false);
    const products = await forecaster.sales.listProducts();
    expect(products.map((p) => p.name).sort()).toEqual(DEMO_PRODUCTS.map((p) => p.name).sort());
    expect(products.every((p) => p.lastSaleDate === '2026-10-31' && p.days === DEMO_HISTORY_DAYS && p.modelVersion === null)).toBe(true);
    expect((await forecaster.sales.history('Bolo', 60)).length).toBe(60);
    expect((await forecaster.sales.history('Bolo', 60)).at(-1)!.date).toBe('2026-10-31');
  });

  it('trains a product with no model on first load, then loads (rebuilds) without training', async () => {
    expect(await forecaster.models.latestVersion('Croissant')).toBeNull();
    const first = await forecaster.loadModel('Croissant');
    expect(first.version).toBe(1);
    expect(fits.length).toBe(1);
    const again = await forecaster.loadModel('Croissant');
    expect(again.version).toBe(1);
    expect(fits.length).toBe(1);
    expect(forecaster.predict(again, 14)).toMatchObject({ product: 'Croissant', days: 14, modelVersion: 1 });
    expect(forecaster.predict(again, 14).forecast).toEqual(forecaster.predict(first, 14).forecast);
  });

  it('stores every training as a new version; the latest is the one loaded', async () => {
    const v1 = await forecaster.train('Bolo');
    const v2 = await forecaster.train('Bolo');
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(await forecaster.models.latestVersion('Bolo')).toBe(2);
    expect(await forecaster.models.latestSummary('Bolo')).toMatchObject({ version: 2, window: { end: '2026-10-31', days: DEMO_HISTORY_DAYS } });
    expect((await forecaster.loadModel('Bolo')).version).toBe(2);
    expect(await forecaster.models.productLatestVersion('Bolo')).toBe(2);
    expect(await forecaster.models.productLatestVersion('Croissant')).toBeNull();
    expect(await forecaster.models.productLatestVersion('Pão de Ló')).toBeUndefined();
    expect(await forecaster.requireLatestVersion('Bolo')).toBe(2);
    await expect(forecaster.requireLatestVersion('Pão de Ló')).rejects.toThrow(
      expect.objectContaining({ code: 'unknown_product', message: 'Unknown product: Pão de Ló' }),
    );
    expect((await forecaster.sales.listProducts()).find((p) => p.name === 'Bolo')!.modelVersion).toBe(2);
  });

  it('never trains the same product twice at once in one process', async () => {
    const results = await Promise.all([forecaster.train('Sonho'), forecaster.train('Sonho'), forecaster.loadModel('Sonho')]);
    expect(fits.length).toBe(1);
    expect(results.map((r) => r.version)).toEqual([1, 1, 1]);
  });

  it('rejects unknown products and bad horizons with typed errors', async () => {
    await expect(forecaster.loadModel('Pão de Ló')).rejects.toMatchObject({ code: 'unknown_product' });
    await expect(forecaster.train('Pão de Ló')).rejects.toBeInstanceOf(ForecastingError);
    const model = await forecaster.loadModel('Bolo');
    for (const days of [0, 366, 1.5, Number.NaN]) expect(() => forecaster.predict(model, days)).toThrow(ForecastingError);
  });
});
