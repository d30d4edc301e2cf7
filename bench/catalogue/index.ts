/**
 * Catalogue: a warm-up of a catalogue of thousands of products (SEED_DEMO_PRODUCTS' generated demo catalogue) as
 * jobs over one and over two real service processes (`next start`, JOB_CONCURRENCY=1 each, both cores), with a
 * private Redis and a private SQLite file seeded once and copied for each run:
 * - the warm-up's wall time (the job's own started_at → finished_at) with 1 and 2 workers, and the ratio;
 * - models trained per second and per worker (the warm-up's first phase: one `train` job per product);
 * - Redis memory once every model and default forecast is loaded: `used_memory` before/after and the mean
 *   `MEMORY USAGE` of model keys, with CACHE_COMPRESSION=off and =auto (warm-ups over the trained database);
 * - latencies (p50/p99, sequential requests) of `cache/info`, a product-list page, a search (`q=pao`) and the clear
 *   of one product, at catalogue size with the cache warm.
 * `npm run bench -- catalogue [--products=N] [--quick]` (default 2000 products; BENCH_CATALOGUE_PRODUCTS too).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BatchJob, WarmUpStatus } from '@/lib/api-types';
import { openSqliteStore } from '@/lib/forecasting';
import { seedDemoHistoryIfEmpty } from '@/lib/forecasting/demo-seed';
import type { BenchPart } from '../lib/part';
import { ensureBuild, startNext, type NextServer } from '../lib/next-server';
import { startPrivateRedis, type PrivateRedis } from '../lib/redis-server';
import { captureEnvironment, goalsTable, printTables, type Goal, type Table } from '../lib/results';
import { fmtMs, fmtRatio, percentiles } from '../lib/stats';

const END_DATE = '2026-10-31';
/** A model artifact in Redis before compression (the figure): the memory goal is a third of it. */
const MODEL_BYTES_BEFORE = 49 * 1024;
const POLL_MS = 250;

interface WarmUpRun {
  workers: number;
  /** The job's own wall time, started_at → finished_at (s). */
  wallS: number;
  /** Start → every `train` job finished (s), from polling every 250 ms. */
  trainPhaseS: number;
  trainTasks: number;
  failed: number;
  modelsPerSecondPerWorker: number;
  executors: BatchJob['executors'];
  total: number;
}

interface MemoryRun {
  compression: string;
  usedBefore: number;
  usedAfter: number;
  modelKeys: number;
  sampled: number;
  meanModelBytes: number;
}

interface Latency {
  name: string;
  n: number;
  p50: number;
  p99: number;
}

function productCount(quick: boolean): number {
  const flag = process.argv.find((a) => a.startsWith('--products='));
  const value = flag ? flag.slice('--products='.length) : process.env.BENCH_CATALOGUE_PRODUCTS;
  if (value) {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 13 || n > 12_013) throw new Error(`--products must be an integer from 13 to 12013, not ${value}`);
    return n;
  }
  return quick ? 60 : 2000;
}

async function seedOnce(file: string, products: number): Promise<void> {
  const store = openSqliteStore(file);
  try {
    await seedDemoHistoryIfEmpty(store.sales, END_DATE, products);
  } finally {
    await store.close();
  }
}

/** A copy of a SQLite database (closed, so its WAL is checkpointed into the main file). */
function copyDatabase(from: string, to: string): void {
  fs.copyFileSync(from, to);
}

async function startServers(
  count: number,
  opts: { redis: PrivateRedis; prefix: string; database: string; compression: string; work: string; products: number },
): Promise<NextServer[]> {
  const servers: NextServer[] = [];
  try {
    for (let i = 0; i < count; i++) {
      servers.push(
        await startNext({
          env: {
            REDIS_HOST: '127.0.0.1',
            REDIS_PORT: String(opts.redis.port),
            CACHE_PREFIX: opts.prefix,
            DATABASE_PATH: opts.database,
            SEED_DEMO_PRODUCTS: String(opts.products),
            LOG_FILE: path.join(opts.work, `${opts.prefix}-${i}.log`),
            LOG_LEVEL: 'warn',
            CACHE_AUTO_WARMUP: 'false',
            CACHE_SMART_WARMUP: 'off',
            CACHE_COMPRESSION: opts.compression,
            CACHE_ADMIN_RATE_LIMIT: '1000000',
            JOB_CONCURRENCY: '1',
          },
          // Both cores for every server: two workers must be able to fit at the same time.
          core: 'all',
          readyPath: '/api/ping',
          logFile: path.join(opts.work, `next-${opts.prefix}-${i}.out`),
          exclude: servers.map((s) => s.port),
        }),
      );
    }
    return servers;
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
}

async function warmUpStatus(server: NextServer): Promise<BatchJob | null> {
  const response = await fetch(`${server.url}/api/ai/cache/warm-up`, { signal: AbortSignal.timeout(30_000) });
  return ((await response.json()) as WarmUpStatus).job;
}

/** POSTs a warm-up to the first server and follows it to its end; `trainTasks` is the size of its first phase. */
async function runWarmUp(servers: NextServer[], trainTasks: number): Promise<WarmUpRun> {
  const posted = await fetch(`${servers[0]!.url}/api/ai/cache/warm-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(30_000),
  });
  if (posted.status !== 202) throw new Error(`warm-up POST answered ${posted.status}: ${await posted.text()}`);
  const t0 = performance.now();
  let trainPhaseS = Number.NaN;
  let last = 0;
  for (;;) {
    const job = await warmUpStatus(servers[0]!);
    if (job === null) throw new Error('no warm-up job reported');
    if (Number.isNaN(trainPhaseS) && job.total > 0 && job.done >= trainTasks) trainPhaseS = (performance.now() - t0) / 1000;
    if (job.done !== last && job.done % 500 < last % 500) console.log(`  … ${job.done} / ${job.total} (${job.rate ?? '–'} tasks/s)`);
    last = job.done;
    if (job.state !== 'running') {
      const wallS = (Date.parse(job.finished_at!) - Date.parse(job.started_at)) / 1000;
      const trained = trainTasks - Math.min(trainTasks, job.failed);
      return {
        workers: servers.length,
        wallS,
        trainPhaseS,
        trainTasks,
        failed: job.failed,
        modelsPerSecondPerWorker: trainTasks > 0 ? trained / trainPhaseS / servers.length : Number.NaN,
        executors: job.executors,
        total: job.total,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function usedMemory(redis: PrivateRedis): Promise<number> {
  const info = await redis.admin.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

/** Mean MEMORY USAGE of up to `sample` model keys of the prefix (SCAN, never KEYS). */
async function modelKeyBytes(redis: PrivateRedis, prefix: string, sample: number): Promise<{ keys: number; sampled: number; mean: number }> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.admin.scan(cursor, 'MATCH', `${prefix}:model:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch.filter((k) => !k.endsWith(':grace')));
  } while (cursor !== '0');
  const chosen = keys.slice(0, sample);
  let total = 0;
  for (const key of chosen) total += Number(await redis.admin.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  return { keys: keys.length, sampled: chosen.length, mean: chosen.length ? total / chosen.length : Number.NaN };
}

async function timeRequests(n: number, request: (i: number) => Promise<Response>, name: string): Promise<Latency> {
  const buf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const response = await request(i);
    await response.arrayBuffer();
    buf[i] = performance.now() - t;
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  }
  const [p50, p99] = percentiles(buf, n, [50, 99]);
  return { name, n, p50: p50!, p99: p99! };
}

async function latencies(server: NextServer, n: number): Promise<Latency[]> {
  const names = ((await (await fetch(`${server.url}/api/ai/products?limit=1000`)).json()) as { products: { name: string }[] }).products.map(
    (p) => p.name,
  );
  const get = (p: string) => () => fetch(`${server.url}${p}`, { signal: AbortSignal.timeout(30_000) });
  const out: Latency[] = [];
  out.push(await timeRequests(n, get('/api/ai/cache/info'), 'GET /api/ai/cache/info'));
  out.push(await timeRequests(n, get('/api/ai/products?limit=100'), 'GET /api/ai/products?limit=100 (a page)'));
  out.push(await timeRequests(n, get('/api/ai/products?q=pao&limit=100'), 'GET /api/ai/products?q=pao&limit=100 (search)'));
  out.push(
    await timeRequests(
      Math.min(n, names.length),
      (i) =>
        fetch(`${server.url}/api/ai/cache/clear`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ target: names[i] }),
          signal: AbortSignal.timeout(30_000),
        }),
      'POST /api/ai/cache/clear {target: <one product>}',
    ),
  );
  return out;
}

export const catalogue: BenchPart = {
  name: 'catalogue',
  title: 'Catalogue: warm-up as jobs over 1 and 2 workers, Redis memory with compression off and auto, latencies at size',
  async run({ quick, command }) {
    const products = productCount(quick);
    const requests = quick ? 20 : 200;
    console.log(ensureBuild() ? 'next build done' : 'next build is fresh');
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-catalogue-'));
    const redis = await startPrivateRedis({ core: 1 });
    const env = captureEnvironment(redis, command);
    const seeded = path.join(work, 'seeded.db');
    const runs: WarmUpRun[] = [];
    const memory: MemoryRun[] = [];
    let latency: Latency[];
    let seedS: number;
    try {
      const s0 = performance.now();
      await seedOnce(seeded, products);
      seedS = (performance.now() - s0) / 1000;
      console.log(`seeded ${products} products in ${seedS.toFixed(1)} s`);

      // Warm-ups of the fresh catalogue: every product trained, then warmed, on 1 then 2 workers.
      let trained = '';
      for (const workers of [1, 2]) {
        const database = path.join(work, `w${workers}.db`);
        copyDatabase(seeded, database);
        const servers = await startServers(workers, { redis, prefix: `bench_catalogue_w${workers}`, database, compression: 'auto', work, products });
        try {
          console.log(`warm-up, ${workers} worker(s)…`);
          const run = await runWarmUp(servers, products);
          runs.push(run);
          console.log(`  ${run.wallS.toFixed(1)} s, ${run.modelsPerSecondPerWorker.toFixed(2)} models/s per worker, ${run.failed} failed`);
        } finally {
          await Promise.all(servers.map((s) => s.stop()));
        }
        trained = database;
        await redis.admin.flushall();
      }

      // Memory: the trained database warmed again (models rebuilt, forecasts computed) into an empty Redis.
      let last: NextServer[] = [];
      for (const compression of ['off', 'auto']) {
        await redis.admin.flushall();
        const prefix = `bench_catalogue_mem_${compression}`;
        const servers = await startServers(2, { redis, prefix, database: trained, compression, work, products });
        const usedBefore = await usedMemory(redis);
        try {
          console.log(`memory, CACHE_COMPRESSION=${compression}…`);
          await runWarmUp(servers, 0);
          const usedAfter = await usedMemory(redis);
          const keys = await modelKeyBytes(redis, prefix, quick ? 20 : 200);
          memory.push({ compression, usedBefore, usedAfter, modelKeys: keys.keys, sampled: keys.sampled, meanModelBytes: keys.mean });
        } finally {
          if (compression === 'auto') last = servers;
          else await Promise.all(servers.map((s) => s.stop()));
        }
      }

      // Latencies at catalogue size, the cache warm (compression auto).
      try {
        console.log('latencies…');
        latency = await latencies(last[0]!, requests);
      } finally {
        await Promise.all(last.map((s) => s.stop()));
      }
    } finally {
      await redis.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }

    const one = runs.find((r) => r.workers === 1)!;
    const two = runs.find((r) => r.workers === 2)!;
    const ratio = one.wallS / two.wallS;
    const off = memory.find((m) => m.compression === 'off')!;
    const auto = memory.find((m) => m.compression === 'auto')!;
    const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
    const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
    const goals: Goal[] = [
      {
        name: `warm-up of ${products} products: 2 workers against 1 (wall time ratio)`,
        target: '≥ 1.7×',
        actual: fmtRatio(ratio),
        pass: ratio >= 1.7,
      },
      {
        name: 'Redis memory per model (MEMORY USAGE, CACHE_COMPRESSION=auto)',
        target: `≤ ${kib(MODEL_BYTES_BEFORE / 3)} (a third of 49 KiB)`,
        actual: kib(auto.meanModelBytes),
        pass: auto.meanModelBytes <= MODEL_BYTES_BEFORE / 3,
      },
    ];
    const tables: Table[] = [
      {
        title: `Warm-up of ${products} products as jobs (a train job each, then a warm-product job each, then the list)`,
        columns: ['workers', 'tasks', 'wall time', 'train phase', 'models/s per worker', 'failed', 'tasks per instance'],
        rows: runs.map((r) => [
          String(r.workers),
          String(r.total),
          `${r.wallS.toFixed(1)} s`,
          `${r.trainPhaseS.toFixed(1)} s`,
          r.modelsPerSecondPerWorker.toFixed(2),
          String(r.failed),
          r.executors.map((e) => String(e.tasks)).join(' + '),
        ]),
        note:
          `Each worker is a \`next start\` process with JOB_CONCURRENCY=1 (fits in its training thread); the first server accepts the POST and ` +
          `keeps 64 jobs queued. Scaling 2 vs 1: ${fmtRatio(ratio)}. Failed: products the demo catalogue makes untrainable (too little history, ` +
          `a degenerate design matrix), counted once each. SQLite seeded once (${seedS.toFixed(1)} s) and copied per run.`,
      },
      {
        title: 'Redis memory with every model and default forecast loaded',
        columns: ['CACHE_COMPRESSION', 'used_memory before', 'after', 'delta', 'model keys', 'MEMORY USAGE per model (mean)'],
        rows: memory.map((m) => [
          m.compression,
          mib(m.usedBefore),
          mib(m.usedAfter),
          mib(m.usedAfter - m.usedBefore),
          String(m.modelKeys),
          `${kib(m.meanModelBytes)} (${m.sampled} sampled)`,
        ]),
        note: `Per model, auto against off: ${fmtRatio(off.meanModelBytes / auto.meanModelBytes)} smaller. The delta includes forecasts, the product list, usage counts and the queue's kept jobs.`,
      },
      {
        title: `Latencies at ${products} products, cache warm (${requests} sequential requests each)`,
        columns: ['request', 'p50', 'p99'],
        rows: latency.map((l) => [l.name, fmtMs(l.p50), fmtMs(l.p99)]),
        note: 'Each clear removes a different product (its model, forecasts and grace copies) from Redis and every instance.',
      },
      goalsTable(goals),
    ];
    printTables(tables);
    return {
      env,
      config: { products, requests, endDate: END_DATE, jobConcurrency: 1, workers: [1, 2] },
      tables,
      goals,
      figures: { seedS, runs, ratio, memory, latency },
    };
  },
};
