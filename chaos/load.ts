/**
 * The chaos load: one autocannon per instance at a bounded rate, loopback only, every request recorded (kind,
 * send and answer time, status, model version of the probe product). Traffic mix per request:
 * - 75 % cached forecasts: a warmed product × 7 or 30 days (served from L1 / Redis),
 * - 10 % uncached forecasts: a warmed product × a day count no one warmed (a miss, computed),
 * - 10 % health, 5 % the product list (which carries each product's model version).
 */
import autocannon from 'autocannon';
import type { RequestKind, RequestRecord } from './types';

export interface LoadOptions {
  /** Requests per second per instance. */
  ratePerInstance: number;
  connectionsPerInstance: number;
  /** A request without an answer after this many seconds counts as a hang (above the routes' 5 s deadline). */
  timeoutSec: number;
  /** Products warmed before the load; forecasts are asked for these only (no first training under load). */
  products: readonly string[];
  /** The product retrains target: its model version is read from every answer. */
  probeProduct: string;
  /** Day counts warmed for every product. */
  warmDays: readonly number[];
}

interface RequestContext {
  kind?: RequestKind;
  product?: string | null;
  sentAt?: number;
}

/** autocannon's client keeps the request iterator (and its per-request context) on itself; its types don't say so. */
interface ClientWithContext {
  requestIterator?: { context?: RequestContext };
  on(event: 'timeout' | 'connError', listener: () => void): unknown;
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)];

function uncachedDays(warm: readonly number[]): number {
  for (;;) {
    const days = 31 + Math.floor(Math.random() * 90); // a few ms of forecasting each: the machine stays the bottleneck's owner
    if (!warm.includes(days)) return days;
  }
}

function modelVersionOf(kind: RequestKind, product: string | null, probe: string, body: string): number | null {
  try {
    if ((kind === 'cached' || kind === 'uncached') && product === probe) {
      const m = /"model_version":(\d+)/.exec(body);
      return m ? Number(m[1]) : null;
    }
    if (kind === 'products') {
      const parsed = JSON.parse(body) as { products?: { name: string; model_version: number | null }[] };
      return parsed.products?.find((p) => p.name === probe)?.model_version ?? null;
    }
  } catch {
    // not JSON (an error page): no version
  }
  return null;
}

export class ChaosLoad {
  readonly records: RequestRecord[] = [];
  private readonly runners = new Map<number, autocannon.Instance>();

  constructor(
    private readonly o: LoadOptions,
    private readonly clock: () => number,
  ) {}

  /** Starts (or restarts) the load on instance `i` at `url`. */
  attach(i: number, url: string): void {
    if (this.runners.has(i)) return;
    const o = this.o;
    const record = (ctx: RequestContext, status: number, body: string) => {
      if (!ctx.kind || ctx.sentAt === undefined) return;
      this.records.push({
        instance: i,
        kind: ctx.kind,
        sentAt: ctx.sentAt,
        doneAt: this.clock(),
        status,
        modelVersion: status === 200 ? modelVersionOf(ctx.kind, ctx.product ?? null, o.probeProduct, body) : null,
        product: ctx.product ?? null,
      });
      ctx.kind = undefined; // answered: a later timeout or connection error of this client is another request's
    };
    const runner = autocannon(
      {
        url,
        connections: o.connectionsPerInstance,
        overallRate: o.ratePerInstance,
        timeout: o.timeoutSec,
        duration: 3600, // stopped by detach()
        pipelining: 1,
        setupClient: (client) => {
          const c = client as unknown as ClientWithContext;
          const failed = (status: number) => () => {
            const ctx = c.requestIterator?.context;
            if (ctx) record(ctx, status, '');
          };
          c.on('timeout', failed(-1));
          c.on('connError', failed(0));
        },
        requests: [
          {
            method: 'GET',
            setupRequest: (request, context) => {
              const ctx = context as RequestContext;
              const r = Math.random();
              let path: string;
              if (r < 0.85) {
                const product = Math.random() < 0.25 ? o.probeProduct : pick(o.products);
                const days = r < 0.75 ? pick(o.warmDays) : uncachedDays(o.warmDays);
                ctx.kind = r < 0.75 ? 'cached' : 'uncached';
                ctx.product = product;
                path = `/api/ai/predict?product=${encodeURIComponent(product)}&days=${days}`;
              } else if (r < 0.95) {
                ctx.kind = 'health';
                ctx.product = null;
                path = '/api/ai/health';
              } else {
                ctx.kind = 'products';
                ctx.product = null;
                path = '/api/ai/products';
              }
              ctx.sentAt = this.clock();
              return { ...request, path };
            },
            onResponse: (status, body, context) => record(context as RequestContext, status, body),
          },
        ],
      },
      // The result summary is not used: every request is recorded above. (A callback makes autocannon return its instance.)
      () => undefined,
    );
    // A failure to start is a failure of the drill, not of the service: surface it.
    runner.on('error', (error: unknown) => {
      throw error instanceof Error ? error : new Error(String(error));
    });
    this.runners.set(i, runner);
  }

  /** Stops the load on instance `i`; requests in flight are abandoned (not recorded). */
  detach(i: number): void {
    this.runners.get(i)?.stop();
    this.runners.delete(i);
  }

  stopAll(): void {
    for (const i of [...this.runners.keys()]) this.detach(i);
  }
}
