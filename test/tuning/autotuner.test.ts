/**
 * The autotune loop against a real redis-server and the real cache system: measured windows, the advisor's
 * recommendations, `tune` applied (CACHE_AUTOTUNE=true) or only recorded, the TTL agreed through Redis, the ring.
 * The loop is driven by calling `tick()` — no waiting for the interval.
 */
import { describe, expect, test } from 'vitest';
import { cached, type CacheSystem } from '@/lib/redis-cache';
import { L1_BOUNDS, TTL_BOUNDS } from '@/lib/tuning/advisor';
import { Autotuner, DECISIONS_KEPT, type TuningDecision } from '@/lib/tuning/autotuner';
import { desiredInstances } from '@/lib/tuning/desired-instances';
import { readSharedTtl } from '@/lib/tuning/shared-ttl';
import { silentLogger, usePrivateRedis } from '../redis-cache/setup';

const fixture = usePrivateRedis();

const L1_SIZE = L1_BOUNDS.min; // 100 entries
const KEYS = 200;

/** A system whose L1 is too small for its working set (200 keys read twice per window: 50 % hits, evictions). */
function smallL1System(): CacheSystem {
  return fixture.system({ l1: { maxEntries: L1_SIZE, ttl: 600 }, ttl: { predictions: 300 } });
}

/** One window of traffic: every key computed or read twice; the L1 evicts, Redis answers what it dropped. */
async function lowHitRateWindow(s: CacheSystem, round: number): Promise<void> {
  const value = cached(async (i: number) => ({ i, round }), { system: s, key: (i) => `r${round}:k${i}`, ttl: 600 });
  for (let pass = 0; pass < 2; pass++) for (let i = 0; i < KEYS; i++) await value(i);
}

function tuner(s: CacheSystem, apply: boolean, decisions: TuningDecision[] = []): Autotuner {
  return new Autotuner(
    { system: s, log: silentLogger, onDecision: (d) => decisions.push(d) },
    { apply, intervalSeconds: 300, targetUtilization: 0.6 },
  );
}

describe('autotune loop', () => {
  test('low hit rate with evictions: the L1 grows and the TTL doubles — applied, recorded, counted, published', async () => {
    const s = smallL1System();
    await s.connect();
    const counted: TuningDecision[] = [];
    const loop = tuner(s, true, counted);

    await lowHitRateWindow(s, 1);
    const first = await loop.tick();
    // One window is not enough: the advisor wants two evaluations in a row.
    expect(first.recommendations.map((r) => [r.setting, r.recommended, r.confirmations, r.reason.code])).toEqual([
      ['l1MaxEntries', L1_SIZE, 1, 'l1_evicting'],
      ['predictionTtlSeconds', 300, 1, 'low_hit_rate'],
    ]);
    expect(first.window.signals.l1.evictions).toBeGreaterThan(0);
    expect(first.window.signals.lookups).toBeGreaterThanOrEqual(2 * KEYS);
    expect(first.ttlEvaluated).toBe('here');
    expect(loop.decisions).toEqual([]);
    expect(s.tuning).toEqual({ l1MaxEntries: L1_SIZE, predictionTtlSeconds: 300 });

    await lowHitRateWindow(s, 2);
    const second = await loop.tick();
    expect(second.recommendations.map((r) => [r.setting, r.current, r.recommended])).toEqual([
      ['l1MaxEntries', L1_SIZE, 2 * L1_SIZE],
      ['predictionTtlSeconds', 300, 600],
    ]);
    expect(s.tuning).toEqual({ l1MaxEntries: 2 * L1_SIZE, predictionTtlSeconds: 600 });
    expect(s.localTierStats().maxEntries).toBe(2 * L1_SIZE);
    // Newest first: the TTL was decided after the L1.
    expect(loop.decisions.map((d) => [d.setting, d.from, d.to, d.outcome, d.reason.code])).toEqual([
      ['predictionTtlSeconds', 300, 600, 'applied', 'low_hit_rate'],
      ['l1MaxEntries', L1_SIZE, 2 * L1_SIZE, 'applied', 'l1_evicting'],
    ]);
    expect(counted).toHaveLength(2);
    // The fleet's TTL is published for the other instances, with the advisor's trend.
    expect(await readSharedTtl(s)).toMatchObject({ ttlSeconds: 600, instanceId: s.instanceId });
    // Predictions stored from now on get the new TTL.
    await s.models.setPrediction('Bolo', 7, { yhat: [1] });
    expect(Number(await fixture.redis().cli('PTTL', s.keys.prediction('Bolo', 7)))).toBeGreaterThan(300_000);
  });

  test('autotune off: the same windows are only advised — nothing changes, nothing is published, advice is not repeated', async () => {
    const s = smallL1System();
    await s.connect();
    const loop = tuner(s, false);
    for (let round = 1; round <= 3; round++) {
      await lowHitRateWindow(s, round);
      await loop.tick();
    }
    expect(s.tuning).toEqual({ l1MaxEntries: L1_SIZE, predictionTtlSeconds: 300 });
    // Rounds 2 and 3 give the same advice: one decision per setting.
    expect(loop.decisions.map((d) => [d.setting, d.from, d.to, d.outcome])).toEqual([
      ['predictionTtlSeconds', 300, 600, 'advised'],
      ['l1MaxEntries', L1_SIZE, 2 * L1_SIZE, 'advised'],
    ]);
    expect(loop.latest?.ttlEvaluated).toBe('local');
    expect(await readSharedTtl(s)).toBeNull();
  });

  test('another instance adopts the published TTL and sizes its own L1', async () => {
    const a = smallL1System();
    const b = fixture.system({ prefix: a.options.prefix, l1: { maxEntries: 5000 }, ttl: { predictions: 300 } });
    await Promise.all([a.connect(), b.connect()]);
    const loopA = tuner(a, true);
    const loopB = tuner(b, true);
    for (let round = 1; round <= 2; round++) {
      await lowHitRateWindow(a, round);
      await loopA.tick();
    }
    expect(a.tuning.predictionTtlSeconds).toBe(600);
    await loopB.tick();
    expect(loopB.latest?.ttlEvaluated).toBe('another');
    expect(b.tuning.predictionTtlSeconds).toBe(600);
    expect(loopB.decisions[0]).toMatchObject({
      setting: 'predictionTtlSeconds',
      from: 300,
      to: 600,
      outcome: 'applied',
      reason: { code: 'shared_ttl' },
    });
    // b's L1 (5000 entries, almost empty, no evictions) is its own business: nothing borrowed from a.
    expect(b.tuning.l1MaxEntries).toBe(5000);
  });

  test('bounds hold: the TTL stops at its upper bound and says so', async () => {
    const s = fixture.system({ l1: { maxEntries: 5000 }, ttl: { predictions: 2400 } });
    await s.connect();
    const loop = tuner(s, true);
    const miss = cached(async (i: number) => i, { system: s, key: (i) => `once:${i}`, ttl: 600 });
    let n = 0;
    for (let tick = 0; tick < 4; tick++) {
      // 150 lookups, every one a miss (a new key): hit rate 0 %.
      for (let i = 0; i < 150; i++) await miss(n++);
      await loop.tick();
    }
    expect(s.tuning.predictionTtlSeconds).toBe(TTL_BOUNDS.max);
    expect(loop.decisions.filter((d) => d.setting === 'predictionTtlSeconds').map((d) => [d.from, d.to])).toEqual([[2400, TTL_BOUNDS.max]]);
    expect(loop.latest?.recommendations[1]).toMatchObject({ current: TTL_BOUNDS.max, recommended: TTL_BOUNDS.max, reason: { code: 'at_bound' } });
  });

  test('without Redis the loop still evaluates: memory unknown, the TTL decided alone, applied in memory', async () => {
    const s = fixture.system({ l1: { maxEntries: L1_SIZE, ttl: 600 }, ttl: { predictions: 300 } }, null);
    await s.connect();
    expect(s.backend).toBe('memory');
    const loop = tuner(s, true);
    for (let round = 1; round <= 2; round++) {
      await lowHitRateWindow(s, round);
      await loop.tick();
    }
    expect(loop.latest?.window.signals.memory.usedBytes).toBeNull();
    // The fallback store is the L1: full and evicting, but Redis answered none of the hits — no reuse beyond it.
    expect(loop.latest?.recommendations[0]).toMatchObject({ recommended: L1_SIZE, reason: { code: 'l1_steady' } });
    // With the memory figure unknown the TTL is not lengthened; the lock is in-process, the record unwritten.
    expect(loop.latest?.ttlEvaluated).toBe('here');
    expect(s.tuning).toEqual({ l1MaxEntries: L1_SIZE, predictionTtlSeconds: 300 });
    expect(loop.latest?.window.signals.lookups).toBeGreaterThanOrEqual(2 * KEYS);
  });

  test(`the ring keeps the last ${DECISIONS_KEPT} decisions, newest first`, async () => {
    const s = fixture.system({ l1: { maxEntries: 1000 } });
    await s.connect();
    const loop = tuner(s, false);
    // An empty L1 is underused: after the confirmations every evaluation advises a shrink. Moving the bound by hand
    // between evaluations makes each advice a new one.
    const total = DECISIONS_KEPT + 10;
    for (let i = 0; i < total + 1; i++) {
      s.tune({ l1MaxEntries: 1000 + i });
      await loop.tick();
    }
    const decisions = loop.decisions;
    expect(decisions).toHaveLength(DECISIONS_KEPT);
    expect(decisions[0]).toMatchObject({
      setting: 'l1MaxEntries',
      from: 1000 + total,
      to: L1_BOUNDS.min,
      outcome: 'advised',
      reason: { code: 'l1_underused' },
    });
    expect(decisions.at(-1)?.from).toBe(1000 + total - DECISIONS_KEPT + 1);
    expect(decisions.map((d) => d.at)).toEqual([...decisions.map((d) => d.at)].sort((x, y) => y - x));
  });

  test('desired instances: the formula on the measured window', async () => {
    const s = smallL1System();
    await s.connect();
    const loop = tuner(s, false);
    const slow = cached(
      async (i: number) => {
        const until = performance.now() + 5;
        while (performance.now() < until); // 5 ms of compute per miss
        return i;
      },
      { system: s, key: (i) => `slow:${i}`, ttl: 600 },
    );
    for (let i = 0; i < 40; i++) await slow(i % 20);
    const e = await loop.tick();
    const { lookupsPerSecond, missRatio, computeSecondsPerMiss } = e.desired;
    expect(e.window.signals.lookups).toBe(40);
    expect(lookupsPerSecond).toBeCloseTo(40 / e.window.seconds, 9);
    expect(missRatio).toBe(0.5);
    expect(computeSecondsPerMiss).toBeGreaterThanOrEqual(0.005);
    expect(e.desired.targetUtilization).toBe(0.6);
    expect(e.desired.instances).toBe(desiredInstances(e.desired));
    expect(e.desired.instances).toBe(1);
  });
});
