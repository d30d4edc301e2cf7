import { describe, expect, it } from 'vitest';
import type { UsageHour } from '@/lib/redis-cache';
import { SmartScheduler, type SmartSchedulerDeps } from './smart-scheduler';

const H = 3_600_000;
const DAY0 = Date.UTC(2026, 10, 2); // a Monday, 00:00 UTC

/**
 * Four days of synthetic usage: Bolo (7 days) peaks at 12:00 UTC, Sonho (30 days) at 18:00; a trickle otherwise.
 * A few Sonho requests ask for 7 days too (about 1 % of them: not a horizon worth warming).
 */
function history(until: number): UsageHour[] {
  const hours: UsageHour[] = [];
  for (let t = DAY0; t <= until; t += H) {
    const hourOfDay = new Date(t).getUTCHours();
    const counts = [];
    const bolo = hourOfDay === 12 ? 120 : hourOfDay === 11 || hourOfDay === 13 ? 4 : 0;
    const sonho = hourOfDay === 18 ? 80 : 0;
    if (bolo) counts.push({ product: 'Bolo', days: 7, count: bolo });
    if (sonho) counts.push({ product: 'Sonho', days: 30, count: sonho });
    if (hourOfDay === 18) counts.push({ product: 'Sonho', days: 7, count: 1 });
    hours.push({ hour: t, counts });
  }
  return hours;
}

/** The scheduler on a fake clock and a fake cache that expires entries on that clock. */
function harness(start: number) {
  let now = start;
  const ttlS = 300;
  const expires = new Map<string, number>();
  const calls: string[] = [];
  const deps: SmartSchedulerDeps = {
    usageHours: async (from, to) => history(to).filter((h) => h.hour >= from - (from % H) && h.hour < now - (now % H)),
    exclusive: async (fn) => fn(),
    predictionTtl: async (product, days) => {
      const at = expires.get(`${product}:${days}`);
      return at === undefined || at <= now ? -2 : Math.ceil((at - now) / 1000);
    },
    warm: async (product, days) => {
      calls.push(`warm ${product}:${days}`);
      expires.set(`${product}:${days}`, now + ttlS * 1000);
    },
    refresh: async (product, days) => {
      calls.push(`refresh ${product}:${days}`);
      expires.set(`${product}:${days}`, now + ttlS * 1000);
    },
    now: () => now,
  };
  const scheduler = new SmartScheduler(deps, { topK: 10, predictionTtlS: ttlS, intervalS: 30, minExpected: 10 });
  return { scheduler, calls, setNow: (t: number) => (now = t), expires };
}

describe('predictive warm-up scheduler', () => {
  const day4 = DAY0 + 4 * 24 * H;

  it('pre-warms a product shortly before its forecast peak, not after it', async () => {
    const { scheduler, setNow } = harness(day4 + 11 * H + 58 * 60_000);
    const before = await scheduler.run();
    expect(before.outcome).toBe('ran');
    expect(before.prewarmed).toEqual(['Bolo:7']);

    setNow(day4 + 12 * H + 58 * 60_000); // the peak hour is ending: nothing for Bolo in the next hour
    const after = await scheduler.run();
    expect(after.prewarmed).not.toContain('Bolo:7');

    setNow(day4 + 17 * H + 58 * 60_000);
    const evening = await scheduler.run();
    expect(evening.prewarmed).toEqual(['Sonho:30']);
  });

  it('does nothing ahead of an hour outside the lead time, and plans the coming peaks', async () => {
    const { scheduler, calls } = harness(day4 + 11 * H + 20 * 60_000);
    const run = await scheduler.run();
    expect(run.prewarmed).toEqual([]);
    expect(calls).toEqual([]);
    const planned = run.plan.map((p) => [new Date(p.hour).getUTCHours(), p.pairs.map((x) => `${x.product}:${x.days}`)]);
    expect(planned).toEqual([
      [12, ['Bolo:7']],
      [18, ['Sonho:30']],
    ]);
    expect(run.plan[0]!.at).toBe(day4 + 12 * H - scheduler.leadMs);
  });

  it('refreshes a hot key ahead of its expiry during its peak, and leaves a fresh copy alone', async () => {
    const { scheduler, calls, setNow } = harness(day4 + 12 * H + 5 * 60_000);
    await scheduler.run(); // hot now and not cached: loaded
    expect(calls).toEqual(['warm Bolo:7']);
    setNow(day4 + 12 * H + 6 * 60_000); // 4 minutes of life left: more than two runs
    await scheduler.run();
    expect(calls).toHaveLength(1);
    setNow(day4 + 12 * H + 9 * 60_000 + 30_000); // 30 s left: refreshed before it expires
    const run = await scheduler.run();
    expect(run.refreshed).toEqual(['Bolo:7']);
    expect(calls).toEqual(['warm Bolo:7', 'refresh Bolo:7']);
  });

  it('reports another instance holding the lock and does nothing', async () => {
    const { scheduler, calls } = harness(day4 + 11 * H + 58 * 60_000);
    const blocked = new SmartScheduler(
      { ...(scheduler as unknown as { deps: SmartSchedulerDeps }).deps, exclusive: async () => undefined },
      { topK: 10, predictionTtlS: 300, intervalS: 30 },
    );
    expect((await blocked.run()).outcome).toBe('elsewhere');
    expect(calls).toEqual([]);
  });
});
