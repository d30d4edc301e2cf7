/**
 * Smart warm-up: a deterministic synthetic request trace (a week of history, then the replayed day) with a daily
 * rhythm per product, a weekly rhythm, bursts and a long tail over the catalogue (9 products × 5 horizons),
 * replayed in accelerated time against the real forecasting service, cache library and usage tracking, each
 * strategy on its own private Redis:
 *
 * - `none`: no warm-up;
 * - `fixed`: the fixed plan (every product × 7 and 30 days) at the start and every hour;
 * - `usage`: the usage-based plan (top-K pairs of the last 24 h) at the start and every hour;
 * - `predictive`: the usage-based plan at the start, then the predictive scheduler (Prophet over the hourly usage,
 *   pre-warm before expected demand, refresh-ahead of hot keys) every 30 simulated seconds.
 *
 * Time runs `ACCELERATION` times faster than real time: the cache's TTLs are divided by it (a 300 s forecast TTL
 * lives 2 s), and the scheduler and the usage counts run on the simulated clock. Per strategy: hit rate, p50/p99
 * latency of the replayed requests, forecasts computed, Redis memory at the end; misses on the hot keys (the 10
 * most requested pairs of the replayed day). Every ratio comes from one run. `BENCH_DEBUG=1` prints each hot-key
 * miss and each scheduler run (simulated minute, outcome, pairs refreshed and pre-warmed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createForecastingService, fitModel, openSqliteStore, type ForecastingService } from '@/lib/forecasting';
import { DEMO_PRODUCTS } from '@/lib/forecasting/demo-data';
import { Random } from '@/lib/forecasting/prng';
import { SmartScheduler } from '@/lib/forecasting/smart-scheduler';
import { usageWarmUpPlan } from '@/lib/forecasting/usage-plan';
import { topPairs } from '@/lib/forecasting/usage-ranking';
import { WARMUP_HORIZONS, warmUpPlan, type WarmableForecasting } from '@/lib/forecasting/warmup';
import { createCacheSystem, type CacheSystem, type WarmUpTask } from '@/lib/redis-cache';
import type { BenchPart } from '../lib/part';
import { startPrivateRedis, type PrivateRedis } from '../lib/redis-server';
import { captureEnvironment, goalsTable, printTables, type Goal, type Table } from '../lib/results';
import { fmtInt } from '../lib/stats';

const HOUR_MS = 3_600_000;
/**
 * Simulated milliseconds per real millisecond: an hour replays in 24 s. Faster starves the CPU-bound parts (a
 * forecast computed per miss or refresh, the scheduler's Prophet fits) of simulated time on a loaded 2-core
 * machine, and measures the overload instead of the strategy.
 */
const ACCELERATION = 150;
const HORIZONS = [7, 14, 30, 60, 90] as const;
const HORIZON_SHARE = [0.5, 0.12, 0.25, 0.08, 0.05];
const HISTORY_DAYS = 7;
/** The replayed day starts here (simulated): a Monday, after a week of history. */
const DAY0 = Date.UTC(2026, 10, 2);
const REPLAY_START = DAY0 + HISTORY_DAYS * 24 * HOUR_MS;
/**
 * Pairs the usage-based and predictive strategies warm: the fixed plan's size (every product × its two horizons,
 * 26), so all three warm the same number of keys and the comparison is of what each chooses, not of how much.
 */
const TOP_K = DEMO_PRODUCTS.length * WARMUP_HORIZONS.length;
const PREDICTION_TTL_S = 300;
const SCHEDULER_INTERVAL_S = 30;
const END_DATE = '2026-10-31';
const HOT_KEYS = 10;

type Strategy = 'none' | 'fixed' | 'usage' | 'predictive';
const STRATEGIES: Strategy[] = ['none', 'fixed', 'usage', 'predictive'];

interface Request {
  t: number;
  product: string;
  days: number;
}

/** Peak hour (UTC) and weekend factor per product: breads in the morning, snacks at lunch and evening, sweets in the afternoon. */
function rhythmOf(index: number): { peak: number; weekend: number } {
  const peaks = [7, 8, 15, 16, 12, 7, 9, 17, 18];
  return { peak: peaks[index % peaks.length]!, weekend: index % 3 === 2 ? 1.3 : 0.8 };
}

/** The trace from DAY0 for `hours` hours, deterministic (seeded), sorted by time. */
export function trace(hours: number, requestsPerHour: number): Request[] {
  const rng = new Random(20261102);
  const products = DEMO_PRODUCTS.map((p) => p.name);
  // Long tail: Zipf popularity over the products (rank^-1.1), normalised.
  const zipf = products.map((_, i) => 1 / Math.pow(i + 1, 1.1));
  const zipfSum = zipf.reduce((s, v) => s + v, 0);
  const out: Request[] = [];
  for (let h = 0; h < hours; h++) {
    const start = DAY0 + h * HOUR_MS;
    const hourOfDay = new Date(start).getUTCHours();
    const weekday = new Date(start).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    // A burst: one product asked five times as much for an hour, about once a day.
    const burst = rng.uniform() < 0.04 ? Math.floor(rng.uniform() * products.length) : -1;
    products.forEach((product, i) => {
      const { peak, weekend: wf } = rhythmOf(i);
      const distance = Math.min(Math.abs(hourOfDay - peak), 24 - Math.abs(hourOfDay - peak));
      const daily = 0.1 + 3 * Math.exp(-(distance * distance) / (2 * 1.5 * 1.5));
      const mean = requestsPerHour * (zipf[i]! / zipfSum) * daily * (weekend ? wf : 1) * (burst === i ? 5 : 1);
      HORIZONS.forEach((days, j) => {
        const n = rng.poisson(mean * HORIZON_SHARE[j]!);
        for (let k = 0; k < n; k++) out.push({ t: start + Math.floor(rng.uniform() * HOUR_MS), product, days });
      });
    });
  }
  return out.sort((a, b) => a.t - b.t);
}

/** Resolves when the real clock reaches `realAt` (performance.now() ms). */
function until(realAt: number): Promise<void> {
  const wait = realAt - performance.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}

async function runTasks(groups: WarmUpTask[][]): Promise<void> {
  for (const group of groups) await Promise.all(group.map((task) => task.run().catch(() => undefined)));
}

interface StrategyResult {
  strategy: Strategy;
  requests: number;
  hits: number;
  hotRequests: number;
  hotMisses: number;
  p50: number;
  p99: number;
  computations: number;
  usedMemory: number;
  schedulerRuns: number;
}

async function replay(strategy: Strategy, history: Request[], day: Request[], hot: Set<string>, dbPath: string): Promise<StrategyResult> {
  const redis: PrivateRedis = await startPrivateRedis({ core: 1 });
  const logger = pino({ level: 'silent' });
  const cache: CacheSystem = createCacheSystem({
    logger,
    prefix: `bench_smart_${strategy}`,
    redis: { host: '127.0.0.1', port: redis.port },
    // Simulated TTLs: divided by the acceleration. Models live the whole run: only forecasts are compared.
    ttl: { predictions: PREDICTION_TTL_S / ACCELERATION, models: 10 * 24 * 3600, products: 600 / ACCELERATION },
    l1: { ttl: 60 / ACCELERATION },
  });
  const store = openSqliteStore(dbPath);
  let service: ForecastingService | null = null;
  try {
    await cache.connect();
    service = await createForecastingService({ store, cache, fit: fitModel, logger, seedDemoData: false });
    const svc = service;
    // The week of history, as the service would have counted it.
    for (const r of history) cache.usage.record(r.product, r.days, r.t);
    await cache.usage.flush();
    for (const p of DEMO_PRODUCTS) await svc.loadModel(p.name);

    let simNow = REPLAY_START;
    let computations = 0;
    const forecasting: WarmableForecasting = {
      listProductNames: async () => DEMO_PRODUCTS.map((p) => p.name),
      loadModel: (product) => svc.loadModel(product),
      predictDemand: async (product, days) => {
        const r = await svc.predictDemandDetailed(product, days);
        if (!r.cached) computations++;
        return r.value;
      },
      refreshProductList: async () => undefined,
    };
    const usagePlan = async () => {
      const { hours } = await cache.usage.hours(simNow - 23 * HOUR_MS, simNow);
      return usageWarmUpPlan(forecasting, { ranking: topPairs(hours, TOP_K), topK: TOP_K, budgetBytes: Number.MAX_SAFE_INTEGER });
    };
    const versions = new Map<string, number>();
    for (const p of DEMO_PRODUCTS) versions.set(p.name, (await store.models.latestVersion(p.name)) ?? 0);
    const scheduler = new SmartScheduler(
      {
        usageHours: async (from, to) => (await cache.usage.hours(from, to)).hours,
        exclusive: (fn) => fn(),
        predictionTtl: async (product, days) => {
          const ms = await redis.admin.pttl(cache.keys.prediction(product, days, undefined, versions.get(product)));
          return ms < 0 ? -2 : (ms * ACCELERATION) / 1000;
        },
        warm: async (product, days) => void (await forecasting.predictDemand(product, days)),
        refresh: async (product, days) => {
          computations++;
          await svc.refreshPrediction(product, days);
        },
        now: () => simNow,
      },
      { topK: TOP_K, predictionTtlS: PREDICTION_TTL_S, intervalS: SCHEDULER_INTERVAL_S, backgroundFits: false },
    );

    // The strategy's start: what a warm-up at start-up loads.
    if (strategy === 'fixed') await runTasks(await warmUpPlan(forecasting));
    // A scheduler runs continuously in production: its first fits happen before the replayed window (and before
    // the start-up warm-up, whose forecasts would otherwise expire while the fits run).
    if (strategy === 'predictive') await scheduler.run();
    if (strategy === 'usage' || strategy === 'predictive') await runTasks(await usagePlan());
    computations = 0;

    const latencies = new Float64Array(day.length);
    let hits = 0;
    let hotMisses = 0;
    let hotRequests = 0;
    let schedulerRuns = 0;
    // The simulated clock, which can be paused: in production the hourly volume fits (about a second on this
    // machine) take a negligible part of the hour, but at × ACCELERATION they would take simulated minutes in
    // which nothing else runs — the clock stops while they run, so the replay measures the policy, not the
    // acceleration.
    const realStart = performance.now();
    let pausedMs = 0;
    let pause: Promise<void> | null = null;
    const simAt = (real: number) => REPLAY_START + (real - realStart - pausedMs) * ACCELERATION;
    const toReal = (t: number) => realStart + pausedMs + (t - REPLAY_START) / ACCELERATION;
    /** Waits until the simulated clock reaches `t` (re-checked after a pause moved the mapping). */
    const untilSim = async (t: number) => {
      for (;;) {
        if (pause) await pause;
        if (performance.now() >= toReal(t)) return;
        await until(toReal(t));
      }
    };
    let stop = false;
    const clock = setInterval(() => {
      if (!pause) simNow = simAt(performance.now());
    }, 1);
    // Background work on the simulated clock: hourly warm-ups, or the scheduler every 30 simulated seconds.
    const background = (async () => {
      let nextHour = REPLAY_START + HOUR_MS;
      while (!stop) {
        if (strategy === 'predictive') {
          if (scheduler.fitsDue(simNow)) {
            const pausedAt = performance.now();
            let resume!: () => void;
            pause = new Promise<void>((resolve) => (resume = resolve));
            await scheduler.run();
            pausedMs += performance.now() - pausedAt;
            pause = null;
            resume();
          } else await scheduler.run();
          schedulerRuns++;
          const last = scheduler.lastRun;
          if (process.env.BENCH_DEBUG && last)
            console.log(
              `    run +${((last.at - REPLAY_START) / 60_000).toFixed(1)} min ${last.outcome} refreshed ${last.refreshed.length} prewarmed ${last.prewarmed.length} ${last.error ?? ''}`,
            );
          await untilSim(simNow + SCHEDULER_INTERVAL_S * 1000);
        } else if (strategy === 'fixed' || strategy === 'usage') {
          await untilSim(nextHour);
          if (stop) break;
          await runTasks(strategy === 'fixed' ? await warmUpPlan(forecasting) : await usagePlan());
          nextHour += HOUR_MS;
        } else break;
      }
    })();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < day.length; i++) {
      const r = day[i]!;
      await untilSim(r.t);
      const started = performance.now();
      const id = `${r.product}:${r.days}`;
      cache.usage.record(r.product, r.days, r.t);
      inFlight.push(
        svc.predictDemandDetailed(r.product, r.days).then((result) => {
          latencies[i] = performance.now() - started;
          if (result.cached) hits++;
          else computations++;
          if (hot.has(id)) {
            hotRequests++;
            if (!result.cached) {
              hotMisses++;
              if (process.env.BENCH_DEBUG) console.log(`    hot miss ${id} at +${((r.t - REPLAY_START) / 60_000).toFixed(1)} min`);
            }
          }
        }),
      );
    }
    await Promise.all(inFlight);
    stop = true;
    await background;
    clearInterval(clock);
    const sorted = Array.from(latencies).sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    const info = await redis.admin.info('memory');
    const usedMemory = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    return {
      strategy,
      requests: day.length,
      hits,
      hotRequests,
      hotMisses,
      p50: pct(0.5),
      p99: pct(0.99),
      computations,
      usedMemory,
      schedulerRuns,
    };
  } finally {
    await service?.close();
    await cache.close();
    await store.close();
    await redis.stop();
  }
}

export const smart: BenchPart = {
  name: 'smart',
  title: 'Smart warm-up: none, fixed plan, usage-based, predictive (+ refresh-ahead) on one synthetic trace',
  async run({ quick, command }) {
    // The day's morning (06:00–12:00, every product's peak but the evening snacks'), or its first two hours for a
    // quick run: about 10 minutes for the four strategies.
    const replayHours = quick ? 2 : 6;
    const requestsPerHour = 300;
    const replayFrom = REPLAY_START + 6 * HOUR_MS;
    const all = trace(HISTORY_DAYS * 24 + 24, requestsPerHour);
    const history = all.filter((r) => r.t < replayFrom);
    // Shifted so the replay starts at REPLAY_START (the replayed window keeps its hours of the day).
    const day = all
      .filter((r) => r.t >= replayFrom && r.t < replayFrom + replayHours * HOUR_MS)
      .map((r) => ({ ...r, t: r.t - (replayFrom - REPLAY_START) }));
    const historyShifted = history.map((r) => ({ ...r, t: r.t - (replayFrom - REPLAY_START) }));
    const hot = new Set(topPairs([{ hour: 0, counts: countsOf(day) }], HOT_KEYS).map((p) => `${p.product}:${p.days}`));

    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smart-'));
    const dbPath = path.join(work, 'sales.db');
    const probe = await startPrivateRedis({ core: 1 });
    const env = captureEnvironment(probe, command);
    await probe.stop();
    // One database for every strategy: the demo history and a model per product, trained once before any replay.
    {
      const store = openSqliteStore(dbPath);
      const cache = createCacheSystem({ logger: pino({ level: 'silent' }), enabled: false });
      const service = await createForecastingService({
        store,
        cache,
        fit: fitModel,
        seedDemoData: true,
        demoEndDate: END_DATE,
        logger: pino({ level: 'silent' }),
      });
      for (const p of DEMO_PRODUCTS) await service.loadModel(p.name);
      await service.close();
      await cache.close();
      await store.close();
    }
    const results: StrategyResult[] = [];
    try {
      for (const strategy of STRATEGIES) {
        console.log(`  replaying ${day.length} requests over ${replayHours} simulated hours: ${strategy}`);
        results.push(await replay(strategy, historyShifted, day, hot, dbPath));
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }

    const by = Object.fromEntries(results.map((r) => [r.strategy, r])) as Record<Strategy, StrategyResult>;
    const rate = (r: StrategyResult) => (100 * r.hits) / r.requests;
    const rows = results.map((r) => [
      r.strategy,
      `${rate(r).toFixed(1)} %`,
      `${r.p50.toFixed(2)} ms`,
      `${r.p99.toFixed(1)} ms`,
      fmtInt(r.computations),
      `${fmtInt(r.hotMisses)} / ${fmtInt(r.hotRequests)}`,
      `${(r.usedMemory / 1024 / 1024).toFixed(2)} MiB`,
    ]);
    const removed = by.fixed.hotMisses === 0 ? 1 : 1 - by.predictive.hotMisses / by.fixed.hotMisses;
    const goals: Goal[] = [
      {
        name: 'hit rate: predictive ≥ usage-based ≥ fixed plan',
        target: '≥, ≥',
        actual: `${rate(by.predictive).toFixed(1)} ≥ ${rate(by.usage).toFixed(1)} ≥ ${rate(by.fixed).toFixed(1)}`,
        pass: rate(by.predictive) >= rate(by.usage) && rate(by.usage) >= rate(by.fixed),
      },
      {
        name: `hot-key misses removed by predictive + refresh-ahead, against the fixed plan (${HOT_KEYS} hottest pairs)`,
        target: '≥ 90 %',
        actual: `${(100 * removed).toFixed(1)} % (${by.fixed.hotMisses} → ${by.predictive.hotMisses})`,
        pass: removed >= 0.9,
      },
    ];
    const tables: Table[] = [
      {
        title: 'Per strategy, one replay each of the same trace',
        columns: ['strategy', 'hit rate', 'p50', 'p99', 'forecasts computed', 'hot-key misses / requests', 'Redis used_memory'],
        rows,
        note:
          `${day.length} requests over ${replayHours} simulated hours (${requestsPerHour}/h on average, ${DEMO_PRODUCTS.length} products × ${HORIZONS.length} horizons, ` +
          `Zipf popularity, per-product daily peaks, weekend factor, bursts), after ${HISTORY_DAYS} days of recorded usage; time × ${ACCELERATION} ` +
          `(forecast TTL ${PREDICTION_TTL_S} s simulated, ${(PREDICTION_TTL_S / ACCELERATION).toFixed(1)} s real), K = ${TOP_K}. Fixed and usage-based warm up at the start and every simulated hour; ` +
          `predictive warms up by usage at the start, then its scheduler runs every ${SCHEDULER_INTERVAL_S} simulated seconds ` +
          `(${by.predictive.schedulerRuns} runs). "Forecasts computed" counts every forecast computed during the replay, by requests and by warm-ups.`,
      },
      goalsTable(goals),
    ];
    printTables(tables);
    return {
      env,
      config: { acceleration: ACCELERATION, replayHours, requestsPerHour, topK: TOP_K, predictionTtlS: PREDICTION_TTL_S, hotKeys: HOT_KEYS },
      tables,
      goals,
      figures: results,
    };
  },
};

function countsOf(requests: Request[]): { product: string; days: number; count: number }[] {
  const m = new Map<string, { product: string; days: number; count: number }>();
  for (const r of requests) {
    const id = `${r.product}:${r.days}`;
    const c = m.get(id);
    if (c) c.count++;
    else m.set(id, { product: r.product, days: r.days, count: 1 });
  }
  return [...m.values()];
}
