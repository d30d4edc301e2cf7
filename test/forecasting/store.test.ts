import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/lib/forecasting/database';
import { openPostgresStore } from '@/lib/forecasting/postgres/store';
import { sqliteStore } from '@/lib/forecasting/sqlite-store';
import type { ForecastingStore } from '@/lib/forecasting/store';
import { startPostgresServer, type PostgresServerHandle } from '../helpers/postgres-server';
import { fakeFit, WINDOW } from './fake-fit';

/**
 * One suite, both stores: whatever the service relies on behaves the same on SQLite and on PostgreSQL. Each case
 * gets a fresh, empty database; `open()` twice gives two independent handles on the same one (two processes).
 */
interface StoreFactory {
  name: string;
  /** A fresh database; returns an opener of handles on it. */
  fresh(): Promise<() => Promise<ForecastingStore>>;
}

let pg: PostgresServerHandle;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-suite-'));
let databases = 0;

const factories: StoreFactory[] = [
  {
    name: 'SQLite',
    async fresh() {
      const file = path.join(dir, `s${++databases}.db`);
      return async () => sqliteStore(openDatabase(file));
    },
  },
  {
    name: 'PostgreSQL',
    async fresh() {
      const name = `store_${++databases}`;
      await pg.psql(`CREATE DATABASE ${name}`);
      const url = pg.url.replace(/\/postgres$/, `/${name}`);
      return () => openPostgresStore({ url, connectTimeoutMs: 5_000, statementTimeoutMs: 5_000, poolMax: 4, leaseMs: 2_000 });
    },
  },
];

beforeAll(async () => {
  pg = await startPostgresServer();
});
afterAll(async () => {
  await pg?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(factories)('$name store', (factory) => {
  const open: ForecastingStore[] = [];
  async function fresh(): Promise<{ store: ForecastingStore; another: () => Promise<ForecastingStore> }> {
    const opener = await factory.fresh();
    const another = async () => {
      const s = await opener();
      open.push(s);
      return s;
    };
    return { store: await another(), another };
  }
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
  });

  it('products and sales: upsert is idempotent and overwrites, history and listing read them back', async () => {
    const { store } = await fresh();
    expect(await store.sales.isEmpty()).toBe(true);
    const rows = [
      { date: '2026-01-02', product: 'Pão de Açúcar', quantity: 15 },
      { date: '2026-01-01', product: 'Pão de Açúcar', quantity: 12 },
      { date: '2026-01-01', product: 'Bolo', quantity: 3.5 },
    ];
    expect(await store.sales.upsertSales(rows)).toEqual({ inserted: 3, products: 2 });
    expect(await store.sales.upsertSales(rows)).toEqual({ inserted: 3, products: 2 }); // again: same data
    await store.sales.upsertSales([{ date: '2026-01-02', product: 'Pão de Açúcar', quantity: 20 }]);
    expect(await store.sales.isEmpty()).toBe(false);
    expect(await store.sales.productExists('Bolo')).toBe(true);
    expect(await store.sales.productExists('bolo')).toBe(false);
    expect(await store.sales.history('Pão de Açúcar')).toEqual([
      { date: '2026-01-01', quantity: 12 },
      { date: '2026-01-02', quantity: 20 },
    ]);
    expect(await store.sales.history('Pão de Açúcar', 1)).toEqual([{ date: '2026-01-02', quantity: 20 }]);
    expect(await store.sales.history('nobody')).toEqual([]);
    expect(await store.sales.listProducts()).toEqual([
      { name: 'Bolo', firstSaleDate: '2026-01-01', lastSaleDate: '2026-01-01', days: 1, modelVersion: null, trainedAt: null },
      { name: 'Pão de Açúcar', firstSaleDate: '2026-01-01', lastSaleDate: '2026-01-02', days: 2, modelVersion: null, trainedAt: null },
    ]);
  });

  it('an upsert is all or nothing: one bad row stores none, not even a new product', async () => {
    const { store } = await fresh();
    await store.sales.upsertSales([{ date: '2026-01-01', product: 'Bolo', quantity: 1 }]);
    await expect(
      store.sales.upsertSales([
        { date: '2026-01-02', product: 'Bolo', quantity: 2 },
        { date: '2026-01-01', product: 'Sonho', quantity: 2 },
        { date: '2026-01-03', product: 'Bolo', quantity: -1 }, // violates quantity >= 0
      ]),
    ).rejects.toThrow();
    expect(await store.sales.history('Bolo')).toEqual([{ date: '2026-01-01', quantity: 1 }]);
    expect(await store.sales.productExists('Sonho')).toBe(false);
    expect(await store.versions.current('Sonho')).toBeUndefined();
  });

  it('versions: none until saved, then 1, 2…; the latest artifact and summary; the version index agrees', async () => {
    const { store } = await fresh();
    await store.sales.upsertSales([{ date: '2026-01-01', product: 'Bolo', quantity: 1 }]);
    expect(await store.models.latestVersion('Bolo')).toBeNull();
    expect(await store.models.productLatestVersion('Bolo')).toBeNull();
    expect(await store.models.productLatestVersion('nobody')).toBeUndefined();
    expect(await store.models.latestArtifact('Bolo')).toBeNull();
    expect(await store.models.latestSummary('Bolo')).toBeNull();
    expect(await store.versions.current('Bolo')).toBeNull();
    const trainedAt = new Date('2026-02-03T04:05:06.789Z');
    const v1 = await store.models.saveVersion('Bolo', fakeFit(7), WINDOW, trainedAt);
    const v2 = await store.models.saveVersion('Bolo', fakeFit(3), WINDOW, trainedAt);
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(await store.models.latestVersion('Bolo')).toBe(2);
    expect(await store.versions.current('Bolo')).toBe(2);
    expect(await store.versions.current('nobody')).toBeUndefined();
    expect(await store.models.latestArtifact('Bolo')).toEqual(v2);
    expect(await store.models.latestSummary('Bolo')).toEqual({
      product: 'Bolo',
      version: 2,
      trainedAt: '2026-02-03T04:05:06.789Z',
      trainingMs: 12.5,
      window: WINDOW,
      mape: 3,
    });
    expect((await store.sales.listProducts())[0]).toMatchObject({ modelVersion: 2, trainedAt: '2026-02-03T04:05:06.789Z' });
    await expect(store.models.saveVersion('nobody', fakeFit(), WINDOW)).rejects.toThrow(/unknown product/);
  });

  it('keeps the last MODEL_VERSIONS_KEPT versions (default 5): older artifacts are deleted on save', async () => {
    const { store } = await fresh();
    await store.sales.upsertSales([
      { date: '2026-01-01', product: 'Bolo', quantity: 1 },
      { date: '2026-01-01', product: 'Sonho', quantity: 1 },
    ]);
    for (let i = 0; i < 8; i++) await store.models.saveVersion('Bolo', fakeFit(i), WINDOW);
    await store.models.saveVersion('Sonho', fakeFit(), WINDOW);
    expect(await store.models.storedVersions('Bolo')).toEqual([4, 5, 6, 7, 8]);
    expect(await store.models.storedVersions('Sonho')).toEqual([1]);
    expect((await store.models.latestArtifact('Bolo'))?.version).toBe(8);
    // The next version still follows the latest, not the count of stored rows.
    expect((await store.models.saveVersion('Bolo', fakeFit(), WINDOW)).version).toBe(9);
  });

  it('concurrent saves from two handles get distinct consecutive versions', async () => {
    const { store, another } = await fresh();
    const other = await another();
    await store.sales.upsertSales([{ date: '2026-01-01', product: 'Bolo', quantity: 1 }]);
    const saved = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).models.saveVersion('Bolo', fakeFit(i), WINDOW)));
    expect(saved.map((a) => a.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await other.versions.current('Bolo')).toBe(6);
    expect(await store.versions.current('Bolo')).toBe(6);
  });

  it('seeding: of several handles seeding an empty database at once, exactly one writes', async () => {
    const { store, another } = await fresh();
    const handles = [store, await another(), await another()];
    const rows = () => [{ date: '2026-01-01', product: 'Bolo', quantity: 1 }];
    const seeded = await Promise.all(handles.map((h) => h.sales.seedIfEmpty(rows)));
    expect(seeded.filter(Boolean)).toHaveLength(1);
    expect(await store.sales.history('Bolo')).toEqual([{ date: '2026-01-01', quantity: 1 }]);
    expect(await store.sales.seedIfEmpty(rows)).toBe(false);
  });
});
