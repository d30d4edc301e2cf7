import { appCacheSystem } from '@/lib/config/cache-system';
import { readEnv } from '@/lib/config/env';
import type {
  DesiredInstancesInfo,
  TuningDecisionInfo,
  TuningReason,
  TuningRecommendationInfo,
  TuningReport,
  TuningSettingName,
  TuningSummary,
} from '@/lib/api-types';
import { appMetrics } from '@/lib/metrics/registry';
import { processSingleton } from '@/lib/redis-cache';
import { L1_BOUNDS, TTL_BOUNDS, type TuningSetting } from '@/lib/tuning/advisor';
import { Autotuner, type DecisionReason, type Evaluation, type ShownRecommendation, type TuningDecision } from '@/lib/tuning/autotuner';
import { errorMessage, httpLogger } from './log';

/**
 * The process's autotune loop (lib/tuning/autotuner.ts) over the process-wide cache system: one timer per process
 * (started by the server start hook, stopped on shutdown), its metrics, and the API's view of it.
 */
interface AutotuneSlot {
  tuner: Autotuner | null;
  timer: NodeJS.Timeout | null;
}

const slot = (): AutotuneSlot => processSingleton<AutotuneSlot>('autotune', () => ({ tuner: null, timer: null }));

const SETTING_NAMES: Record<TuningSetting, TuningSettingName> = {
  l1MaxEntries: 'l1_max_entries',
  predictionTtlSeconds: 'prediction_ttl_seconds',
};

/** The process's autotuner (created on first use; a new cache system — tests — gets a new one). */
export function autotuner(): Autotuner {
  const s = slot();
  const system = appCacheSystem();
  if (s.tuner === null || s.tuner.system !== system) {
    const { enabled, intervalSeconds, targetUtilization } = readEnv().autotune;
    const metrics = appMetrics();
    s.tuner = new Autotuner(
      {
        system,
        log: httpLogger().child({ component: 'autotune' }),
        onDecision: (d) => metrics.autotuneChanges.inc({ setting: SETTING_NAMES[d.setting], outcome: d.outcome }),
        onEvaluation: (e) => setDesiredGauges(e),
      },
      { apply: enabled, intervalSeconds, targetUtilization },
    );
  }
  return s.tuner;
}

function setDesiredGauges(e: Evaluation): void {
  const metrics = appMetrics();
  metrics.desiredInstances.set(e.desired.instances);
  metrics.autotuneLookupsPerSecond.set(e.desired.lookupsPerSecond);
  metrics.autotuneMissRatio.set(e.desired.missRatio);
  metrics.autotuneComputeSecondsPerMiss.set(e.desired.computeSecondsPerMiss);
}

/** Samples the settings in force at scrape time; before the first evaluation the desired instances read 1. */
export function refreshTuningGauges(): void {
  const metrics = appMetrics();
  const tuner = autotuner();
  const { l1MaxEntries, predictionTtlSeconds } = tuner.system.tuning;
  metrics.l1MaxEntries.set(l1MaxEntries);
  metrics.predictionTtlSeconds.set(predictionTtlSeconds);
  metrics.targetUtilization.set(tuner.options.targetUtilization);
  if (tuner.latest === null) metrics.desiredInstances.set(1);
}

/** Every CACHE_AUTOTUNE_INTERVAL seconds, one evaluation. Idempotent; the timer never keeps the process up. */
export function startAutotuner(): void {
  const s = slot();
  if (s.timer) return;
  const tuner = autotuner();
  s.timer = setInterval(() => {
    tuner.tick().catch((error: unknown) => httpLogger().warn({ err: { message: errorMessage(error) } }, 'autotune evaluation failed'));
  }, tuner.options.intervalSeconds * 1000);
  s.timer.unref();
}

/** Stops the timer (shutdown, tests). */
export function stopAutotuner(): void {
  const s = slot();
  if (s.timer) clearInterval(s.timer);
  s.timer = null;
}

// ── the API's view ──────────────────────────────────────────────────────────────────────────────────────────

const iso = (ms: number) => new Date(ms).toISOString();
const reasonInfo = (r: DecisionReason): TuningReason => ({ code: r.code, params: { ...r.params } });
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function decisionInfo(d: TuningDecision): TuningDecisionInfo {
  return { at: iso(d.at), setting: SETTING_NAMES[d.setting], from: d.from, to: d.to, outcome: d.outcome, reason: reasonInfo(d.reason) };
}

function recommendationInfo(r: ShownRecommendation): TuningRecommendationInfo {
  return {
    setting: SETTING_NAMES[r.setting],
    current: r.current,
    recommended: r.recommended,
    confirmations: r.confirmations,
    reason: reasonInfo(r.reason),
  };
}

function desiredInfo(e: Evaluation): DesiredInstancesInfo {
  return {
    instances: e.desired.instances,
    lookups_per_second: round(e.desired.lookupsPerSecond, 3),
    miss_ratio: round(e.desired.missRatio, 4),
    compute_seconds_per_miss: round(e.desired.computeSecondsPerMiss, 4),
    target_utilization: e.desired.targetUtilization,
    window_s: round(e.window.seconds, 1),
  };
}

/** `GET /api/ai/cache/tuning` */
export function tuningReport(tuner: Autotuner = autotuner()): TuningReport {
  const latest = tuner.latest;
  const { l1MaxEntries, predictionTtlSeconds } = tuner.system.tuning;
  const signals = latest?.window.signals;
  return {
    autotune: tuner.options.apply,
    interval_s: tuner.options.intervalSeconds,
    settings: { l1_max_entries: l1MaxEntries, prediction_ttl_seconds: predictionTtlSeconds },
    bounds: { l1_max_entries: { ...L1_BOUNDS }, prediction_ttl_seconds: { ...TTL_BOUNDS } },
    latest:
      latest && signals
        ? {
            at: iso(latest.at),
            window_s: round(latest.window.seconds, 1),
            ttl_evaluated: latest.ttlEvaluated,
            signals: {
              lookups: signals.lookups,
              hits: signals.hits,
              hit_rate: signals.lookups > 0 ? round((signals.hits / signals.lookups) * 100, 1) : null,
              l1_entries: signals.l1.entries,
              l1_evictions: signals.l1.evictions,
              used_memory: signals.memory.usedBytes,
            },
            recommendations: latest.recommendations.map(recommendationInfo),
          }
        : null,
    decisions: tuner.decisions.map(decisionInfo),
    desired_instances: latest ? desiredInfo(latest) : null,
    generated_at: new Date().toISOString(),
  };
}

/** `cache/info.tuning` */
export function tuningSummary(tuner: Autotuner = autotuner()): TuningSummary {
  const latest = tuner.latest;
  const last = tuner.decisions[0];
  const { l1MaxEntries, predictionTtlSeconds } = tuner.system.tuning;
  return {
    autotune: tuner.options.apply,
    interval_s: tuner.options.intervalSeconds,
    l1_max_entries: l1MaxEntries,
    prediction_ttl_seconds: predictionTtlSeconds,
    desired_instances: latest ? latest.desired.instances : null,
    last_evaluated_at: latest ? iso(latest.at) : null,
    last_decision: last ? decisionInfo(last) : null,
  };
}
