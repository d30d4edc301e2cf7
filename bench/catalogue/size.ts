/**
 * Catalogue size: do the operator's calls stay as fast at 10,000 products as at 2,000? For each size, in one run:
 * the demo catalogue seeded into a fresh SQLite file, two service processes on a private Redis (emptied between
 * sizes), a warm-up followed to its end (every product trained, its model and default forecasts cached), then the
 * latencies of `cache/info` (with its key breakdown), a product-list page, a search (`q=pao`) and the clear of one
 * product — the same requests as the catalogue part.
 * `npm run bench -- catalogue-size [--sizes=2000,10000] [--quick]`.
 */
import path from 'node:path';
import type { CacheInfo } from '@/lib/api-types';
import type { BenchPart } from '../lib/part';
import { goalsTable, printTables, type Goal, type Table } from '../lib/results';
import { fmtMs, fmtRatio } from '../lib/stats';
import {
  END_DATE,
  failureReasons,
  inCatalogueBench,
  latencies,
  runWarmUp,
  seedOnce,
  startServers,
  usedMemory,
  type Latency,
  type WarmUpRun,
} from './harness';

/** "As fast": the median at the largest size within this factor of the median at the smallest. */
const SLOWDOWN_ALLOWED = 1.5;

interface SizeRun {
  products: number;
  seedS: number;
  warmUp: WarmUpRun;
  keys: CacheInfo['cache_breakdown'];
  failures: Awaited<ReturnType<typeof failureReasons>>;
  usedMemory: number;
  latency: Latency[];
}

function sizes(quick: boolean): number[] {
  const flag = process.argv.find((a) => a.startsWith('--sizes='));
  if (!flag) return quick ? [30, 60] : [2000, 10_000];
  const values = flag.slice('--sizes='.length).split(',').map(Number);
  if (values.length < 2 || values.some((n) => !Number.isInteger(n) || n < 13 || n > 12_013)) {
    throw new Error(`--sizes must be two or more integers from 13 to 12013, comma-separated, not ${flag.slice('--sizes='.length)}`);
  }
  return values.sort((a, b) => a - b);
}

async function countedInfo(url: string): Promise<CacheInfo> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const info = (await (await fetch(`${url}/api/ai/cache/info`)).json()) as CacheInfo;
    // Models and forecasts both: a count from the warm-up's train phase has models but no forecasts yet.
    if ((info.cache_breakdown.models > 0 && info.cache_breakdown.predictions > 0) || Date.now() > deadline) return info;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export const catalogueSize: BenchPart = {
  name: 'catalogue-size',
  title: 'Catalogue size: cache/info, list, search and clear of one product at 2,000 and at 10,000 products',
  async run({ quick, command }) {
    const counts = sizes(quick);
    const requests = quick ? 20 : 200;
    const runs: SizeRun[] = [];
    const { env } = await inCatalogueBench('bench-catalogue-size', command, async ({ work, redis }) => {
      for (const products of counts) {
        await redis.admin.flushall();
        const database = path.join(work, `catalogue-${products}.db`);
        const s0 = performance.now();
        await seedOnce(database, products);
        const seedS = (performance.now() - s0) / 1000;
        console.log(`${products} products seeded in ${seedS.toFixed(1)} s`);
        const prefix = `bench_size_${products}`;
        const servers = await startServers(2, { redis, prefix, database, compression: 'auto', work, products });
        try {
          console.log(`warm-up of ${products} products, 2 workers…`);
          const warmUp = await runWarmUp(servers, products);
          console.log(`  ${warmUp.wallS.toFixed(1)} s, ${warmUp.failed} failed`);
          const failures = await failureReasons(servers[0]!);
          for (const r of failures.reasons) console.log(`  ${r.count} × ${r.reason}`);
          // The key breakdown is a background count (up to 15 s old): wait for one taken after the warm-up.
          const info = await countedInfo(servers[0]!.url);
          const memory = await usedMemory(redis);
          console.log('latencies…');
          const latency = await latencies(servers[0]!, requests);
          runs.push({ products, seedS, warmUp, keys: info.cache_breakdown, failures, usedMemory: memory, latency });
        } finally {
          await Promise.all(servers.map((s) => s.stop()));
        }
      }
    });

    const small = runs[0]!;
    const large = runs[runs.length - 1]!;
    const goals: Goal[] = small.latency.map((l, i) => {
      const ratio = large.latency[i]!.p50 / l.p50;
      return {
        name: `${l.name}: median at ${large.products} products against ${small.products}`,
        target: `≤ ${SLOWDOWN_ALLOWED}×`,
        actual: `${fmtRatio(ratio)} (${fmtMs(l.p50)} → ${fmtMs(large.latency[i]!.p50)})`,
        pass: ratio <= SLOWDOWN_ALLOWED,
      };
    });
    const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
    const tables: Table[] = [
      {
        title: `Latencies by catalogue size, cache warm (${requests} sequential requests each)`,
        columns: ['request', ...runs.flatMap((r) => [`p50 at ${r.products}`, `p99 at ${r.products}`])],
        rows: small.latency.map((l, i) => [l.name, ...runs.flatMap((r) => [fmtMs(r.latency[i]!.p50), fmtMs(r.latency[i]!.p99)])]),
        note: 'Each clear removes a different product (its model, forecasts and grace copies) from Redis and every instance.',
      },
      {
        title: 'What was cached at each size when the latencies were taken',
        columns: ['products', 'seeded in', 'warm-up (2 workers)', 'failed', 'models', 'predictions', 'Redis used_memory'],
        rows: runs.map((r) => [
          String(r.products),
          `${r.seedS.toFixed(1)} s`,
          `${r.warmUp.wallS.toFixed(1)} s`,
          String(r.warmUp.failed),
          String(r.keys.models),
          String(r.keys.predictions),
          mib(r.usedMemory),
        ]),
        note: 'Key counts are cache/info’s breakdown (the cache’s own bookkeeping, refreshed in the background).',
      },
      {
        title: 'Why jobs failed (the newest failed jobs the jobs API lists, grouped)',
        columns: ['products', 'failed jobs in the queue', 'sampled', 'reason (kind: error, names and numbers taken out)', 'count'],
        rows: runs.flatMap((r) =>
          r.failures.reasons.map((f, i) => [
            i === 0 ? String(r.products) : '',
            i === 0 ? String(r.failures.total) : '',
            i === 0 ? String(r.failures.sampled) : '',
            f.reason,
            String(f.count),
          ]),
        ),
      },
      goalsTable(goals),
    ];
    printTables(tables);
    return {
      env,
      config: { sizes: counts, requests, endDate: END_DATE, workers: 2, jobConcurrency: 1, compression: 'auto' },
      tables,
      goals,
      figures: { runs },
    };
  },
};
