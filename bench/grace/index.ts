/**
 * Grace: the share of forecast requests answered while the sales/model database is down, with grace copies
 * (CACHE_GRACE_PERIOD) and without, against the real forecasting service, a private Redis and a SQLite store.
 *
 * A deterministic trace (seeded, skewed over products × horizons) is replayed in two halves. First half: the
 * database is up; every key asked is computed and cached. Then the database goes down — model reads fail as a
 * PostgreSQL outage does while the instance's version lease is live (versions still known), and the cached models
 * are dropped, so any forecast that has to be recomputed needs the database — and every cached forecast is let
 * expire (TTL 1 s: the trace runs in accelerated time). Second half, database down: each request is answered
 * (stale or not) or fails (503 at the route). Requests are split into "key cached within the grace period" (asked
 * in the first half: goal, with grace, every one answered) and the rest (never cached: nothing to serve).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createForecastingService, DatabaseUnavailableError, fitModel, openSqliteStore } from '@/lib/forecasting';
import { DEMO_PRODUCTS } from '@/lib/forecasting/demo-data';
import { Random, hashSeed } from '@/lib/forecasting/prng';
import { createCacheSystem } from '@/lib/redis-cache';
import type { BenchPart } from '../lib/part';
import { startPrivateRedis, type PrivateRedis } from '../lib/redis-server';
import { captureEnvironment, goalsTable, printTables, type Goal, type Table } from '../lib/results';

const END_DATE = '2026-10-31';
const HORIZONS = [7, 14, 30];
const GRACE_SECONDS = 3600;

interface Outcome {
  /** Times the cache fell back to memory (Redis timed out under load): a grace copy is in Redis only. */
  redisOutages: number;
  cachedAsked: number;
  cachedAnswered: number;
  cachedStale: number;
  restAsked: number;
  restAnswered: number;
}

/** The trace: `n` (product, days) requests, a few hot pairs and a long tail (weights ∝ 1/rank). */
function trace(n: number, products: string[]): [string, number][] {
  const pairs = products.flatMap((p) => HORIZONS.map((d) => [p, d] as [string, number]));
  const weights = pairs.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const rng = new Random(hashSeed('bench-grace'));
  return Array.from({ length: n }, () => {
    let x = rng.uniform() * total;
    for (let i = 0; i < pairs.length; i++) if ((x -= weights[i]!) <= 0) return pairs[i]!;
    return pairs[pairs.length - 1]!;
  });
}

async function replay(redis: PrivateRedis, work: string, graceSeconds: number, requests: [string, number][]): Promise<Outcome> {
  const logger = pino({ level: 'silent' });
  const store = openSqliteStore(path.join(work, `sales-${graceSeconds}.db`));
  const cache = createCacheSystem({
    logger,
    prefix: `bench_grace_${graceSeconds}`,
    // The bench measures grace, not Redis latency: a bound that a loaded 2-core machine does not hit.
    redis: { host: '127.0.0.1', port: redis.port, commandTimeoutMs: 2_000 },
    ttl: { predictions: 1 },
    l1: { ttl: 1 },
    grace: { periodSeconds: graceSeconds },
  });
  let redisOutages = 0;
  const stop = cache.events.on('backend', (e) => {
    if (e.backend === 'memory') redisOutages++;
  });
  try {
    await cache.healthCheck();
    const service = await createForecastingService({ store, cache, fit: fitModel, logger, seedDemoData: true, demoEndDate: END_DATE });
    const half = Math.floor(requests.length / 2);
    const asked = new Set<string>();
    for (const [product, days] of requests.slice(0, half)) {
      await service.predictDemandDetailed(product, days);
      asked.add(`${product}:${days}`);
    }
    // The outage: model reads fail, cached models are gone, cached forecasts expire.
    store.models.latestArtifact = () => Promise.reject(new DatabaseUnavailableError('bench:5432/sales', new Error('connect ECONNREFUSED')));
    await cache.clear('models');
    await new Promise((r) => setTimeout(r, 1_200));
    cache.clearLocal();

    const out: Outcome = { redisOutages: 0, cachedAsked: 0, cachedAnswered: 0, cachedStale: 0, restAsked: 0, restAnswered: 0 };
    for (const [product, days] of requests.slice(half)) {
      const wasCached = asked.has(`${product}:${days}`);
      if (wasCached) out.cachedAsked++;
      else out.restAsked++;
      try {
        const r = await service.predictDemandDetailed(product, days);
        if (wasCached) {
          out.cachedAnswered++;
          if (r.stale) out.cachedStale++;
        } else out.restAnswered++;
      } catch {
        // a 503 at the route
      }
    }
    await service.close();
    out.redisOutages = redisOutages;
    return out;
  } finally {
    stop();
    await cache.close();
    await store.close();
  }
}

const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((a / b) * 100).toFixed(1)} %`);

export const grace: BenchPart = {
  name: 'grace',
  title: 'Grace: forecast requests answered while the database is down, with and without grace copies',
  async run({ quick, command }) {
    const n = quick ? 120 : 600;
    const products = DEMO_PRODUCTS.slice(0, quick ? 3 : 4).map((p) => p.name);
    const requests = trace(n, products);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-grace-'));
    const redis = await startPrivateRedis({ core: 1 });
    const env = captureEnvironment(redis, command);
    const results: Record<string, Outcome> = {};
    try {
      results.on = await replay(redis, work, GRACE_SECONDS, requests);
      results.off = await replay(redis, work, 0, requests);
    } finally {
      await redis.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
    const row = (label: string, o: Outcome) => [
      label,
      String(o.cachedAsked),
      pct(o.cachedAnswered, o.cachedAsked),
      String(o.cachedStale),
      String(o.restAsked),
      pct(o.restAnswered, o.restAsked),
      pct(o.cachedAnswered + o.restAnswered, o.cachedAsked + o.restAsked),
      String(o.redisOutages),
    ];
    const on = results.on!;
    const goals: Goal[] = [
      {
        name: 'requests for a key cached within the grace period, answered while the database is down',
        target: '100 %',
        actual: pct(on.cachedAnswered, on.cachedAsked),
        pass: on.cachedAsked > 0 && on.cachedAnswered === on.cachedAsked,
      },
    ];
    const tables: Table[] = [
      {
        title: `Second half of a ${n}-request trace (${products.length} products × ${HORIZONS.join('/')} days), database down`,
        columns: [
          'grace',
          'cached keys: requests',
          'answered',
          'of which stale',
          'other keys: requests',
          'answered',
          'all answered',
          'Redis fallbacks',
        ],
        rows: [row(`CACHE_GRACE_PERIOD=${GRACE_SECONDS}`, on), row('CACHE_GRACE_PERIOD=0', results.off!)],
        note:
          'Forecasts live 1 s (accelerated time) and the cached models are dropped at the outage, so every request of the second half ' +
          'must recompute and fails without the database; versions stay known (PostgreSQL within its version lease). ' +
          '"Other keys" were never cached: nothing can answer them until the database is back.',
      },
      goalsTable(goals),
    ];
    printTables(tables);
    return {
      env,
      config: { requests: n, products, horizons: HORIZONS, graceSeconds: GRACE_SECONDS, predictionTtlSeconds: 1 },
      tables,
      goals,
      figures: results,
    };
  },
};
