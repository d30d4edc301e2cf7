import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Admission control for forecast computations (cache misses): a bounded number in flight in total
 * (`FORECAST_QUEUE_MAX`) and per client (`FORECAST_MAX_PER_CLIENT`). A client over its share is told to retry
 * (429); when the whole queue is full everyone is (503). Cached answers never get here — the cache lookup comes
 * first — so they are never queued behind computations.
 *
 * The client is whoever the HTTP layer says it is (`withForecastClient`), carried through the async call chain so
 * the cache library and the forecasting service need no extra parameter. Work with no client (warm-ups, the
 * smart scheduler, scripts) is not counted: it is bounded by its own concurrency.
 */
export interface AdmissionLimits {
  maxQueue: number;
  maxPerClient: number;
}

export type RefusalReason = 'client' | 'queue';

export class AdmissionRefusedError extends Error {
  constructor(
    readonly reason: RefusalReason,
    readonly retryAfterSeconds: number,
  ) {
    super(
      reason === 'client'
        ? 'Too many forecasts are being computed for this client; retry shortly (cached forecasts are not limited)'
        : 'The forecast queue is full; retry shortly (cached forecasts are not limited)',
    );
    this.name = 'AdmissionRefusedError';
  }
}

/** True for an AdmissionRefusedError from any copy of this module (route bundles each have their own). */
export function isAdmissionRefused(error: unknown): error is AdmissionRefusedError {
  if (error instanceof AdmissionRefusedError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { name, reason } = error as { name?: unknown; reason?: unknown };
  return name === 'AdmissionRefusedError' && (reason === 'client' || reason === 'queue');
}

// On globalThis: the route bundles and the server start hook load separate copies of this module.
const STORE = Symbol.for('ai-prediction-cache.forecast-client');
function clientStore(): AsyncLocalStorage<string> {
  const holder = globalThis as { [STORE]?: AsyncLocalStorage<string> };
  holder[STORE] ??= new AsyncLocalStorage<string>();
  return holder[STORE];
}

/** Runs `fn` with `client` as the requester of any forecast it computes. */
export function withForecastClient<T>(client: string, fn: () => T): T {
  return clientStore().run(client, fn);
}

export function currentForecastClient(): string | undefined {
  return clientStore().getStore();
}

export interface AdmissionStats {
  inFlight: number;
  refused: Record<RefusalReason, number>;
}

export class ForecastAdmission {
  private readonly perClient = new Map<string, number>();
  private total = 0;
  private readonly refused: Record<RefusalReason, number> = { client: 0, queue: 0 };
  /** Set within an admitted computation. */
  private readonly inside = new AsyncLocalStorage<boolean>();

  constructor(private readonly limits: AdmissionLimits) {}

  /**
   * Runs `compute` if the current client (if any) and the queue have room; else throws AdmissionRefusedError. Work
   * an admitted computation starts (a forecast that must first train its model) is not counted again.
   */
  async run<T>(compute: () => Promise<T>): Promise<T> {
    const client = currentForecastClient();
    if (client === undefined || this.inside.getStore() === true) return compute();
    const mine = this.perClient.get(client) ?? 0;
    if (mine >= this.limits.maxPerClient) {
      this.refused.client++;
      throw new AdmissionRefusedError('client', 1);
    }
    if (this.total >= this.limits.maxQueue) {
      this.refused.queue++;
      throw new AdmissionRefusedError('queue', 2);
    }
    this.perClient.set(client, mine + 1);
    this.total++;
    try {
      return await this.inside.run(true, compute);
    } finally {
      this.total--;
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left === 0) this.perClient.delete(client);
      else this.perClient.set(client, left);
    }
  }

  stats(): AdmissionStats {
    return { inFlight: this.total, refused: { ...this.refused } };
  }
}
