import { describe, expect, it } from 'vitest';
import { advise, CONFIRMATIONS, INITIAL_ADVISOR_STATE, L1_BOUNDS, TTL_BOUNDS, type AdvisorState, type TuningSignals } from './advisor';

const MB = 1024 * 1024;

/** A healthy instance: 85 % hits, L1 half full, Redis at 30 % of its budget. */
function signals(
  over: { l1?: Partial<TuningSignals['l1']>; memory?: Partial<TuningSignals['memory']> } & Partial<Omit<TuningSignals, 'l1' | 'memory'>> = {},
): TuningSignals {
  const { l1, memory, ...rest } = over;
  return {
    lookups: 1000,
    hits: 850,
    hitRateMinPercent: 60,
    minLookups: 100,
    predictionTtlSeconds: 300,
    ...rest,
    l1: { entries: 5000, maxEntries: 10_000, bytes: 10 * MB, maxBytes: 64 * MB, evictions: 0, l1Hits: 700, l2Hits: 150, ...l1 },
    memory: { usedBytes: 30 * MB, budgetBytes: 100 * MB, ...memory },
  };
}

/** Runs `n` evaluations on the same signals, returning the last one's recommendations. */
function evaluate(s: TuningSignals, n: number, state: AdvisorState = INITIAL_ADVISOR_STATE) {
  let out = advise(s, state);
  for (let i = 1; i < n; i++) out = advise(s, out.state);
  return out;
}

const FULL_AND_EVICTING = { l1: { entries: 10_000, evictions: 500, l1Hits: 400, l2Hits: 300 } };

describe('tuning advisor', () => {
  it('holds on a healthy instance, with reasons', () => {
    const {
      recommendations: [l1, ttl],
    } = evaluate(signals(), 5);
    expect(l1).toMatchObject({ setting: 'l1MaxEntries', current: 10_000, recommended: 10_000, reason: { code: 'l1_steady' } });
    expect(ttl).toMatchObject({ setting: 'predictionTtlSeconds', current: 300, recommended: 300, reason: { code: 'ttl_steady' } });
  });

  it('grows a full, evicting L1 whose keys Redis serves again — only after the confirmations', () => {
    const first = advise(signals(FULL_AND_EVICTING));
    expect(first.recommendations[0]).toMatchObject({ recommended: 10_000, confirmations: 1, reason: { code: 'l1_evicting' } });
    const {
      recommendations: [l1],
    } = evaluate(signals(FULL_AND_EVICTING), CONFIRMATIONS);
    expect(l1).toMatchObject({ recommended: 20_000, reason: { code: 'l1_evicting', params: { occupancy: 100, evictions: 500 } } });
  });

  it('does not grow when the byte bound is what fills', () => {
    const s = signals({ l1: { ...FULL_AND_EVICTING.l1, entries: 9000, bytes: 63 * MB } });
    expect(evaluate(s, 3).recommendations[0]).toMatchObject({ recommended: 10_000, reason: { code: 'l1_byte_bound' } });
  });

  it('shrinks an underused L1 to twice its live entries, never below the lower bound', () => {
    expect(evaluate(signals({ l1: { entries: 1000 } }), CONFIRMATIONS).recommendations[0]).toMatchObject({
      recommended: 2000,
      reason: { code: 'l1_underused' },
    });
    expect(evaluate(signals({ l1: { entries: 3 } }), CONFIRMATIONS).recommendations[0].recommended).toBe(L1_BOUNDS.min);
  });

  it('keeps the L1 within its bounds and says so at the upper one', () => {
    const s = signals({ l1: { ...FULL_AND_EVICTING.l1, entries: 100_000, maxEntries: 100_000, maxBytes: 1024 * MB } });
    expect(evaluate(s, 3).recommendations[0]).toMatchObject({ recommended: L1_BOUNDS.max, reason: { code: 'at_bound' } });
    const near = signals({ l1: { ...FULL_AND_EVICTING.l1, entries: 80_000, maxEntries: 80_000, maxBytes: 1024 * MB } });
    expect(evaluate(near, CONFIRMATIONS).recommendations[0].recommended).toBe(L1_BOUNDS.max);
  });

  it('leaves a switched-off L1 off', () => {
    expect(evaluate(signals({ l1: { entries: 0, maxEntries: 0 } }), 3).recommendations[0].recommended).toBe(0);
  });

  it('halves the TTL under memory pressure, down to the lower bound', () => {
    const s = signals({ memory: { usedBytes: 95 * MB } });
    expect(evaluate(s, CONFIRMATIONS).recommendations[1]).toMatchObject({ recommended: 150, reason: { code: 'memory_pressure' } });
    const low = signals({ memory: { usedBytes: 95 * MB }, predictionTtlSeconds: 100 });
    expect(evaluate(low, CONFIRMATIONS).recommendations[1].recommended).toBe(TTL_BOUNDS.min);
    const atMin = signals({ memory: { usedBytes: 95 * MB }, predictionTtlSeconds: 60 });
    expect(evaluate(atMin, 3).recommendations[1]).toMatchObject({ recommended: 60, reason: { code: 'at_bound' } });
  });

  it('doubles the TTL on a low hit rate when memory has room, up to the upper bound', () => {
    const s = signals({ hits: 300 });
    expect(evaluate(s, CONFIRMATIONS).recommendations[1]).toMatchObject({
      recommended: 600,
      reason: { code: 'low_hit_rate', params: { hitRate: 30 } },
    });
    expect(evaluate(signals({ hits: 300, predictionTtlSeconds: 2400 }), CONFIRMATIONS).recommendations[1].recommended).toBe(TTL_BOUNDS.max);
  });

  it('does not lengthen the TTL when memory is in the dead band or unknown, nor on too few lookups', () => {
    expect(evaluate(signals({ hits: 300, memory: { usedBytes: 80 * MB } }), 3).recommendations[1]).toMatchObject({
      recommended: 300,
      reason: { code: 'ttl_steady' },
    });
    expect(evaluate(signals({ hits: 300, memory: { usedBytes: null } }), 3).recommendations[1].recommended).toBe(300);
    expect(evaluate(signals({ lookups: 50, hits: 5 }), 3).recommendations[1]).toMatchObject({
      recommended: 300,
      reason: { code: 'too_few_lookups' },
    });
  });

  it('does not flap: alternating signals never reach a change', () => {
    let state = INITIAL_ADVISOR_STATE;
    for (let i = 0; i < 10; i++) {
      const s = i % 2 === 0 ? signals({ ...FULL_AND_EVICTING, memory: { usedBytes: 95 * MB } }) : signals({ l1: { entries: 1000 }, hits: 300 });
      const out = advise(s, state);
      state = out.state;
      expect(out.recommendations.map((r) => r.recommended)).toEqual([10_000, 300]);
    }
  });

  it('a steady evaluation resets the confirmations', () => {
    const once = advise(signals(FULL_AND_EVICTING));
    const steady = advise(signals(), once.state);
    expect(advise(signals(FULL_AND_EVICTING), steady.state).recommendations[0]).toMatchObject({ recommended: 10_000, confirmations: 1 });
  });

  it('after applying a grow, the next window (half full) holds: the grow lands inside the dead band', () => {
    const grown = signals({ l1: { entries: 10_000, maxEntries: 20_000, evictions: 0 } });
    expect(evaluate(grown, 3).recommendations[0]).toMatchObject({ recommended: 20_000, reason: { code: 'l1_steady' } });
  });
});
