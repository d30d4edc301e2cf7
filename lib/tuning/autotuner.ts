/**
 * The autotune loop's body: every interval, measure the window, ask the advisor, and — with `apply` (CACHE_AUTOTUNE)
 * — change the cache through `CacheSystem.tune`; without it, only record what would have changed. Every decision
 * (applied or advised) is kept in a ring of the last {@link DECISIONS_KEPT}, logged and handed to `onDecision`
 * (the metrics counter). The timer lives with the caller (lib/http/autotune.ts): tests call {@link Autotuner.tick}.
 *
 * Who decides what:
 * - the L1 entry bound is per instance: each instance's L1 is its own memory, filled by its own callers;
 * - the prediction TTL is the fleet's (see shared-ttl.ts): with `apply`, one instance at a time evaluates it under
 *   the `autotune` lock and publishes it; the others adopt the published value. Without `apply` nothing is
 *   published or adopted: each instance advises from the fleet's figures alone.
 */
import { errorMessage, isLockTimeoutError, type CacheLogger, type CacheSystem } from '@/lib/redis-cache';
import { advise, INITIAL_ADVISOR_STATE, type AdvisorState, type Reason, type ReasonCode, type Recommendation, type TuningSetting } from './advisor';
import { desiredInstances, type DesiredInstancesInputs } from './desired-instances';
import { WindowMeter, type MeasuredWindow } from './measured-window';
import { readSharedTtl, writeSharedTtl } from './shared-ttl';

export const DECISIONS_KEPT = 50;
const LOCK = 'autotune';
/** The decision takes two Redis round trips; the lock's watchdog extends it if a slow Redis makes it longer. */
const LOCK_TTL_MS = 10_000;

/** Why a value changed: the advisor's reason, or `shared_ttl` — adopted from the value the fleet published. */
export interface DecisionReason {
  code: ReasonCode | 'shared_ttl';
  params: Record<string, number>;
}

export interface TuningDecision {
  /** epoch ms */
  at: number;
  setting: TuningSetting;
  from: number;
  to: number;
  /** `applied`: the cache now runs with `to`; `advised`: CACHE_AUTOTUNE is off, nothing changed. */
  outcome: 'applied' | 'advised';
  reason: DecisionReason;
}

/** A recommendation as the report shows it (a TTL adopted from the fleet has no advisor reason of its own). */
export interface ShownRecommendation extends Omit<Recommendation, 'reason'> {
  reason: DecisionReason;
}

export interface Evaluation {
  at: number;
  window: MeasuredWindow;
  /** L1 first, then the TTL. */
  recommendations: [ShownRecommendation, ShownRecommendation];
  /** Where the TTL was evaluated: `here`, by `another` instance (adopted), or `local` (advice only / Redis away). */
  ttlEvaluated: 'here' | 'another' | 'local';
  desired: DesiredInstancesInputs & { instances: number };
}

export interface AutotunerOptions {
  /** CACHE_AUTOTUNE */
  apply: boolean;
  /** CACHE_AUTOTUNE_INTERVAL */
  intervalSeconds: number;
  /** CACHE_TARGET_UTILIZATION */
  targetUtilization: number;
}

export interface AutotunerDeps {
  system: CacheSystem;
  log: CacheLogger;
  onDecision?: (decision: TuningDecision) => void;
  onEvaluation?: (evaluation: Evaluation) => void;
  now?: () => number;
}

type TtlOutcome =
  | { kind: 'evaluated'; recommendation: Recommendation; published: number | null }
  | { kind: 'adopted'; ttlSeconds: number | null }
  | { kind: 'local'; recommendation: Recommendation };

export class Autotuner {
  readonly system: CacheSystem;
  readonly options: Readonly<AutotunerOptions>;
  private readonly log: CacheLogger;
  private readonly now: () => number;
  private readonly meter: WindowMeter;
  private state: AdvisorState = INITIAL_ADVISOR_STATE;
  private readonly ring: TuningDecision[] = [];
  private last: Evaluation | null = null;
  private running: Promise<Evaluation> | null = null;

  constructor(
    private readonly deps: AutotunerDeps,
    options: AutotunerOptions,
  ) {
    this.system = deps.system;
    this.options = { ...options };
    this.log = deps.log;
    this.now = deps.now ?? Date.now;
    this.meter = new WindowMeter(this.system, this.now());
  }

  /** The decisions kept, newest first. */
  get decisions(): TuningDecision[] {
    return [...this.ring].reverse();
  }

  /** The latest evaluation (null before the first tick). */
  get latest(): Evaluation | null {
    return this.last;
  }

  /** One evaluation. Overlapping calls share the one running (a slow Redis must not stack evaluations up). */
  tick(): Promise<Evaluation> {
    this.running ??= this.evaluate().finally(() => (this.running = null));
    return this.running;
  }

  private async evaluate(): Promise<Evaluation> {
    const window = await this.meter.measure(this.now());
    const at = this.now();
    const local = advise(window.signals, this.state);
    const [l1, localTtl] = local.recommendations;
    this.state = { l1: local.state.l1, ttl: this.state.ttl };
    this.decide(at, l1, l1.reason);

    const ttl = await this.ttl(window, at, localTtl, local.state);
    let shownTtl: ShownRecommendation;
    if (ttl.kind === 'adopted') {
      const current = this.system.tuning.predictionTtlSeconds;
      if (ttl.ttlSeconds !== null && ttl.ttlSeconds !== current) this.change(at, 'predictionTtlSeconds', current, ttl.ttlSeconds, SHARED);
      const now = this.system.tuning.predictionTtlSeconds;
      shownTtl = { setting: 'predictionTtlSeconds', current: now, recommended: now, confirmations: 0, reason: SHARED };
    } else {
      if (ttl.kind === 'evaluated' && ttl.published !== null) {
        // Another instance's earlier decision this instance has not adopted yet comes first.
        this.change(at, 'predictionTtlSeconds', this.system.tuning.predictionTtlSeconds, ttl.published, SHARED);
      }
      this.decide(at, ttl.recommendation, ttl.recommendation.reason);
      shownTtl = ttl.recommendation;
    }

    const load = { ...window.load, targetUtilization: this.options.targetUtilization };
    const evaluation: Evaluation = {
      at,
      window,
      recommendations: [l1, shownTtl],
      ttlEvaluated: ttl.kind === 'evaluated' ? 'here' : ttl.kind === 'adopted' ? 'another' : 'local',
      desired: { ...load, instances: desiredInstances(load) },
    };
    this.last = evaluation;
    this.deps.onEvaluation?.(evaluation);
    return evaluation;
  }

  /** The TTL's recommendation: coordinated through Redis when applying, this instance's own advice otherwise. */
  private async ttl(window: MeasuredWindow, at: number, localTtl: Recommendation, localState: AdvisorState): Promise<TtlOutcome> {
    if (!this.options.apply) {
      this.state = { ...this.state, ttl: localState.ttl };
      return { kind: 'local', recommendation: localTtl };
    }
    try {
      return await this.system.lock(LOCK, LOCK_TTL_MS, () => this.evaluateSharedTtl(window, at), { waitMs: 0 });
    } catch (error) {
      // Another instance is evaluating right now: take what it publishes (this tick, or the next).
      if (isLockTimeoutError(error)) return { kind: 'adopted', ttlSeconds: (await readSharedTtl(this.system))?.ttlSeconds ?? null };
      // The lock itself failed (Redis trouble): decide alone, as without Redis; the published value wins again later.
      this.log.warn({ err: errorMessage(error) }, 'autotune: the TTL is decided locally (lock unavailable)');
      this.state = { ...this.state, ttl: localState.ttl };
      return { kind: 'local', recommendation: localTtl };
    }
  }

  private async evaluateSharedTtl(window: MeasuredWindow, at: number): Promise<TtlOutcome> {
    const shared = await readSharedTtl(this.system);
    const current = this.system.tuning.predictionTtlSeconds;
    // Evaluated for this window already (by another instance, within half an interval): adopt, don't count twice.
    if (shared && shared.instanceId !== this.system.instanceId && at - shared.evaluatedAt < (this.options.intervalSeconds * 1000) / 2) {
      return { kind: 'adopted', ttlSeconds: shared.ttlSeconds };
    }
    const base = shared?.ttlSeconds ?? current;
    const trend = shared?.trend ?? this.state.ttl;
    const out = advise({ ...window.signals, predictionTtlSeconds: base }, { l1: INITIAL_ADVISOR_STATE.l1, ttl: trend });
    const recommendation = out.recommendations[1];
    this.state = { ...this.state, ttl: out.state.ttl };
    // Redis away: the record is not written and this instance decides alone until it is back (then the published
    // value wins again).
    await writeSharedTtl(
      this.system,
      { ttlSeconds: recommendation.recommended, trend: out.state.ttl, evaluatedAt: at, instanceId: this.system.instanceId },
      this.options.intervalSeconds,
    );
    return { kind: 'evaluated', recommendation, published: base !== current ? base : null };
  }

  /** A recommended change becomes a decision: applied with CACHE_AUTOTUNE, else advised (once per distinct advice). */
  private decide(at: number, rec: Recommendation, reason: Reason): void {
    if (rec.recommended === rec.current) return;
    if (this.options.apply) {
      this.change(at, rec.setting, rec.current, rec.recommended, reason);
      return;
    }
    // The same advice at every tick is one decision, not one per interval.
    const previous = this.ring.findLast((d) => d.setting === rec.setting);
    if (previous?.outcome === 'advised' && previous.from === rec.current && previous.to === rec.recommended) return;
    this.record({ at, setting: rec.setting, from: rec.current, to: rec.recommended, outcome: 'advised', reason });
  }

  private change(at: number, setting: TuningSetting, from: number, to: number, reason: DecisionReason): void {
    this.system.tune({ [setting]: to });
    this.record({ at, setting, from, to, outcome: 'applied', reason });
  }

  private record(decision: TuningDecision): void {
    this.ring.push(decision);
    if (this.ring.length > DECISIONS_KEPT) this.ring.shift();
    const { setting, from, to, outcome, reason } = decision;
    this.log.info(
      { setting, from, to, outcome, reason: reason.code, figures: reason.params },
      outcome === 'applied'
        ? `autotune: ${setting} ${from} → ${to} (${reason.code})`
        : `autotune advises: ${setting} ${from} → ${to} (${reason.code})`,
    );
    this.deps.onDecision?.(decision);
  }
}

const SHARED: DecisionReason = { code: 'shared_ttl', params: {} };
