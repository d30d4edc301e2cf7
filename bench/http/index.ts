/**
 * HTTP: autocannon against `next start` (production build), private Redis. A cached `GET /api/ai/predict`
 * against the same request with caching disabled (CACHE_ENABLED=false, a second server on the same database)
 * and against the trivial `GET /api/ping` of the cached server (the floor). Targets alternate over rounds.
 * The server runs on core 0; Redis and the load generator share core 1.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currentAffinity, pinPrefix } from '../lib/cpu';
import { ensureBuild, startNext, type NextServer } from '../lib/next-server';
import type { BenchPart } from '../lib/part';
import { startPrivateRedis } from '../lib/redis-server';
import { captureEnvironment, goalsTable, printTables, type Goal, type Table } from '../lib/results';
import { fmtInt, fmtMs, spread } from '../lib/stats';

interface CannonResult {
  requests: number;
  rpsExact: number;
  latency: { mean: number; p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  wrongStatus: number;
  durationSec: number;
}

const PRODUCT = 'Pão de Açúcar';
const DAYS = 30;

/** 50 connections: autocannon. 1 connection: a sequential client with µs resolution. Both pinned to core 1. */
function cannon(url: string, connections: number, duration: number): CannonResult {
  const worker = path.join('bench', 'http', connections === 1 ? 'sequential-worker.ts' : 'autocannon-worker.ts');
  const [cmd, ...args] = [
    ...pinPrefix(1),
    process.execPath,
    '--import',
    'tsx',
    worker,
    JSON.stringify({ url, connections, duration, expectStatus: 200 }),
  ];
  const out = execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  return JSON.parse(out) as CannonResult;
}

async function check(url: string, expectCache: 'HIT' | 'MISS' | null): Promise<string> {
  const res = await fetch(url);
  const body = (await res.json()) as { predictions?: unknown[] } & Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
  const xcache = res.headers.get('x-cache');
  if (expectCache && xcache !== expectCache) throw new Error(`${url}: X-Cache ${xcache}, expected ${expectCache}`);
  return xcache ?? '';
}

export const http: BenchPart = {
  name: 'http',
  title: 'HTTP: GET /api/ai/predict with and without the cache, against a trivial route',
  async run({ quick, command }) {
    const rounds = quick ? 1 : 3;
    const duration = quick ? 2 : 5;
    const c1Duration = quick ? 2 : 3;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-http-'));
    const redis = await startPrivateRedis({ core: 1 });
    const env = captureEnvironment(
      redis,
      command,
      currentAffinity() === '0' ? '0 (next-server; autocannon on core 1 with Redis)' : `unpinned (${currentAffinity()})`,
    );
    const servers: NextServer[] = [];
    const samples: Record<string, CannonResult[]> = {};
    const add = (k: string, r: CannonResult) => {
      if (r.errors || r.timeouts || r.non2xx || r.wrongStatus)
        throw new Error(`${k}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx`);
      (samples[k] ??= []).push(r);
    };
    try {
      console.log(ensureBuild() ? 'next build done' : 'next build is fresh');
      const common = {
        REDIS_HOST: '127.0.0.1',
        REDIS_PORT: String(redis.port),
        DATABASE_PATH: path.join(work, 'sales.db'),
        LOG_FILE: path.join(work, 'service.log'),
        CACHE_AUTO_WARMUP: 'false',
      };
      const cached = await startNext({
        env: { ...common, CACHE_ENABLED: 'true' },
        core: 0,
        readyPath: '/api/ai/products',
        logFile: path.join(work, 'cached.log'),
      });
      servers.push(cached);
      const q = `/api/ai/predict?product=${encodeURIComponent(PRODUCT)}&days=${DAYS}`;
      // First call trains and stores the model (or finds it): afterwards both servers read the same model.
      await check(cached.url + q, null);
      await check(cached.url + q, 'HIT');
      const uncached = await startNext({
        env: { ...common, CACHE_ENABLED: 'false' },
        core: 0,
        readyPath: '/api/ai/products',
        logFile: path.join(work, 'uncached.log'),
        exclude: [cached.port],
      });
      servers.push(uncached);
      await check(uncached.url + q, null);

      const targets: [string, string][] = [
        ['predict, cache', cached.url + q],
        ['predict, no cache', uncached.url + q],
        ['ping (floor)', cached.url + '/api/ping'],
      ];
      for (const [, url] of targets) cannon(url, 50, 1); // warm-up: JIT, connection pools, L1
      for (let r = 0; r < rounds; r++) {
        for (const [name, url] of targets) add(`${name}@50`, cannon(url, 50, duration));
        for (const [name, url] of targets) add(`${name}@1`, cannon(url, 1, c1Duration));
        console.log(`  round ${r + 1}/${rounds} done`);
      }
    } finally {
      for (const s of servers) await s.stop();
      await redis.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }

    const fig = (k: string) => {
      const s = samples[k] ?? [];
      return {
        rps: spread(s.map((x) => x.rpsExact)),
        meanMs: spread(s.map((x) => x.latency.mean)),
        p50Ms: spread(s.map((x) => x.latency.p50)),
        p99Ms: spread(s.map((x) => x.latency.p99)),
        requests: s.reduce((n, x) => n + x.requests, 0),
      };
    };
    const figures = Object.fromEntries(Object.keys(samples).map((k) => [k, fig(k)]));
    const tables: Table[] = [50, 1].map((c) => ({
      title: `${c} connection${c > 1 ? 's' : ''} — ${rounds} rounds × ${c > 1 ? duration : c1Duration} s per target, median (min–max)`,
      columns: ['target', 'req/s', 'min–max', 'mean', ...(c > 1 ? [`${c} ÷ req/s`] : []), 'p50', 'p99'],
      rows: Object.keys(samples)
        .filter((k) => k.endsWith(`@${c}`))
        .map((k) => {
          const f = figures[k];
          return [
            k.split('@')[0],
            fmtInt(f.rps.median),
            `${fmtInt(f.rps.min)}–${fmtInt(f.rps.max)}`,
            fmtMs(f.meanMs.median),
            ...(c > 1 ? [fmtMs((c / f.rps.median) * 1000)] : []),
            fmtMs(f.p50Ms.median),
            fmtMs(f.p99Ms.median),
          ];
        }),
      note:
        c > 1
          ? `"mean" is autocannon's mean over completed requests (requests still in flight when a run ends are not counted, which favours slow targets); "${c} ÷ req/s" is the mean a closed loop of ${c} connections implies (Little's law).`
          : undefined,
    }));
    const goals: Goal[] = [];
    for (const c of [1, 50]) {
      const a = figures[`predict, cache@${c}`]?.meanMs.median;
      const b = figures[`predict, no cache@${c}`]?.meanMs.median;
      const red = 1 - a / b;
      goals.push({
        name: `mean response time reduction, predict, ${c} conn.`,
        target: '≥ 95 %',
        actual: `${(red * 100).toFixed(1)} % (${fmtMs(a)} vs ${fmtMs(b)})`,
        pass: red >= 0.95,
      });
    }
    const cr = figures['predict, cache@50']?.rps.median;
    const pr = figures['ping (floor)@50']?.rps.median;
    goals.push({
      name: 'cached predict req/s ÷ trivial route req/s, 50 conn.',
      target: '≥ 80 %',
      actual: `${((cr / pr) * 100).toFixed(0)} % (${fmtInt(cr)} vs ${fmtInt(pr)})`,
      pass: cr / pr >= 0.8,
    });
    goals.push({
      name: 'p99, cached predict, 50 conn. (reported)',
      target: 'report',
      actual: fmtMs(figures['predict, cache@50']?.p99Ms.median),
      pass: null,
    });
    tables.push(goalsTable(goals));
    printTables(tables);
    return {
      env,
      config: {
        product: PRODUCT,
        days: DAYS,
        rounds,
        durationSec50: duration,
        durationSec1: c1Duration,
        tool: '50 connections: autocannon 9 (pipelining 1, latency in whole ms); 1 connection: sequential keep-alive node:http client (µs)',
        cacheDisabledBy: 'CACHE_ENABLED=false',
        quick,
      },
      tables,
      goals,
      figures: { ...figures, raw: samples },
    };
  },
};
