/**
 * `npm run bench -- flood`: one client floods distinct uncached forecasts while another asks for cached forecasts
 * and health, against `next start` with a private Redis — once with forecasts computed on the main thread and no
 * admission limits (how the service behaved before), once with the defaults (worker threads, per-client and total
 * limits). The flooding client connects from 127.0.0.2, the measured one from 127.0.0.1: two callers to admission.
 * Goal: the second client's p99 ≤ 50 ms during the flood.
 */
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PRODUCTS } from '@/lib/forecasting/demo-data';
import { currentAffinity } from '../lib/cpu';
import { ensureBuild, startNext } from '../lib/next-server';
import type { BenchPart } from '../lib/part';
import { startPrivateRedis } from '../lib/redis-server';
import { captureEnvironment, goalsTable, loadavg, printTables, type Goal, type Table } from '../lib/results';
import { fmtInt, fmtMs, percentiles } from '../lib/stats';

const FLOOD_CONCURRENCY = 16;
const CACHED = '/api/ai/predict?product=Bolo&days=7';

function get(base: string, target: string, localAddress: string, agent: http.Agent): Promise<{ status: number; ms: number }> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.get({ host: url.hostname, port: url.port, path: target, localAddress, agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }));
    });
    request.setTimeout(60_000, () => request.destroy(new Error(`${target} timed out`)));
    request.on('error', reject);
  });
}

interface ModeResult {
  mode: string;
  predict: number[];
  health: number[];
  flood: Record<string, number>;
}

async function runMode(base: string, mode: string, durationMs: number): Promise<ModeResult> {
  const floodAgent = new http.Agent({ keepAlive: true, maxSockets: FLOOD_CONCURRENCY });
  const probeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // Distinct keys, never asked before in this server: every product × horizons 150..349.
  const keys = DEMO_PRODUCTS.flatMap((p) =>
    Array.from({ length: 200 }, (_, i) => `/api/ai/predict?product=${encodeURIComponent(p.name)}&days=${150 + i}`),
  );
  let next = 0;
  const flood: Record<string, number> = {};
  const until = performance.now() + durationMs;
  const flooders = Array.from({ length: FLOOD_CONCURRENCY }, async () => {
    while (performance.now() < until && next < keys.length) {
      const { status } = await get(base, keys[next++]!, '127.0.0.2', floodAgent);
      flood[status] = (flood[status] ?? 0) + 1;
    }
  });
  const predict: number[] = [];
  const health: number[] = [];
  const probe = (async () => {
    while (performance.now() < until) {
      const p = await get(base, CACHED, '127.0.0.1', probeAgent);
      if (p.status !== 200) throw new Error(`cached predict answered ${p.status}`);
      predict.push(p.ms);
      const h = await get(base, '/api/ai/health', '127.0.0.1', probeAgent);
      if (h.status !== 200) throw new Error(`health answered ${h.status}`);
      health.push(h.ms);
    }
  })();
  await Promise.all([...flooders, probe]);
  floodAgent.destroy();
  probeAgent.destroy();
  return { mode, predict, health, flood };
}

function p(values: number[], q: number): number {
  return percentiles(Float64Array.from(values), values.length, [q])[0]!;
}

export const flood: BenchPart = {
  name: 'flood',
  title: 'Flood: one client’s uncached forecasts vs another client’s cached ones',
  async run({ quick, command }) {
    const durationMs = quick ? 4_000 : 15_000;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-flood-'));
    const redis = await startPrivateRedis({ core: 1 });
    const env = captureEnvironment(redis, command, currentAffinity());
    console.log(ensureBuild() ? 'next build done' : 'next build is fresh');
    const modes: { mode: string; env: Record<string, string> }[] = [
      { mode: 'main thread, no limits (before)', env: { FORECAST_WORKERS: '0', FORECAST_QUEUE_MAX: '10000', FORECAST_MAX_PER_CLIENT: '10000' } },
      { mode: 'worker threads + admission (defaults)', env: {} },
      { mode: 'defaults, FORECAST_WORKER_NICE=10', env: { FORECAST_WORKER_NICE: '10' } },
    ];
    const results: ModeResult[] = [];
    try {
      for (const [i, m] of modes.entries()) {
        const server = await startNext({
          env: {
            REDIS_HOST: '127.0.0.1',
            REDIS_PORT: String(redis.port),
            REDIS_DB: String(i),
            DATABASE_PATH: path.join(work, `sales-${i}.db`),
            LOG_FILE: path.join(work, `service-${i}.log`),
            LOG_LEVEL: 'warn',
            CACHE_AUTO_WARMUP: 'false',
            CACHE_SMART_WARMUP: 'off',
            ...m.env,
          },
          core: 'all', // the forecast workers need the second core
          readyPath: '/api/ping',
          logFile: path.join(work, `next-${i}.log`),
        });
        try {
          // Models trained and the probe's forecast cached before the clock starts.
          for (const product of DEMO_PRODUCTS)
            await get(server.url, `/api/ai/predict?product=${encodeURIComponent(product.name)}&days=1`, '127.0.0.1', new http.Agent());
          await get(server.url, CACHED, '127.0.0.1', new http.Agent());
          console.log(`${m.mode}: flooding for ${durationMs / 1000} s (load ${loadavg().join(' ')})`);
          results.push(await runMode(server.url, m.mode, durationMs));
        } finally {
          await server.stop();
        }
      }
    } finally {
      await redis.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
    const tables: Table[] = [
      {
        title: `Client B (127.0.0.1) during ${durationMs / 1000} s of client A (127.0.0.2, ${FLOOD_CONCURRENCY} concurrent) asking for distinct uncached forecasts`,
        columns: ['mode', 'cached predict p50', 'p99', 'health p50', 'p99', 'B requests', 'A: 200', 'A: 429', 'A: 503'],
        rows: results.map((r) => [
          r.mode,
          fmtMs(p(r.predict, 50)),
          fmtMs(p(r.predict, 99)),
          fmtMs(p(r.health, 50)),
          fmtMs(p(r.health, 99)),
          fmtInt(r.predict.length + r.health.length),
          fmtInt(r.flood[200] ?? 0),
          fmtInt(r.flood[429] ?? 0),
          fmtInt(r.flood[503] ?? 0),
        ]),
        note: 'Both clients and the server share the machine’s two cores: B’s latencies include waiting for a core.',
      },
    ];
    const after = results[1]!;
    const goals: Goal[] = [
      {
        name: 'cached predict p99 during the flood (defaults)',
        target: '≤ 50 ms',
        actual: fmtMs(p(after.predict, 99)),
        pass: p(after.predict, 99) <= 50,
      },
      { name: 'health p99 during the flood (defaults)', target: '≤ 50 ms', actual: fmtMs(p(after.health, 99)), pass: p(after.health, 99) <= 50 },
    ];
    tables.push(goalsTable(goals));
    printTables(tables);
    return {
      env,
      config: { durationMs, floodConcurrency: FLOOD_CONCURRENCY, quick },
      tables,
      goals,
      figures: results.map((r) => ({
        mode: r.mode,
        predictMs: { p50: p(r.predict, 50), p99: p(r.predict, 99) },
        healthMs: { p50: p(r.health, 50), p99: p(r.health, 99) },
        flood: r.flood,
      })),
    };
  },
};
