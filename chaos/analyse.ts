/**
 * Turns one scenario's records into its figures and goals: requests, 5xx by traffic class, latency during the
 * fault, recovery time after it, stale answers, and (for the database scenario) what uncached requests got while
 * the database was down.
 */
import type { CheckResult, RequestKind, RequestRecord, RetrainRecord, Scenario } from './types';

export interface Goal {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  fault: string;
  family: Scenario['family'];
  commit: string;
  date: string;
  /** Set when the scenario did not run; the figures below are then absent. */
  skipped?: string;
  /** Milliseconds since the run started. */
  window?: { faultStart: number; faultEnd: number; end: number };
  requests?: { total: number; byKind: Record<RequestKind, number> };
  fiveXx?: Record<RequestKind, number>;
  /** Requests that got no HTTP answer: connection refused/reset, or none within the timeout. */
  noAnswer?: { transport: number; timeouts: number };
  /** Transport errors of an instance killed on purpose while it was down (what a load balancer absorbs). */
  lostOnKilledInstance?: number;
  duringFault?: { requests: number; p99Ms: number; maxMs: number };
  /** From the fault's end to the first moment from which every request succeeds; null = not within the run. */
  recoveryMs?: number | null;
  stale?: { predictions: number; productListAfterFault: number; productListDuringFault: number; samples: string[] };
  /** Uncached forecasts sent while the database was down, by outcome. */
  databaseDown?: { uncached: number; s200: number; s503: number; s500: number; otherStatus: number; noAnswer: number };
  retrains?: RetrainRecord[];
  checks?: CheckResult[];
  notes?: string[];
  goals?: Goal[];
}

export interface AnalysisInput {
  records: readonly RequestRecord[];
  retrains: readonly RetrainRecord[];
  faultStart: number;
  faultEnd: number;
  end: number;
  /** Per instance, windows during which it was killed on purpose. */
  killed: readonly { instance: number; from: number; to: number }[];
  timeoutMs: number;
}

const KINDS: RequestKind[] = ['cached', 'uncached', 'health', 'products'];
const RECOVERY_GOAL_MS = 5000;

const failed = (r: RequestRecord) => r.status >= 500 || r.status <= 0;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function analyse(scenario: Scenario, input: AnalysisInput): Omit<ScenarioResult, 'commit' | 'date' | 'checks' | 'notes'> {
  const { faultStart, faultEnd, end } = input;
  const onKilled = (r: RequestRecord) =>
    r.status === 0 && input.killed.some((k) => k.instance === r.instance && r.sentAt >= k.from - 1000 && r.sentAt <= k.to);
  const records = input.records.filter((r) => !onKilled(r));
  const lostOnKilledInstance = input.records.length - records.length;

  const byKind = Object.fromEntries(KINDS.map((k) => [k, records.filter((r) => r.kind === k).length])) as Record<RequestKind, number>;
  const fiveXx = Object.fromEntries(KINDS.map((k) => [k, records.filter((r) => r.kind === k && r.status >= 500).length])) as Record<
    RequestKind,
    number
  >;
  const noAnswer = { transport: records.filter((r) => r.status === 0).length, timeouts: records.filter((r) => r.status === -1).length };

  const inFault = records.filter((r) => r.sentAt >= faultStart && r.sentAt <= faultEnd);
  const latencies = inFault.map((r) => (r.status === -1 ? input.timeoutMs : r.doneAt - r.sentAt)).sort((a, b) => a - b);
  const duringFault = { requests: inFault.length, p99Ms: Math.round(percentile(latencies, 99)), maxMs: Math.round(latencies.at(-1) ?? 0) };

  // Recovery: the last failure that ended after the fault ended; none → 0. One in the run's last second → not recovered.
  const lateFailures = records.filter((r) => failed(r) && r.doneAt >= faultEnd).map((r) => r.doneAt);
  const lastFailure = lateFailures.length ? Math.max(...lateFailures) : null;
  const recoveryMs = lastFailure === null ? 0 : lastFailure > end - 1000 ? null : Math.round(lastFailure - faultEnd);

  // Stale: an answer carrying a version older than a retrain that had returned when the request was sent.
  const returned = input.retrains.filter((r) => r.status === 200 && r.version !== null);
  const latestBefore = (t: number) => Math.max(0, ...returned.filter((r) => r.doneAt <= t).map((r) => r.version ?? 0));
  const staleOf = (r: RequestRecord) => r.status === 200 && r.modelVersion !== null && r.modelVersion < latestBefore(r.sentAt);
  const forecasts = records.filter((r) => r.kind === 'cached' || r.kind === 'uncached');
  const lists = records.filter((r) => r.kind === 'products');
  const stale = {
    predictions: forecasts.filter(staleOf).length,
    productListAfterFault: lists.filter((r) => r.sentAt > faultEnd && staleOf(r)).length,
    productListDuringFault: lists.filter((r) => r.sentAt <= faultEnd && staleOf(r)).length,
    // The first few, to tell a window from a stuck instance.
    samples: [...forecasts, ...lists]
      .filter(staleOf)
      .sort((a, b) => Number(a.sentAt <= faultEnd) - Number(b.sentAt <= faultEnd) || a.sentAt - b.sentAt)
      .slice(0, 10)
      .map(
        (r) =>
          `${r.kind} on instance ${r.instance} sent ${Math.round(r.sentAt - faultEnd)} ms after the fault's end: v${r.modelVersion}, latest v${latestBefore(r.sentAt)}`,
      ),
  };

  let databaseDown: ScenarioResult['databaseDown'];
  if (scenario.family === 'postgres') {
    const u = inFault.filter((r) => r.kind === 'uncached');
    databaseDown = {
      uncached: u.length,
      s200: u.filter((r) => r.status === 200).length,
      s503: u.filter((r) => r.status === 503).length,
      s500: u.filter((r) => r.status === 500).length,
      otherStatus: u.filter((r) => r.status > 0 && r.status !== 503 && r.status !== 500 && r.status !== 200).length,
      noAnswer: u.filter((r) => r.status <= 0).length,
    };
  }

  const goals: Goal[] = [];
  if (scenario.family !== 'postgres') {
    goals.push({ name: '0 5xx for cached traffic', ok: fiveXx.cached === 0, detail: `${fiveXx.cached} of ${byKind.cached}` });
  }
  goals.push({
    name: 'recovery < 5 s',
    ok: recoveryMs !== null && recoveryMs < RECOVERY_GOAL_MS,
    detail: recoveryMs === null ? 'not recovered before the run ended' : `${recoveryMs} ms`,
  });
  // Forecasts carry the version read from the database: none may be stale, ever. The product list is a cached
  // listing whose versions an instance cut off from Redis can't hear about (reported, not a goal; the partition
  // scenario checks that it catches up once the instance is back on Redis).
  goals.push({
    name: '0 stale answers',
    ok: stale.predictions === 0,
    detail: `${stale.predictions} of ${forecasts.filter((r) => r.product !== null && r.modelVersion !== null).length} forecasts of the retrained product`,
  });
  if (databaseDown) {
    // A forecast that needs the database answers 503; one the service can make without it (model and version
    // already in memory) may answer 200. Never a 500, never a hang.
    const bad = databaseDown.s500 + databaseDown.noAnswer + databaseDown.otherStatus;
    goals.push({
      name: 'uncached while the database is down: 503 or served, never 500 or a hang',
      ok: bad === 0 && databaseDown.uncached > 0,
      detail: `${databaseDown.s200} × 200, ${databaseDown.s503} × 503, ${databaseDown.s500} × 500, ${databaseDown.noAnswer} no answer, ${databaseDown.otherStatus} other (of ${databaseDown.uncached})`,
    });
  }
  if (noAnswer.timeouts > 0)
    goals.push({ name: 'no hung request', ok: false, detail: `${noAnswer.timeouts} without an answer in ${input.timeoutMs} ms` });

  return {
    scenario: scenario.name,
    title: scenario.title,
    fault: scenario.fault,
    family: scenario.family,
    window: { faultStart: Math.round(faultStart), faultEnd: Math.round(faultEnd), end: Math.round(end) },
    requests: { total: records.length, byKind },
    fiveXx,
    noAnswer,
    lostOnKilledInstance,
    duringFault,
    recoveryMs,
    stale,
    databaseDown,
    retrains: [...input.retrains],
    goals,
  };
}
