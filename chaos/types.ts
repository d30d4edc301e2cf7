/**
 * The chaos suite's vocabulary: what a scenario declares (its backing services and its fault), what it may do
 * while the load runs (the fault context), and what one request of the load looks like once answered.
 */
import type { AppInstances } from '../e2e/support/instances';

/** The services behind the instances: the variables that point the instances at them, and how to stop them. */
export interface Backing {
  redisEnv: Record<string, string>;
  databaseEnv: Record<string, string>;
  stop(): Promise<void>;
}

/** Traffic classes of the load (see load.ts). */
export type RequestKind = 'cached' | 'uncached' | 'health' | 'products';

/** One request of the load, once answered, failed or timed out. Times are milliseconds since the run started. */
export interface RequestRecord {
  instance: number;
  kind: RequestKind;
  sentAt: number;
  doneAt: number;
  /** HTTP status; 0 for a transport error (connection refused or reset), -1 for a timeout (no answer). */
  status: number;
  /** `model_version` of the forecast of the retrained product (predictions) or of the product list's entry. */
  modelVersion: number | null;
  /** Product of a forecast request (null for health and the product list). */
  product: string | null;
}

export interface RetrainRecord {
  instance: number;
  sentAt: number;
  doneAt: number;
  status: number;
  version: number | null;
}

/** A scenario-specific check (e.g. the partition's "no fallback value shadows a newer Redis value"). */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface FaultContext {
  apps: AppInstances;
  /** Milliseconds since the run started (the records' clock). */
  now(): number;
  /** Marks the start of the fault (call right before injecting it). */
  faultStarted(): void;
  /** Marks the end of the fault (call once the injected condition is gone: server back, pause over, failover done). */
  faultEnded(): void;
  /** POST retrain of the probe product on instance `i`; the answer is recorded (stale answers are judged against it). */
  retrain(i: number): Promise<RetrainRecord>;
  /** Stops sending load to instance `i` (a load balancer dropping a dead target). */
  detach(i: number): void;
  /** Sends load to instance `i` again. */
  attach(i: number): void;
  /** Records a scenario-specific check. */
  check(result: CheckResult): void;
  /** A line for the scenario's notes in CHAOS.md. */
  note(text: string): void;
}

/** What a scenario module declares. */
export interface ScenarioSpec<B extends Backing> {
  name: string;
  title: string;
  /** What the fault looks like from the service, for CHAOS.md. */
  fault: string;
  /** Which goal rows apply: cached traffic must see no 5xx except in 'postgres', which must answer 503 instead. */
  family: 'redis' | 'postgres' | 'app';
  /** Why the scenario cannot run on this branch or machine, or null when it can. */
  unavailable(): string | null;
  /** Starts the services the instances use. */
  backing(dir: string): Promise<B>;
  /** Variables of instance `i` only (default: none), e.g. its Redis address through a proxy. */
  instanceEnv?(backing: B, i: number): Record<string, string>;
  /** Injects the fault while the load runs, marking its start and end. */
  inject(ctx: FaultContext & { backing: B }): Promise<void>;
}

/** A scenario as the harness runs it, its backing's type closed over. */
export type Scenario = Omit<ScenarioSpec<Backing>, 'backing' | 'inject' | 'instanceEnv'> & {
  prepare(dir: string): Promise<{ backing: Backing; instanceEnv(i: number): Record<string, string>; inject(ctx: FaultContext): Promise<void> }>;
};

export function defineScenario<B extends Backing>(spec: ScenarioSpec<B>): Scenario {
  const { backing, inject, instanceEnv, ...meta } = spec;
  return {
    ...meta,
    async prepare(dir) {
      const b = await backing(dir);
      return { backing: b, instanceEnv: (i) => instanceEnv?.(b, i) ?? {}, inject: (ctx) => inject({ ...ctx, backing: b }) };
    },
  };
}
