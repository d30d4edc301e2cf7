import { describe, expect, it } from 'vitest';
import type { UsageHour } from '@/lib/redis-cache';
import { estimatedPredictionBytes, selectWithinBudget, usageWarmUpPlan } from './usage-plan';
import { productVolumes, topPairs } from './usage-ranking';
import type { WarmableForecasting } from './warmup';

const H = 3_600_000;
const hours: UsageHour[] = [
  {
    hour: 0,
    counts: [
      { product: 'Bolo', days: 7, count: 5 },
      { product: 'Sonho', days: 30, count: 9 },
    ],
  },
  {
    hour: H,
    counts: [
      { product: 'Bolo', days: 7, count: 5 },
      { product: 'Café', days: 7, count: 1 },
    ],
  },
  {
    hour: 2 * H,
    counts: [
      { product: 'Pão', days: 7, count: 1 },
      { product: 'Bolo', days: 30, count: 2 },
    ],
  },
];

describe('top-K selection', () => {
  it('sums each pair over the window and keeps the K most requested, most requested first', () => {
    expect(topPairs(hours, 2)).toEqual([
      { product: 'Bolo', days: 7, count: 10 },
      { product: 'Sonho', days: 30, count: 9 },
    ]);
    expect(topPairs(hours, 0)).toEqual([]);
    expect(topPairs(hours, 100)).toHaveLength(5);
  });

  it('breaks ties by the most recent request, then by name', () => {
    // Café (hour 1) and Pão (hour 2) both have 1: Pão was asked more recently.
    expect(
      topPairs(hours, 5)
        .slice(3)
        .map((p) => p.product),
    ).toEqual(['Pão', 'Café']);
    const tied: UsageHour[] = [
      {
        hour: 0,
        counts: [
          { product: 'B', days: 7, count: 1 },
          { product: 'A', days: 7, count: 1 },
        ],
      },
    ];
    expect(topPairs(tied, 2).map((p) => p.product)).toEqual(['A', 'B']);
  });

  it('gives each product its request volume per hour, horizons together', () => {
    const volumes = productVolumes(hours);
    expect(volumes.get('Bolo')).toEqual([5, 5, 2]);
    expect(volumes.get('Sonho')).toEqual([9, 0, 0]);
  });

  it('stops at K pairs and at the memory budget, skipping a pair too large for what is left', () => {
    const ranking = topPairs(hours, 10);
    expect(selectWithinBudget(ranking, 2, Infinity)).toHaveLength(2);
    const budget = estimatedPredictionBytes(7) * 2; // two 7-day forecasts, no room for a 30-day one
    const chosen = selectWithinBudget(ranking, 10, budget);
    expect(chosen.map((p) => `${p.product}:${p.days}`)).toEqual(['Bolo:7', 'Pão:7']);
    expect(selectWithinBudget(ranking, 10, 0)).toEqual([]);
  });
});

describe('usage-based warm-up plan', () => {
  const forecasting: WarmableForecasting = {
    listProductNames: async () => ['Bolo', 'Café', 'Pão', 'Sonho'],
    loadModel: async () => null,
    predictDemand: async () => null,
    refreshProductList: async () => null,
  };
  const names = (groups: { name: string }[][]) => groups.map((g) => g.map((t) => t.name));

  it('loads the models of the chosen pairs, then their forecasts, then the product list', async () => {
    const plan = await usageWarmUpPlan(forecasting, { ranking: topPairs(hours, 10), topK: 3, budgetBytes: Infinity });
    expect(names(plan)).toEqual([['model:Bolo', 'model:Sonho'], ['prediction:Bolo:7d', 'prediction:Sonho:30d', 'prediction:Bolo:30d'], ['products']]);
  });

  it('falls back to the fixed plan (every product × 7 and 30 days) when no usage was recorded', async () => {
    const plan = await usageWarmUpPlan(forecasting, { ranking: [], topK: 3, budgetBytes: Infinity });
    expect(plan[0]).toHaveLength(4);
    expect(plan[1]).toHaveLength(8);
  });

  it('plans no forecast when the memory budget is spent (never the larger fixed plan)', async () => {
    const plan = await usageWarmUpPlan(forecasting, { ranking: topPairs(hours, 10), topK: 3, budgetBytes: 0 });
    expect(names(plan)).toEqual([[], [], ['products']]);
  });

  it('skips products that no longer exist', async () => {
    const ranking = [{ product: 'Gone', days: 7, count: 50 }, ...topPairs(hours, 1)];
    const plan = await usageWarmUpPlan(forecasting, { ranking, topK: 2, budgetBytes: Infinity });
    expect(names(plan)[1]).toEqual(['prediction:Bolo:7d']);
  });
});
