import { describe, expect, it } from 'vitest';
import { ConfigError, readEnv } from '@/lib/config/env';
import { othersOf, ProductTally, type SavingsReport } from '@/lib/redis-cache';
import { parseCurrency } from './currency';
import { costOf, toSavingsInfo } from './savings-info';

describe('savings arithmetic', () => {
  it('prices compute time: seconds × cost per CPU-second, per product, the others and in total', () => {
    const report: SavingsReport = {
      source: 'redis',
      totals: { cpuMs: 12_345, forecasts: 40, trainings: 3 },
      top: [
        { product: 'Pão de Açúcar', cpuMs: 10_000, forecasts: 30, trainings: 2 },
        { product: 'Bolo', cpuMs: 2_000, forecasts: 8, trainings: 1 },
      ],
      others: { cpuMs: 345, forecasts: 2, trainings: 0 },
    };
    expect(toSavingsInfo(report, { costPerCpuSecond: 0.0001, currency: 'BRL' })).toEqual({
      source: 'redis',
      currency: 'BRL',
      cost_per_cpu_second: 0.0001,
      cpu_seconds_saved: 12.345,
      cost_saved: 0.0012345,
      trainings_avoided: 3,
      forecasts_served_from_cache: 40,
      top_products: [
        { product: 'Pão de Açúcar', cpu_seconds_saved: 10, cost_saved: 0.001, trainings_avoided: 2, forecasts_served_from_cache: 30 },
        { product: 'Bolo', cpu_seconds_saved: 2, cost_saved: 0.0002, trainings_avoided: 1, forecasts_served_from_cache: 8 },
      ],
      others: { cpu_seconds_saved: 0.345, cost_saved: 0.0000345, trainings_avoided: 0, forecasts_served_from_cache: 2 },
    });
    expect(costOf(3_600_000, { costPerCpuSecond: 0.05, currency: 'USD' })).toBe(180);
    expect(costOf(1234, { costPerCpuSecond: 0, currency: 'EUR' })).toBe(0);
  });

  it('computes the others as the totals minus the top, never below zero', () => {
    const totals = { cpuMs: 1000, forecasts: 10, trainings: 2 };
    expect(othersOf(totals, [{ cpuMs: 600, forecasts: 7, trainings: 2 }])).toEqual({ cpuMs: 400, forecasts: 3, trainings: 0 });
    // The per-product figures reached Redis a flush before the totals: clamped, not negative.
    expect(othersOf(totals, [{ cpuMs: 1001, forecasts: 11, trainings: 3 }])).toEqual({ cpuMs: 0, forecasts: 0, trainings: 0 });
    expect(othersOf(totals, [])).toEqual(totals);
  });
});

describe('the per-product tally (top-K bound)', () => {
  it('ranks by compute time saved, then hits, then name', () => {
    const tally = new ProductTally(10);
    tally.add('b', { cpuMs: 5, forecasts: 1, trainings: 0 });
    tally.add('a', { cpuMs: 5, forecasts: 1, trainings: 0 });
    tally.add('c', { cpuMs: 5, forecasts: 2, trainings: 0 });
    tally.add('d', { cpuMs: 9, forecasts: 0, trainings: 1 });
    tally.add('a', { cpuMs: 0, forecasts: 0, trainings: 0 });
    expect(tally.top(10).map((p) => p.product)).toEqual(['d', 'c', 'a', 'b']);
    expect(tally.top(2)).toEqual([
      { product: 'd', cpuMs: 9, forecasts: 0, trainings: 1 },
      { product: 'c', cpuMs: 5, forecasts: 2, trainings: 0 },
    ]);
  });

  it('never holds more than twice its bound, and keeps the products that saved most', () => {
    const tally = new ProductTally(5);
    // 10 000 products, the catalogue at size: product i saved i ms.
    let largest = 0;
    for (let i = 1; i <= 10_000; i++) {
      tally.add(`p${i}`, { cpuMs: i, forecasts: 1, trainings: 0 });
      largest = Math.max(largest, tally.size);
    }
    expect(largest).toBe(10);
    tally.trim();
    expect(tally.size).toBe(5);
    expect(tally.top(5).map((p) => p.product)).toEqual(['p10000', 'p9999', 'p9998', 'p9997', 'p9996']);
  });

  it('refuses a bound below 1', () => {
    expect(() => new ProductTally(0)).toThrow(TypeError);
  });
});

describe('CACHE_COST_CURRENCY, CACHE_COST_PER_CPU_SECOND, CACHE_SAVINGS_TOP_PRODUCTS', () => {
  it('defaults to BRL at 0.0001 per CPU-second and a top 10', () => {
    const env = readEnv({});
    expect(env.savings).toEqual({ costPerCpuSecond: 0.0001, currency: 'BRL' });
    expect(env.cache.savings).toEqual({ topProducts: 10 });
  });

  it('takes ISO 4217 codes Intl knows, in any case', () => {
    expect(parseCurrency('usd')).toBe('USD');
    expect(parseCurrency(' EUR ')).toBe('EUR');
    expect(parseCurrency('BRL')).toBe('BRL');
    for (const bad of ['', 'R$', 'BR', 'EURO', 'XQZ', '12A', 'real']) expect(parseCurrency(bad)).toBeNull();
    expect(readEnv({ CACHE_COST_CURRENCY: 'jpy', CACHE_COST_PER_CPU_SECOND: '0.02' }).savings).toEqual({ costPerCpuSecond: 0.02, currency: 'JPY' });
  });

  it('stops the start naming each bad variable', () => {
    const bad = { CACHE_COST_CURRENCY: 'R$', CACHE_COST_PER_CPU_SECOND: '-1', CACHE_SAVINGS_TOP_PRODUCTS: '0' };
    let error: unknown;
    try {
      readEnv(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = [...(error as ConfigError).variables].sort();
    expect(variables).toEqual(['CACHE_COST_CURRENCY', 'CACHE_COST_PER_CPU_SECOND', 'CACHE_SAVINGS_TOP_PRODUCTS']);
    expect(() => readEnv({ CACHE_COST_PER_CPU_SECOND: 'cheap' })).toThrow(ConfigError);
  });
});
