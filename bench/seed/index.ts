/**
 * The seed's metrics table, measured: model load, complete prediction (load + predict, 30 days, 1000 uncertainty
 * samples) and product list — without cache, with Redis only (L1 off) and with the full cache (L1 + Redis) —
 * median per call over many calls, speed-up against no cache. Plus what training costs (a miss on a
 * never-trained product). Uses the forecasting module's own exported functions on a demo database.
 */
import { compareNames } from '@/lib/text/names';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Forecaster, openDatabase, seedDemoHistoryIfEmpty, fitModel, sqliteStore } from '@/lib/forecasting';
import { collectGarbage, type BenchPart } from '../lib/part';
import { startPrivateRedis } from '../lib/redis-server';
import { captureEnvironment, goalsTable, printTables, type Goal, type Table } from '../lib/results';
import { fmtMs, fmtRatio, median, spread, type Spread } from '../lib/stats';
import { timeCallsBudget } from '../lib/timing';
import { cachedModes, type SeedMode } from './modes';

const PRODUCT = 'Pão de Açúcar';
const DAYS = 30;
const END_DATE = '2026-10-31';
type Op = 'model' | 'prediction' | 'products';
const OPS: { op: Op; label: string; target: number }[] = [
  { op: 'model', label: 'model load', target: 200 },
  { op: 'prediction', label: 'complete prediction (load + predict 30 d, 1000 samples)', target: 30 },
  { op: 'products', label: 'product list', target: 50 },
];

function noCacheMode(f: Forecaster): SeedMode {
  return {
    id: 'none',
    label: 'no cache',
    model: () => f.loadModel(PRODUCT),
    prediction: async () => f.predict(await f.loadModel(PRODUCT), DAYS),
    // In the service's order (pt-BR, lib/text/names.ts), so every mode answers the same list.
    products: async () => (await f.sales.listProducts()).sort((a, b) => compareNames(a.name, b.name)),
    async close() {},
  };
}

export const seed: BenchPart = {
  name: 'seed',
  title: "The seed's table: model load, prediction, product list — no cache, Redis only, full cache",
  async run({ quick, command }) {
    const rounds = quick ? 2 : 3;
    const calls = (mode: string, op: Op) => (mode === 'none' ? (op === 'products' ? (quick ? 50 : 300) : quick ? 5 : 20) : quick ? 200 : 2000);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-seed-'));
    const db = openDatabase(path.join(work, 'sales.db'));
    const forecaster = new Forecaster({ store: sqliteStore(db), fit: fitModel });
    await seedDemoHistoryIfEmpty(forecaster.sales, END_DATE);
    const products = (await forecaster.sales.listProducts()).map((p) => p.name);

    const redis = await startPrivateRedis({ core: 1 });
    const env = captureEnvironment(redis, command);
    const noCache = noCacheMode(forecaster);
    const modes: SeedMode[] = [noCache];
    const perCall: Record<string, Record<Op, number[]>> = {};
    const training: number[] = [];
    const callsMade: Record<string, Record<Op, number[]>> = {};
    const budgetMs = quick ? 300 : 1500;
    let checks = 0;
    try {
      // Training: fits on never-trained products (what a miss on a new product costs), in the calling thread.
      const fresh = products.filter((p) => p !== PRODUCT).slice(0, quick ? 1 : 4);
      for (const p of fresh) {
        const s = performance.now();
        await forecaster.train(p);
        training.push(performance.now() - s);
      }
      await forecaster.train(PRODUCT); // the model every mode loads
      modes.push(...(await cachedModes({ forecaster, redisPort: redis.port, product: PRODUCT, days: DAYS })));

      // Every mode must answer the same thing as the uncached module.
      const refPrediction = JSON.stringify((await noCache.prediction()).forecast);
      const refProducts = JSON.stringify(await noCache.products());
      for (const m of modes) {
        for (let i = 0; i < 2; i++) {
          const p = await m.prediction();
          if (JSON.stringify(p.forecast) !== refPrediction) throw new Error(`${m.id}: prediction differs from the uncached module`);
          if (JSON.stringify(await m.products()) !== refProducts) throw new Error(`${m.id}: product list differs`);
          const model = await m.model();
          if (model.product !== PRODUCT) throw new Error(`${m.id}: wrong model`);
          checks++;
        }
      }
      // Warm-up (JIT; cached modes are already warm from the checks above).
      for (const m of modes) for (const { op } of OPS) await timeCallsBudget(Math.min(50, calls(m.id, op)), 300, 3, () => m[op]());

      for (let r = 0; r < rounds; r++) {
        for (const { op } of OPS) {
          for (const m of modes) {
            collectGarbage();
            const t = await timeCallsBudget(calls(m.id, op), budgetMs, 10, () => m[op]());
            (perCall[m.id] ??= { model: [], prediction: [], products: [] })[op].push(median(t));
            (callsMade[m.id] ??= { model: [], prediction: [], products: [] })[op].push(t.length);
          }
        }
        console.log(`  round ${r + 1}/${rounds} done`);
      }
    } finally {
      for (const m of modes) await m.close().catch(() => undefined);
      await redis.stop();
      db.close();
      fs.rmSync(work, { recursive: true, force: true });
    }

    const fig: Record<string, Record<Op, Spread>> = {};
    for (const m of modes)
      fig[m.id] = { model: spread(perCall[m.id].model), prediction: spread(perCall[m.id].prediction), products: spread(perCall[m.id].products) };
    const ratio = (id: string, op: Op) => fig.none[op].median / fig[id][op].median;
    const table: Table = {
      title: `Median time per call (median of ${rounds} rounds; each round's figure is the median of many sequential calls) and speed-up vs no cache`,
      columns: ['operation', ...modes.flatMap((m) => (m.id === 'none' ? [m.label] : [m.label, '×'])), 'seed promised'],
      rows: OPS.map(({ op, label }) => [
        label,
        ...modes.flatMap((m) => (m.id === 'none' ? [fmtMs(fig[m.id][op].median)] : [fmtMs(fig[m.id][op].median), fmtRatio(ratio(m.id, op))])),
        op === 'model' ? '50–200×' : op === 'prediction' ? '10–30×' : '10–50×',
      ]),
    };
    const trainingSpread = spread(training);
    const trainTable: Table = {
      title: 'Training (a miss on a never-trained product): Prophet fit + store, in the calling thread',
      columns: ['fits', 'median', 'min', 'max'],
      rows: [[String(training.length), fmtMs(trainingSpread.median), fmtMs(trainingSpread.min), fmtMs(trainingSpread.max)]],
      note:
        `Calls per round and mode: up to ${calls('none', 'model')} (no cache: model, prediction), ${calls('none', 'products')} (no cache: products) and ` +
        `${calls('full', 'model')} (cached modes), or as many as fit in ${budgetMs / 1000} s (at least 10). Calls made: ` +
        modes.map((m) => `${m.label} ${OPS.map(({ op }) => callsMade[m.id][op].reduce((a, b) => a + b, 0)).join(' / ')}`).join('; ') +
        ' (model / prediction / products, all rounds).',
    };
    const goals: Goal[] = [];
    if (fig.full)
      for (const { op, label, target } of OPS)
        goals.push({
          name: `full cache speed-up, ${label}`,
          target: `≥ ${target}×`,
          actual: fmtRatio(ratio('full', op)),
          pass: ratio('full', op) >= target,
        });
    if (fig.redis)
      for (const { op, label } of OPS)
        goals.push({ name: `Redis only (L1 off) speed-up, ${label}`, target: 'report', actual: fmtRatio(ratio('redis', op)), pass: null });
    const tables = [table, trainTable, goalsTable(goals)];
    printTables(tables);
    return {
      env,
      config: {
        product: PRODUCT,
        days: DAYS,
        uncertaintySamples: 1000,
        demoHistoryEnd: END_DATE,
        rounds,
        budgetMsPerMeasurement: budgetMs,
        callsMade,
        calls: Object.fromEntries(modes.map((m) => [m.id, Object.fromEntries(OPS.map(({ op }) => [op, calls(m.id, op)]))])),
        equalityChecks: checks,
        quick,
      },
      tables,
      goals,
      figures: { perCallMs: fig, trainingMs: trainingSpread, modes: modes.map((m) => ({ id: m.id, label: m.label, config: m.config ?? '' })) },
    };
  },
};
