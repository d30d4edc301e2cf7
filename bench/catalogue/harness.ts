/**
 * What the catalogue benchmarks share: a demo catalogue seeded into a private SQLite file, real service processes
 * (`next start`, JOB_CONCURRENCY=1 each, both cores) on a private Redis, a warm-up followed to its end, Redis memory
 * and the latencies of the calls an operator makes at catalogue size.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BatchJob, JobsResponse, WarmUpStatus } from '@/lib/api-types';
import { openSqliteStore } from '@/lib/forecasting';
import { seedDemoHistoryIfEmpty } from '@/lib/forecasting/demo-seed';
import { ensureBuild, startNext, type NextServer } from '../lib/next-server';
import { startPrivateRedis, type PrivateRedis } from '../lib/redis-server';
import { captureEnvironment, type Environment } from '../lib/results';
import { percentiles } from '../lib/stats';

export const END_DATE = '2026-10-31';

/** Where a catalogue part measures: a private Redis (core 1) and a temporary directory for databases and logs. */
export interface CatalogueBench {
  work: string;
  redis: PrivateRedis;
}

/**
 * Builds the app if its build is stale, starts a private Redis and a temporary directory `<dirName>-…`, runs
 * `measure` in them, then stops Redis and removes the directory (whatever `measure` did). Returns the environment
 * the figures were taken in with `measure`'s result.
 */
export async function inCatalogueBench<T>(
  dirName: string,
  command: string,
  measure: (bench: CatalogueBench) => Promise<T>,
): Promise<{ env: Environment; result: T }> {
  console.log(ensureBuild() ? 'next build done' : 'next build is fresh');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `${dirName}-`));
  const redis = await startPrivateRedis({ core: 1 });
  const env = captureEnvironment(redis, command);
  try {
    return { env, result: await measure({ work, redis }) };
  } finally {
    await redis.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
const POLL_MS = 250;

export interface WarmUpRun {
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

export interface MemoryRun {
  compression: string;
  usedBefore: number;
  usedAfter: number;
  modelKeys: number;
  sampled: number;
  meanModelBytes: number;
}

export interface Latency {
  name: string;
  n: number;
  p50: number;
  p99: number;
}

export function productCount(quick: boolean): number {
  const flag = process.argv.find((a) => a.startsWith('--products='));
  const value = flag ? flag.slice('--products='.length) : process.env.BENCH_CATALOGUE_PRODUCTS;
  if (value) {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 13 || n > 12_013) throw new Error(`--products must be an integer from 13 to 12013, not ${value}`);
    return n;
  }
  return quick ? 60 : 2000;
}

export async function seedOnce(file: string, products: number): Promise<void> {
  const store = openSqliteStore(file);
  try {
    await seedDemoHistoryIfEmpty(store.sales, END_DATE, products);
  } finally {
    await store.close();
  }
}

/** A copy of a SQLite database (closed, so its WAL is checkpointed into the main file). */
export function copyDatabase(from: string, to: string): void {
  fs.copyFileSync(from, to);
}

export async function startServers(
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
            CACHE_ADMIN_RATE_LIMIT: '100000',
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
export async function runWarmUp(servers: NextServer[], trainTasks: number): Promise<WarmUpRun> {
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

export async function usedMemory(redis: PrivateRedis): Promise<number> {
  const info = await redis.admin.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

/** Mean MEMORY USAGE of up to `sample` model keys of the prefix (SCAN, never KEYS). */
export async function modelKeyBytes(redis: PrivateRedis, prefix: string, sample: number): Promise<{ keys: number; sampled: number; mean: number }> {
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

export async function latencies(server: NextServer, n: number): Promise<Latency[]> {
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

/**
 * Why jobs failed: the newest failed jobs the API lists (up to 100), grouped by kind and error with the product's
 * name and numbers taken out, most frequent first; and how many failed jobs the queue holds in all.
 */
export async function failureReasons(server: NextServer): Promise<{ total: number; sampled: number; reasons: { reason: string; count: number }[] }> {
  const jobs = (await (await fetch(`${server.url}/api/ai/jobs`, { signal: AbortSignal.timeout(30_000) })).json()) as JobsResponse;
  const counts = new Map<string, number>();
  for (const job of jobs.failed) {
    const error = job.error.split(job.product).join('<product>').replace(/\d+/g, 'N');
    const reason = `${job.kind}: ${error.slice(0, 160)}`;
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const reasons = [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
  return { total: jobs.counts?.failed ?? jobs.failed.length, sampled: jobs.failed.length, reasons };
}
