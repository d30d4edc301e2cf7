/**
 * Store: cached `predictDemand` throughput with the PostgreSQL store against the SQLite store, same process, same
 * private Redis, rounds alternating the two. What differs is where the model version in the prediction's key comes
 * from: SQLite reads it from the local file per request; PostgreSQL answers from the instance's version index
 * (in memory, kept exact by LISTEN/NOTIFY and its lease) — a database round trip per request would be a network
 * hop. Every answer must be a cache hit of the expected version. Goal: PostgreSQL ≥ 0.9 × SQLite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import {
  createForecastingService,
  fitModel,
  openPostgresStore,
  openSqliteStore,
  type ForecastingService,
  type ForecastingStore,
} from '@/lib/forecasting';
import { createCacheSystem, type CacheSystem } from '@/lib/redis-cache';
import { startPostgresServer } from '../../test/helpers/postgres-server';
import { collectGarbage, type BenchPart } from '../lib/part';
import { startPrivateRedis } from '../lib/redis-server';
import { captureEnvironment, goalsTable, printTables, type Goal, type Table } from '../lib/results';
import { fmtInt, fmtRatio, spread } from '../lib/stats';

const END_DATE = '2026-10-31';
/** The keys every run asks for, all cached before timing: a few products and the dashboard's horizons. */
const PRODUCTS = ['Pão de Açúcar', 'Bolo', 'Croissant'];
const HORIZONS = [7, 30];
const CONCURRENCIES = [1, 50] as const;

interface Contender {
  id: 'sqlite' | 'postgres';
  label: string;
  service: ForecastingService;
  store: ForecastingStore;
  cache: CacheSystem;
  versions: Map<string, number>;
}

/** Closed loop: `concurrency` workers call predict over the key list for `durationMs`; returns ops/s. */
async function run(c: Contender, concurrency: number, durationMs: number): Promise<number> {
  const keys = PRODUCTS.flatMap((p) => HORIZONS.map((d) => [p, d] as const));
  let ops = 0;
  let wrong = 0;
  const end = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      let i = w;
      while (performance.now() < end) {
        // 64 calls between clock reads: the clock costs more than an L1 hit.
        for (let k = 0; k < 64; k++, i++) {
          const [product, days] = keys[i % keys.length]!;
          const r = await c.service.predictDemandDetailed(product, days);
          if (!r.cached || r.value.modelVersion !== c.versions.get(product) || r.value.days !== days) wrong++;
          ops++;
        }
      }
    }),
  );
  const elapsed = performance.now() - started;
  if (wrong) throw new Error(`${c.id}: ${wrong} answers were not cache hits of the expected version`);
  return (ops / elapsed) * 1000;
}

export const store: BenchPart = {
  name: 'store',
  title: 'Store: cached predict throughput, PostgreSQL (version index) against SQLite, same run',
  async run({ quick, command }) {
    const rounds = quick ? 1 : 4;
    const durationMs = quick ? 500 : 3_000;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-store-'));
    const redis = await startPrivateRedis({ core: 1 });
    const pg = await startPostgresServer();
    const env = captureEnvironment(redis, command);
    const contenders: Contender[] = [];
    const samples: Record<string, number[]> = {};
    try {
      const logger = pino({ level: 'silent' });
      const stores: [Contender['id'], string, () => Promise<ForecastingStore>][] = [
        ['sqlite', 'SQLite (local file, version read per request)', async () => openSqliteStore(path.join(work, 'sales.db'))],
        [
          'postgres',
          'PostgreSQL (version index in memory)',
          () => openPostgresStore({ url: pg.url, connectTimeoutMs: 5_000, statementTimeoutMs: 5_000, poolMax: 10, leaseMs: 10_000 }),
        ],
      ];
      for (const [id, label, open] of stores) {
        const s = await open();
        const cache = createCacheSystem({ logger, prefix: `bench_store_${id}`, redis: { host: '127.0.0.1', port: redis.port } });
        await cache.healthCheck();
        const service = await createForecastingService({ store: s, cache, fit: fitModel, logger, seedDemoData: true, demoEndDate: END_DATE });
        const versions = new Map<string, number>();
        for (const p of PRODUCTS) {
          for (const d of HORIZONS) await service.predictDemand(p, d); // trains once, then caches each key
          versions.set(p, (await s.models.latestVersion(p))!);
        }
        contenders.push({ id, label, service, store: s, cache, versions });
      }
      // Warm-up: JIT, connections.
      for (const c of contenders) for (const n of CONCURRENCIES) await run(c, n, quick ? 200 : 1_000);
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 ? [...contenders].reverse() : contenders;
        for (const n of CONCURRENCIES) {
          for (const c of order) {
            collectGarbage();
            (samples[`${c.id}:${n}`] ??= []).push(await run(c, n, durationMs));
          }
        }
      }
    } finally {
      for (const c of contenders) {
        await c.service.close();
        await c.cache.close();
        await c.store.close();
      }
      await pg.stop();
      await redis.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }

    const figures: Record<string, unknown> = {};
    const rows: string[][] = [];
    const goals: Goal[] = [];
    for (const n of CONCURRENCIES) {
      const sqlite = spread(samples[`sqlite:${n}`]!);
      const postgres = spread(samples[`postgres:${n}`]!);
      const ratio = postgres.median / sqlite.median;
      figures[`c${n}`] = { sqlite, postgres, ratio };
      rows.push([
        String(n),
        `${fmtInt(sqlite.median)} (${fmtInt(sqlite.min)}–${fmtInt(sqlite.max)})`,
        `${fmtInt(postgres.median)} (${fmtInt(postgres.min)}–${fmtInt(postgres.max)})`,
        fmtRatio(ratio),
      ]);
      goals.push({
        name: `cached predict throughput, PostgreSQL ÷ SQLite, ${n} in flight`,
        target: '≥ 0.90',
        actual: ratio.toFixed(2),
        pass: ratio >= 0.9,
      });
    }
    const tables: Table[] = [
      {
        title: 'Cached predictDemand, calls per second (median of rounds; min–max)',
        columns: ['in flight', 'SQLite', 'PostgreSQL', 'PostgreSQL ÷ SQLite'],
        rows,
        note: `${PRODUCTS.length} products × ${HORIZONS.join('/')} days, all cached (L1 hits), ${rounds} rounds of ${durationMs} ms, order alternating; every answer checked to be a hit of the product's current version.`,
      },
      goalsTable(goals),
    ];
    printTables(tables);
    return { env, config: { rounds, durationMs, products: PRODUCTS, horizons: HORIZONS, leaseMs: 10_000 }, tables, goals, figures };
  },
};
