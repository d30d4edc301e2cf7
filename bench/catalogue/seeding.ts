/**
 * Seeding a demo catalogue of N products (SEED_DEMO_PRODUCTS) into an empty SQLite file and an empty private
 * PostgreSQL: wall time of generation alone and of each seed, rows per second, and the product list's query time
 * on the seeded database. `npx tsx bench/catalogue/seeding.ts [N…] [--sqlite-only]` (default 2000 10000);
 * prints a table and the load average. PostgreSQL runs on a private server (never 5432), as the tests' helper starts it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase, openPostgresStore, sqliteStore, type ForecastingStore } from '@/lib/forecasting';
import { catalogueHistory, demoCatalogue } from '@/lib/forecasting/demo-catalogue';
import { seedDemoHistoryIfEmpty } from '@/lib/forecasting/demo-seed';
import { startPostgresServer } from '../../test/helpers/postgres-server';

const END_DATE = '2026-10-31';
const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function timeSeed(store: ForecastingStore, n: number): Promise<{ seedS: number; listS: number; rows: number }> {
  const t0 = performance.now();
  await seedDemoHistoryIfEmpty(store.sales, END_DATE, n);
  const seedS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const list = await store.sales.listProducts();
  const listS = (performance.now() - t1) / 1000;
  return { seedS, listS, rows: list.reduce((s, p) => s + p.days, 0) };
}

async function main() {
  const args = process.argv.slice(2);
  const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const sqliteOnly = args.includes('--sqlite-only');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-catalogue-seed-'));
  const pg = sqliteOnly ? null : await startPostgresServer();
  console.log(`load average before: ${loadavg()}`);
  console.log(
    '| products | rows | generate only (s) | SQLite seed (s) | SQLite rows/s | SQLite list (s) | PostgreSQL seed (s) | PostgreSQL rows/s | PostgreSQL list (s) |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  try {
    for (const n of sizes.length ? sizes : [2000, 10000]) {
      const g0 = performance.now();
      let generated = 0;
      for (const batch of catalogueHistory(demoCatalogue(n), END_DATE)) generated += batch.length;
      const genS = (performance.now() - g0) / 1000;

      const file = path.join(work, `s${n}.db`);
      const sqlite = sqliteStore(openDatabase(file));
      const s = await timeSeed(sqlite, n);
      await sqlite.close();

      let p: { seedS: number; listS: number; rows: number } | null = null;
      if (pg) {
        await pg.psql(`CREATE DATABASE seed_${n}`);
        const store = await openPostgresStore({
          url: pg.url.replace(/\/postgres$/, `/seed_${n}`),
          connectTimeoutMs: 5_000,
          statementTimeoutMs: 30_000,
          poolMax: 4,
          leaseMs: 10_000,
        });
        p = await timeSeed(store, n);
        await store.close();
      }
      const f = (x: number) => x.toFixed(1);
      const rate = (rows: number, sec: number) => Math.round(rows / sec).toLocaleString('en');
      console.log(
        `| ${n} | ${generated.toLocaleString('en')} | ${f(genS)} | ${f(s.seedS)} | ${rate(s.rows, s.seedS)} | ${s.listS.toFixed(2)} | ${p ? f(p.seedS) : '—'} | ${p ? rate(p.rows, p.seedS) : '—'} | ${p ? p.listS.toFixed(2) : '—'} |`,
      );
    }
  } finally {
    await pg?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`load average after: ${loadavg()}`);
}

void main();
