/**
 * Scale: what the monitoring and clearing paths cost as the keyspace grows — `getCacheInfo()` (and
 * `GET /api/ai/cache/info` when a production build is available) and `clear({ product })` with 10 k, 100 k and
 * 1 M keys under the prefix — and what a cached model and a cached prediction weigh in Redis (`MEMORY USAGE`)
 * next to their JSON size. Keys follow the real scheme (the library's KeyScheme), filled with pipelines.
 */
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Forecaster, fitModel, openDatabase, seedDemoHistoryIfEmpty, sqliteStore } from '@/lib/forecasting';
import { createCacheSystem, encode, type CacheSystem } from '@/lib/redis-cache';
import type { BenchPart } from '../lib/part';
import { startPrivateRedis } from '../lib/redis-server';
import { captureEnvironment, goalsTable, printTables, type Goal, type Table } from '../lib/results';
import { fmtInt, fmtMs, fmtRatio, median, spread, type Spread } from '../lib/stats';
import { timeCalls } from '../lib/timing';
import { ensureBuild, startNext, type NextServer } from '../lib/next-server';

const TARGET = 'Pão de Açúcar';
const TARGET_PREDICTIONS = 60; // the product being cleared: its model + 60 cached forecasts
const FILLER_DAYS = [1, 7, 14, 21, 30, 45, 60, 90, 180];

/** Filler keys of the real scheme, in a fixed order: each synthetic product's model, then its forecasts. */
function* fillerKeys(system: CacheSystem): Generator<string> {
  for (let product = 0; ; product++) {
    const name = `Produto ${String(product).padStart(7, '0')}`;
    yield system.keys.model(name);
    for (const d of FILLER_DAYS) yield system.keys.prediction(name, d, undefined, 1);
  }
}

/** Writes the next `count` filler keys (pipelines of 2 000 SETs). */
async function fill(client: Redis, keys: Generator<string>, count: number): Promise<void> {
  const value = encode({ product: 'x', days: 7, modelVersion: 1, generatedAt: '2026-11-01T00:00:00.000Z', forecast: [] });
  for (let done = 0; done < count;) {
    const p = client.pipeline();
    const n = Math.min(2000, count - done);
    for (let i = 0; i < n; i++) p.set(keys.next().value as string, value, 'EX', 7200);
    await p.exec();
    done += n;
  }
}

function targetKeys(system: CacheSystem): string[] {
  return [system.keys.model(TARGET), ...Array.from({ length: TARGET_PREDICTIONS }, (_, i) => system.keys.prediction(TARGET, i + 1, undefined, 1))];
}

/** The cleared product's keys, written through the library's own API (as the service would). */
async function writeTarget(system: CacheSystem): Promise<void> {
  await system.models.setModel(TARGET, { artifact: 'stand-in' });
  await Promise.all(
    Array.from({ length: TARGET_PREDICTIONS }, (_, i) => system.models.setPrediction(TARGET, i + 1, { forecast: [] }, undefined, { version: 1 })),
  );
}

export const scale: BenchPart = {
  name: 'scale',
  title: 'Scale: cache info and clear with 10 k, 100 k and 1 M keys; bytes per cached value',
  async run({ quick, command }) {
    const sizes = quick ? [10_000, 50_000] : [10_000, 100_000, 1_000_000];
    const infoCalls = quick ? 20 : 100;
    const clears = quick ? 3 : 5;
    const redis = await startPrivateRedis({ core: 1 });
    const env = captureEnvironment(redis, command);
    const system = createCacheSystem({ logger: pino({ level: 'silent' }), redis: { host: '127.0.0.1', port: redis.port } });
    // Bulk fill and byte measurements go through a plain client of their own; the cache is measured through its API.
    const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
    const info = () => system.getCacheInfo();
    let server: NextServer | null = null;
    let serverNote = '';
    const rows: {
      keys: number;
      dbsize: number;
      infoMs: Spread;
      httpInfoMs: number | null;
      infoDuringPassMs: number;
      passMs: number;
      countedKeys: number;
      clearMs: Spread;
      removed: number[];
      fillSec: number;
    }[] = [];
    let memory: { what: string; jsonBytes: number; redisBytes: number }[];
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
    try {
      await system.healthCheck();
      // The HTTP route, when the app has it: a production server on the same Redis (core 0, like this process).
      try {
        ensureBuild();
        server = await startNext({
          env: {
            REDIS_HOST: '127.0.0.1',
            REDIS_PORT: String(redis.port),
            DATABASE_PATH: path.join(work, 'server.db'),
            LOG_LEVEL: 'warn',
            LOG_FILE: path.join(work, 'server.log'),
            CACHE_AUTO_WARMUP: 'false',
          },
          core: 0,
          readyPath: '/',
          logFile: path.join(work, 'next.log'),
        });
        const probe = await fetch(server.url + '/api/ai/cache/info');
        await probe.arrayBuffer();
        if (probe.status !== 200) {
          serverNote = `GET /api/ai/cache/info answered ${probe.status}`;
          await server.stop();
          server = null;
        }
      } catch (err) {
        serverNote = `no HTTP figure: ${(err as Error).message}`;
        server = null;
      }
      // Bytes per cached model and prediction: a real trained model and a real 30-day forecast.
      const db = openDatabase(path.join(work, 'sales.db'));
      const f = new Forecaster({ store: sqliteStore(db), fit: fitModel });
      await seedDemoHistoryIfEmpty(f.sales, '2026-10-31');
      const artifact = await f.train(TARGET);
      const live = await f.loadModel(TARGET);
      const prediction = f.predict(live, 30);
      const products = await f.sales.listProducts();
      db.close();
      const measure = async (what: string, key: string, value: unknown) => {
        await client.set(key, encode(value), 'EX', 3600);
        const bytes = (await client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) as number;
        await client.unlink(key);
        return { what, jsonBytes: Buffer.byteLength(JSON.stringify(value)), redisBytes: bytes };
      };
      memory = [
        await measure('model (artifact: options, training series, fitted parameters)', system.keys.model(TARGET), artifact),
        await measure('prediction (30 days, with interval)', system.keys.prediction(TARGET, 30, undefined, artifact.version), prediction),
        await measure(`product list (${products.length} products)`, system.keys.products(), products),
      ];

      const keys = fillerKeys(system);
      let have = 0;
      for (const size of sizes) {
        const f0 = Date.now();
        await fill(client, keys, size - (TARGET_PREDICTIONS + 1) - have);
        have = size - (TARGET_PREDICTIONS + 1);
        const fillSec = (Date.now() - f0) / 1000;
        await writeTarget(system);
        const dbsize = await client.dbsize();
        // Steady state: key counts fresh (one counting pass done), no pass running.
        await system.refreshKeyCounts();
        await timeCalls(10, info); // warm-up
        const per = [];
        for (let r = 0; r < 3; r++) per.push(median(await timeCalls(infoCalls, info)));
        const infoMs = spread(per);
        const countedKeys = (await info()).totalKeys;
        // While a background counting pass (SCAN of the whole prefix) runs in the same process.
        const p0 = performance.now();
        let passDone = false;
        let passMs = 0;
        const pass = system.refreshKeyCounts().then(() => {
          passDone = true;
          passMs = performance.now() - p0;
        });
        const during: number[] = [];
        while (!passDone) during.push(...(await timeCalls(1, info)));
        await pass;
        const infoDuringPassMs = median(during);
        let httpInfoMs: number | null = null;
        if (server) {
          const url = server.url + '/api/ai/cache/info';
          const get = async () => {
            const r = await fetch(url);
            return (await r.json()) as { total_keys?: number };
          };
          // Let the server's own key-count pass finish (its counts match the keyspace), then time.
          const end = Date.now() + 60_000;
          while (Date.now() < end && Math.abs(((await get()).total_keys ?? 0) - dbsize) > dbsize * 0.01) await new Promise((r) => setTimeout(r, 200));
          await timeCalls(10, get);
          httpInfoMs = median(await timeCalls(infoCalls, get));
        }
        const clearTimes: number[] = [];
        const removed: number[] = [];
        for (let i = 0; i < clears; i++) {
          if (i > 0) await writeTarget(system);
          const c0 = performance.now();
          const r = await system.clear({ product: TARGET });
          clearTimes.push(performance.now() - c0);
          removed.push(r.removed);
        }
        const left = await client.exists(...targetKeys(system));
        if (left !== 0 || removed.some((n) => n !== TARGET_PREDICTIONS + 1))
          throw new Error(`clear left ${left} of the product's keys; removed ${removed.join(', ')}, expected ${TARGET_PREDICTIONS + 1}`);
        rows.push({ keys: size, dbsize, infoMs, httpInfoMs, infoDuringPassMs, passMs, countedKeys, clearMs: spread(clearTimes), removed, fillSec });
        console.log(`  ${fmtInt(size)} keys: filled in ${fillSec.toFixed(1)} s, info ${fmtMs(infoMs.median)}, clear ${fmtMs(median(clearTimes))}`);
      }
    } finally {
      await server?.stop();
      await system.close();
      client.disconnect();
      await redis.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }

    const first = rows[0];
    const last = rows[rows.length - 1];
    const tables: Table[] = [
      {
        title: `getCacheInfo() and clear({ product }) as the keyspace grows (product cleared: ${TARGET_PREDICTIONS + 1} keys; median (min–max))`,
        columns: [
          'keys in Redis',
          'getCacheInfo()',
          'min–max',
          'GET /api/ai/cache/info',
          'info during a count pass',
          'count pass',
          'clear one product',
          'min–max',
          'removed',
        ],
        rows: rows.map((r) => [
          fmtInt(r.dbsize),
          fmtMs(r.infoMs.median),
          `${fmtMs(r.infoMs.min)}–${fmtMs(r.infoMs.max)}`,
          r.httpInfoMs === null ? 'n/a' : fmtMs(r.httpInfoMs),
          fmtMs(r.infoDuringPassMs),
          fmtMs(r.passMs),
          fmtMs(r.clearMs.median),
          `${fmtMs(r.clearMs.min)}–${fmtMs(r.clearMs.max)}`,
          [...new Set(r.removed)].join(', '),
        ]),
        note:
          `getCacheInfo(): median of ${infoCalls} sequential calls, 3 rounds, with fresh key counts (no count pass running). ` +
          '"info during a count pass": median of the calls made while the library\'s background key-count pass (a SCAN of the prefix, ' +
          'at most once per 15 s across instances) runs in the same process; "count pass": how long that pass took. ' +
          `GET /api/ai/cache/info: median of ${infoCalls} sequential requests to \`next start\` on the same Redis, after its own count pass${serverNote ? ` (${serverNote})` : ''}. ` +
          `clear: ${clears} clears per size, the product's keys rewritten through the library before each.`,
      },
      {
        title: 'Bytes per cached value: Redis MEMORY USAGE (key + value + overhead) next to the JSON size',
        columns: ['value', 'JSON bytes', 'Redis bytes', 'Redis ÷ JSON'],
        rows: memory.map((m) => [m.what, fmtInt(m.jsonBytes), fmtInt(m.redisBytes), fmtRatio(m.redisBytes / m.jsonBytes)]),
      },
    ];
    const goals: Goal[] = [];
    const growth = last.infoMs.median / first.infoMs.median;
    goals.push({
      name: `getCacheInfo() flat from ${fmtInt(first.dbsize)} to ${fmtInt(last.dbsize)} keys`,
      target: '≤ 2× (flat)',
      actual: `${fmtRatio(growth)} (${fmtMs(first.infoMs.median)} → ${fmtMs(last.infoMs.median)})`,
      pass: growth <= 2,
    });
    const h0 = first.httpInfoMs;
    const h1 = last.httpInfoMs;
    if (h0 !== null && h1 !== null)
      goals.push({
        name: `GET /api/ai/cache/info flat from ${fmtInt(first.dbsize)} to ${fmtInt(last.dbsize)} keys`,
        target: '≤ 2× (flat)',
        actual: `${fmtRatio(h1 / h0)} (${fmtMs(h0)} → ${fmtMs(h1)})`,
        pass: h1 / h0 <= 2,
      });
    goals.push({
      name: `clear one product, ${fmtInt(last.dbsize)} keys (reported)`,
      target: 'report',
      actual: `${fmtMs(last.clearMs.median)} (${fmtRatio(last.clearMs.median / first.clearMs.median)} the ${fmtInt(first.dbsize)}-key figure)`,
      pass: null,
    });
    tables.push(goalsTable(goals));
    printTables(tables);
    return {
      env,
      config: { sizes, infoCalls, clears, targetKeys: TARGET_PREDICTIONS + 1, fillerKeysPerProduct: 1 + FILLER_DAYS.length, quick },
      tables,
      goals,
      figures: { rows, memory },
    };
  },
};
