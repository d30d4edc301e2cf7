/**
 * Measures the uncached cost of the forecasting operations the cache saves: train (fit + store a version),
 * load (read the latest artifact + rebuild, no refit), predict (30 days, 1000 simulated paths) and the product list.
 * Prints medians over several runs. Uses a throw-away database seeded with the demo history.
 *   npx tsx scripts/measure-forecasting.ts [runs]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from '../bench/lib/stats';
import { exitWithUsageIfAsked } from './cli';
import { openDatabase } from '../lib/forecasting/database';
import { sqliteStore } from '../lib/forecasting/sqlite-store';
import { seedDemoHistoryIfEmpty } from '../lib/forecasting/demo-seed';
import { Forecaster } from '../lib/forecasting/forecaster';
import { rebuildModel } from '../lib/forecasting/prophet-model';
import { TrainingWorker } from '../lib/forecasting/training-worker';

const PRODUCTS = ['Pão de Açúcar', 'Bolo', 'Pão Francês', 'Croissant'];

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

exitWithUsageIfAsked('usage: npx tsx scripts/measure-forecasting.ts [runs]   (uncached train, load, predict and list costs; default 5 runs)');

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'measure-forecasting-'));
  const db = openDatabase(path.join(dir, 'sales.db'));
  const worker = new TrainingWorker();
  try {
    const inProcess = new Forecaster({ store: sqliteStore(db) });
    const viaWorker = new Forecaster({ store: sqliteStore(db), fit: (input) => worker.fit(input) });
    await seedDemoHistoryIfEmpty(inProcess.sales);
    // Warm-up: WASM initialisation in both threads, JIT.
    await inProcess.train(PRODUCTS[0]!);
    await viaWorker.train(PRODUCTS[0]!);

    const train: number[] = [];
    const trainWorker: number[] = [];
    const load: number[] = [];
    const rebuild: number[] = [];
    const predict: number[] = [];
    const predictYear: number[] = [];
    const list: number[] = [];
    for (let r = 0; r < runs; r++) {
      for (const product of PRODUCTS) {
        train.push((await time(() => inProcess.train(product)))[0]);
        trainWorker.push((await time(() => viaWorker.train(product)))[0]);
        const [loadMs, model] = await time(() => inProcess.loadModel(product));
        load.push(loadMs);
        rebuild.push((await time(() => rebuildModel(model.artifact)))[0]);
        predict.push((await time(() => inProcess.predict(model, 30)))[0]);
        predictYear.push((await time(() => inProcess.predict(model, 365)))[0]);
      }
      list.push((await time(() => inProcess.sales.listProducts()))[0]);
    }
    const rows: [string, number[]][] = [
      ['train (fit + store), in-process', train],
      ['train (fit + store), worker thread', trainWorker],
      ['load (read artifact + rebuild)', load],
      ['  of which rebuild only', rebuild],
      ['predict 30 days, 1000 paths', predict],
      ['predict 365 days, 1000 paths', predictYear],
      ['product list (SQLite)', list],
    ];
    console.log(
      `forecasting costs without cache — median of ${runs} run(s) × ${PRODUCTS.length} products, ${os.cpus().length} CPUs, Node ${process.version}`,
    );
    for (const [name, xs] of rows)
      console.log(
        `${name.padEnd(38)} ${median(xs).toFixed(2).padStart(9)} ms   (n=${xs.length}, min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)})`,
      );
  } finally {
    await worker.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
