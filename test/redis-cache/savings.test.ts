import { describe, expect, it } from 'vitest';
import { cachedModel, cachedPrediction, type CacheSystem } from '@/lib/redis-cache';
import { redisClientOf, usePrivateRedis } from './setup';

const env = usePrivateRedis();
let n = 0;
const sharedPrefix = () => `savings${process.pid}_${++n}`;

/** Stores a forecast that "cost" `costMs` to compute, as a refresh does, then reads it `hits` times from L1. */
async function hitPrediction(system: CacheSystem, product: string, days: number, costMs: number, hits: number): Promise<void> {
  const key = system.keys.prediction(product, days, undefined, 1);
  await system.cache.set(key, { product, days }, 300, { costMs });
  for (let i = 0; i < hits; i++) expect(await system.cache.lookup(key)).toMatchObject({ tier: 'l1' });
}

describe('savings (what cache hits avoided)', () => {
  it('counts each L1 hit at the measured cost of the value it returned, per product and in total', async () => {
    const a = env.system({ prefix: sharedPrefix() });
    await a.connect();
    await hitPrediction(a, 'Pão de Queijo', 7, 250, 4); // 4 × 250 ms
    await hitPrediction(a, 'Bolo', 30, 40, 3); // 3 × 40 ms
    const report = (await a.getCacheInfo()).savings;
    expect(report.source).toBe('redis');
    expect(report.totals).toEqual({ cpuMs: 1120, forecasts: 7, trainings: 0 });
    expect(report.top).toEqual([
      { product: 'Pão de Queijo', cpuMs: 1000, forecasts: 4, trainings: 0 },
      { product: 'Bolo', cpuMs: 120, forecasts: 3, trainings: 0 },
    ]);
    expect(report.others).toEqual({ cpuMs: 0, forecasts: 0, trainings: 0 });
    // The history carries the same compute time, in the bucket it was flushed in.
    const history = await a.getHistory('15m');
    expect(history.buckets.reduce((sum, b) => sum + b.savedMs, 0)).toBeCloseTo(1120, 6);
  });

  it('counts model hits as trainings avoided, and prices hits on another instance at the shared mean cost', async () => {
    const prefix = sharedPrefix();
    const a = env.system({ prefix });
    const b = env.system({ prefix });
    await Promise.all([a.connect(), b.connect()]);
    const costs: number[] = [];
    a.events.on('compute', (e) => costs.push(e.durationMs));
    const loadA = cachedModel(async (product: string) => ({ product, weights: [1, 2, 3] }), { system: a });
    const predictA = cachedPrediction(async (product: string, days: number) => ({ product, days }), { system: a });
    await loadA('Sonho'); // computed: a miss
    await loadA('Sonho');
    await loadA('Sonho'); // 2 model hits on A, at the measured cost
    await predictA('Sonho', 14); // computed
    expect(costs).toHaveLength(2);
    const [modelCost, forecastCost] = costs;

    // B computed nothing: it learns every instance's mean cost per type when A's figures reach Redis.
    await a.flushStats();
    await b.flushStats();
    const predictB = cachedPrediction(async (product: string, days: number) => ({ product, days, computedBy: 'b' }), { system: b });
    expect(await predictB.detailed('Sonho', 14)).toMatchObject({ cached: true, tier: 'l2' });
    const loadB = cachedModel(async (product: string) => ({ product, weights: [0] }), { system: b });
    expect(await loadB.detailed('Sonho')).toMatchObject({ cached: true, tier: 'l2' });
    // Priced at the mean Redis holds (sums kept to the microsecond).
    const seenByB = b.localSavings();
    expect(seenByB).toMatchObject({ forecasts: 1, trainings: 1 });
    expect(seenByB.cpuMs).toBeCloseTo(forecastCost + modelCost, 2);
    expect(seenByB.cpuMs).toBeGreaterThan(0);

    await b.flushStats();
    const report = (await a.getCacheInfo()).savings;
    expect(report.totals.forecasts).toBe(1);
    expect(report.totals.trainings).toBe(3);
    expect(report.totals.cpuMs).toBeCloseTo(3 * modelCost + forecastCost, 2);
    expect(report.top).toHaveLength(1);
    expect(report.top[0]).toMatchObject({ product: 'Sonho', forecasts: 1, trainings: 3 });
    expect(report.top[0].cpuMs).toBeCloseTo(3 * modelCost + forecastCost, 2);
  });

  it('reports the top products and the rest as others, with bounded memory in Redis whatever the catalogue', async () => {
    const prefix = sharedPrefix();
    const a = env.system({ prefix, savings: { topProducts: 2, trackedProducts: 3 } });
    await a.connect();
    // Product i saved i × 10 ms, twice.
    for (let i = 1; i <= 6; i++) await hitPrediction(a, `P${i}`, 7, i * 10, 2);
    // Only the product list, no product: counted in the totals (others), ranked nowhere.
    const listKey = a.keys.products();
    await a.cache.set(listKey, ['P1'], 60, { costMs: 5 });
    await a.cache.get(listKey);
    const report = (await a.getCacheInfo()).savings;
    expect(report.top).toEqual([
      { product: 'P6', cpuMs: 120, forecasts: 2, trainings: 0 },
      { product: 'P5', cpuMs: 100, forecasts: 2, trainings: 0 },
    ]);
    expect(report.totals).toEqual({ cpuMs: 2 * 10 * (1 + 2 + 3 + 4 + 5 + 6) + 5, forecasts: 12, trainings: 0 });
    expect(report.others).toEqual({ cpuMs: 425 - 220, forecasts: 8, trainings: 0 });
    const client = redisClientOf(a);
    const ledgerKey = `${prefix}:_meta:{savings}:`;
    expect(await client.zcard(ledgerKey + 'products')).toBe(3);
    expect((await client.hkeys(ledgerKey + 'counts')).sort()).toEqual(['f:P4', 'f:P5', 'f:P6']);
  });

  it('reports this instance’s own figures while Redis is absent', async () => {
    const a = env.system({ savings: { topProducts: 1 } }, null);
    await a.connect();
    await hitPrediction(a, 'Café', 1, 30, 2);
    await hitPrediction(a, 'Chá', 1, 10, 1);
    const report = (await a.getCacheInfo()).savings;
    expect(report).toEqual({
      source: 'local',
      totals: { cpuMs: 70, forecasts: 3, trainings: 0 },
      top: [{ product: 'Café', cpuMs: 60, forecasts: 2, trainings: 0 }],
      others: { cpuMs: 10, forecasts: 1, trainings: 0 },
    });
  });
});
