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
import path from 'node:path';
import type { BenchPart } from '../lib/part';
import type { NextServer } from '../lib/next-server';
import { goalsTable, printTables, type Goal, type Table } from '../lib/results';
import { fmtMs, fmtRatio } from '../lib/stats';
import {
  copyDatabase,
  END_DATE,
  inCatalogueBench,
  latencies,
  modelKeyBytes,
  productCount,
  runWarmUp,
  seedOnce,
  startServers,
  usedMemory,
  type MemoryRun,
  type WarmUpRun,
} from './harness';

/** A model artifact in Redis before compression (the figure): the memory goal is a third of it. */
const MODEL_BYTES_BEFORE = 49 * 1024;

export const catalogue: BenchPart = {
  name: 'catalogue',
  title: 'Catalogue: warm-up as jobs over 1 and 2 workers, Redis memory with compression off and auto, latencies at size',
  async run({ quick, command }) {
    const products = productCount(quick);
    const requests = quick ? 20 : 200;
    const runs: WarmUpRun[] = [];
    const memory: MemoryRun[] = [];
    const {
      env,
      result: { seedS, latency },
    } = await inCatalogueBench('bench-catalogue', command, async ({ work, redis }) => {
      const seeded = path.join(work, 'seeded.db');
      const s0 = performance.now();
      await seedOnce(seeded, products);
      const seedS = (performance.now() - s0) / 1000;
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
        return { seedS, latency: await latencies(last[0]!, requests) };
      } finally {
        await Promise.all(last.map((s) => s.stop()));
      }
    });

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
