/**
 * The tuning advisor: from what the cache measured over a recent window, the L1 size and the prediction TTL it
 * should run with. Pure (no clock, no I/O): the caller gathers the signals, keeps the returned state for the next
 * evaluation, and decides whether to apply.
 *
 * Bounds: L1 100..100,000 entries; prediction TTL 60..3,600 s (a forecast of daily demand an hour old is still
 * the forecast; below a minute a cached prediction would hardly ever be read twice).
 *
 * Rules — L1 entries:
 * - hold when the byte bound, not the entry bound, is what fills (more entries would not fit anyway);
 * - grow ×2 when the L1 is full (≥ 90 % of its bound), it evicted in the window, and Redis answered ≥ 10 % of
 *   this instance's hits: keys are read again after the L1 dropped them (reuse beyond the L1's reach);
 * - shrink to twice the live entries when it is under 25 % full and evicted nothing: memory for nothing.
 * Rules — prediction TTL (checked in this order):
 * - halve when Redis uses ≥ 90 % of the memory budget (the memory alert's threshold): pressure comes first;
 * - hold with fewer lookups in the window than the hit-rate alert's minimum: too little to judge;
 * - double when the hit rate is under the alert's minimum and Redis uses < 70 % of the budget: entries expire
 *   before they are read again, and there is room to keep them longer.
 *
 * Hysteresis, so it does not flap: dead bands between the grow and shrink conditions (90 % / 25 % occupancy,
 * 90 % / 70 % memory); a change only after the same direction was found {@link CONFIRMATIONS} evaluations in a
 * row; no change smaller than 10 %; and a shrink lands at 50 % occupancy, a grow at ≤ 50 %, both inside the
 * dead band.
 */

export const L1_BOUNDS = { min: 100, max: 100_000 } as const;
export const TTL_BOUNDS = { min: 60, max: 3600 } as const;
/** Consecutive evaluations that must agree before a change is recommended. */
export const CONFIRMATIONS = 2;

const L1_FULL = 0.9;
const L1_UNDERUSED = 0.25;
const L2_HIT_SHARE = 0.1;
const MEMORY_PRESSURE = 0.9;
const MEMORY_ROOM = 0.7;
const MIN_CHANGE = 0.1;

export interface TuningSignals {
  /** Lookups of the window over every instance, and how many were hits. */
  lookups: number;
  hits: number;
  /** The hit-rate alert's threshold (percent) and its minimum number of lookups. */
  hitRateMinPercent: number;
  minLookups: number;
  l1: {
    entries: number;
    maxEntries: number;
    bytes: number;
    maxBytes: number;
    /** Evictions in the window (this instance). */
    evictions: number;
    /** This instance's hits in the window, from its L1 and from Redis. */
    l1Hits: number;
    l2Hits: number;
  };
  /** Redis `used_memory` (null: unknown, e.g. Redis down) against the memory alert's threshold. */
  memory: { usedBytes: number | null; budgetBytes: number };
  predictionTtlSeconds: number;
}

export type TuningSetting = 'l1MaxEntries' | 'predictionTtlSeconds';

export type ReasonCode =
  'l1_evicting' | 'l1_byte_bound' | 'l1_underused' | 'l1_steady' | 'memory_pressure' | 'too_few_lookups' | 'low_hit_rate' | 'ttl_steady' | 'at_bound';

/** Why: a machine code, and the figures its text places (percentages 0–100 with one decimal, counts). */
export interface Reason {
  code: ReasonCode;
  params: Record<string, number>;
}

export interface Recommendation {
  setting: TuningSetting;
  current: number;
  /** Equal to `current` while holding (or while a change waits for its confirmations). */
  recommended: number;
  /** Evaluations in a row that found this direction (a change is recommended at {@link CONFIRMATIONS}). */
  confirmations: number;
  reason: Reason;
}

interface Trend {
  direction: -1 | 0 | 1;
  streak: number;
}

/** What one evaluation passes to the next (hysteresis). */
export interface AdvisorState {
  l1: Trend;
  ttl: Trend;
}

export const INITIAL_ADVISOR_STATE: AdvisorState = { l1: { direction: 0, streak: 0 }, ttl: { direction: 0, streak: 0 } };

interface Proposal {
  target: number;
  reason: Reason;
}

const pct = (x: number): number => Math.round(x * 1000) / 10;
const clamp = (n: number, b: { min: number; max: number }): number => Math.min(b.max, Math.max(b.min, Math.round(n)));

function proposeL1(s: TuningSignals): Proposal {
  const { l1 } = s;
  const current = l1.maxEntries;
  const occupancy = current > 0 ? l1.entries / current : 1;
  const byteFill = l1.maxBytes > 0 ? l1.bytes / l1.maxBytes : 1;
  const localHits = l1.l1Hits + l1.l2Hits;
  const l2Share = localHits > 0 ? l1.l2Hits / localHits : 0;
  const figures = { occupancy: pct(occupancy), evictions: l1.evictions, l2HitShare: pct(l2Share), entries: l1.entries };
  // An L1 switched off (bound 0) stays off: that is a deployment's choice, not a measurement's.
  if (current === 0) return { target: 0, reason: { code: 'l1_steady', params: figures } };
  if (l1.evictions > 0 && byteFill >= L1_FULL)
    return { target: current, reason: { code: 'l1_byte_bound', params: { ...figures, byteFill: pct(byteFill) } } };
  if (l1.evictions > 0 && occupancy >= L1_FULL && l2Share >= L2_HIT_SHARE)
    return { target: clamp(current * 2, L1_BOUNDS), reason: { code: 'l1_evicting', params: figures } };
  if (l1.evictions === 0 && occupancy < L1_UNDERUSED)
    return { target: clamp(Math.max(l1.entries * 2, 1), L1_BOUNDS), reason: { code: 'l1_underused', params: figures } };
  return { target: current, reason: { code: 'l1_steady', params: figures } };
}

function proposeTtl(s: TuningSignals): Proposal {
  const current = s.predictionTtlSeconds;
  const memoryFill = s.memory.usedBytes === null || s.memory.budgetBytes <= 0 ? null : s.memory.usedBytes / s.memory.budgetBytes;
  const hitRate = s.lookups > 0 ? s.hits / s.lookups : 0;
  const figures = { hitRate: pct(hitRate), lookups: s.lookups, memoryFill: memoryFill === null ? -1 : pct(memoryFill), ttl: current };
  if (memoryFill !== null && memoryFill >= MEMORY_PRESSURE)
    return { target: clamp(current / 2, TTL_BOUNDS), reason: { code: 'memory_pressure', params: figures } };
  if (s.lookups < s.minLookups) return { target: current, reason: { code: 'too_few_lookups', params: { ...figures, minLookups: s.minLookups } } };
  if (hitRate * 100 < s.hitRateMinPercent && memoryFill !== null && memoryFill < MEMORY_ROOM)
    return { target: clamp(current * 2, TTL_BOUNDS), reason: { code: 'low_hit_rate', params: { ...figures, hitRateMin: s.hitRateMinPercent } } };
  return { target: current, reason: { code: 'ttl_steady', params: figures } };
}

/** Applies the hysteresis to one proposal: the recommendation, and the trend to remember. */
function settle(setting: TuningSetting, current: number, p: Proposal, previous: Trend): { rec: Recommendation; trend: Trend } {
  const big = Math.abs(p.target - current) >= Math.max(1, current * MIN_CHANGE);
  const direction: Trend['direction'] = !big ? 0 : p.target > current ? 1 : -1;
  if (direction === 0) {
    // A change the bounds stop (already at the limit) is worth saying: the operator may want wider bounds.
    const reason: Reason =
      p.target === current && p.reason.code !== 'l1_steady' && p.reason.code !== 'ttl_steady' && isAtBound(setting, current, p.reason.code)
        ? { code: 'at_bound', params: { ...p.reason.params, bound: current } }
        : p.reason;
    return { rec: { setting, current, recommended: current, confirmations: 0, reason }, trend: { direction: 0, streak: 0 } };
  }
  const streak = previous.direction === direction ? previous.streak + 1 : 1;
  const confirmed = streak >= CONFIRMATIONS;
  return {
    rec: { setting, current, recommended: confirmed ? p.target : current, confirmations: Math.min(streak, CONFIRMATIONS), reason: p.reason },
    trend: { direction, streak },
  };
}

function isAtBound(setting: TuningSetting, current: number, code: ReasonCode): boolean {
  const b = setting === 'l1MaxEntries' ? L1_BOUNDS : TTL_BOUNDS;
  const up = code === 'l1_evicting' || code === 'low_hit_rate';
  const down = code === 'l1_underused' || code === 'memory_pressure';
  return (up && current >= b.max) || (down && current <= b.min);
}

/** One evaluation: a recommendation per setting (L1 first, then TTL) and the state for the next one. */
export function advise(
  signals: TuningSignals,
  state: AdvisorState = INITIAL_ADVISOR_STATE,
): { recommendations: [Recommendation, Recommendation]; state: AdvisorState } {
  const l1 = settle('l1MaxEntries', signals.l1.maxEntries, proposeL1(signals), state.l1);
  const ttl = settle('predictionTtlSeconds', signals.predictionTtlSeconds, proposeTtl(signals), state.ttl);
  return { recommendations: [l1.rec, ttl.rec], state: { l1: l1.trend, ttl: ttl.trend } };
}
