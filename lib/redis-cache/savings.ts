/**
 * What cache hits saved, per product — the business side of the hit counters. The totals (compute time avoided,
 * model hits = trainings or model loads avoided, prediction hits = forecasts served from cache) are the shared
 * hit/miss totals of stats.ts and history.ts; this module adds the per-product split and the shared mean cost.
 *
 * Hot path: a model or prediction hit costs one `Map` increment keyed by the cache key (no string work, no I/O).
 * Every second the ledger folds those into per-product figures and flushes them in one pipeline:
 *
 * ```
 * <prefix>:_meta:{savings}:products   sorted set  product → compute ms saved (the ranking)
 * <prefix>:_meta:{savings}:counts     hash        f:<product> forecasts from cache, t:<product> trainings avoided
 * <prefix>:_meta:{savings}:compute    hash        ms<t>, n<t>: compute time and computations per type, all instances
 * ```
 *
 * Bounded whatever the catalogue: the sorted set keeps the `trackedProducts` products that saved most (the
 * `addSavings` script drops the rest with their counts; their figures stay in the totals, reported as "others"),
 * and this process keeps at most `maxPendingKeys` keys between flushes and `trackedProducts` products in its own
 * tallies (twice that before a trim). The ranking is therefore exact for products that stay in the tracked set —
 * with the default 100 of them and a top 10 shown, a product has to save more than 90 others to be dropped — and a
 * product that re-enters after being dropped starts again from zero.
 *
 * The mean compute time per type is shared the same way (`compute` hash), so an instance that only reads values
 * other instances computed still prices its hits (stats.ts uses it for every hit without a measured cost).
 */
import { execAll } from './history';
import { productOfKey, TYPE_COUNT, TYPE_INDEX } from './keys';
import { UNAVAILABLE, type RedisGate } from './redis-gate';
import type { ScriptPipeline } from './scripts';
import type { CacheStats } from './stats';
import { FlushTimer } from './flush-timer';

/** What hits saved: compute time avoided, forecasts served from cache, trainings (model loads) avoided. */
export interface SavedFigures {
  cpuMs: number;
  forecasts: number;
  trainings: number;
}

export interface ProductSavings extends SavedFigures {
  product: string;
}

/** The savings of every instance (Redis) or, while Redis is unavailable, of this one. */
export interface SavingsReport {
  source: 'redis' | 'local';
  totals: SavedFigures;
  /** The products that saved most (compute time), best first; at most `topProducts`. */
  top: ProductSavings[];
  /** Everything else: the other products, the product list and other cached results (totals minus the top). */
  others: SavedFigures;
}

export interface SavingsOptions {
  /** Products reported by name (default 10). */
  topProducts?: number;
  /** Products ranked in Redis and in memory (default max(100, 10 × topProducts)). */
  trackedProducts?: number;
  /** Distinct keys counted between two flushes (default 10 000); hits beyond count in the totals only. */
  maxPendingKeys?: number;
}

const MODELS = TYPE_INDEX.models;
const PREDICTIONS = TYPE_INDEX.predictions;
/** How often an idle instance re-reads the shared mean costs (others may have computed meanwhile). */
const MEAN_REFRESH_MS = 10_000;

export function zeroFigures(): SavedFigures {
  return { cpuMs: 0, forecasts: 0, trainings: 0 };
}

/** Orders by compute time saved, then by hits, then by name: a stable ranking. */
export function bySaved(a: ProductSavings, b: ProductSavings): number {
  return b.cpuMs - a.cpuMs || b.forecasts + b.trainings - (a.forecasts + a.trainings) || (a.product < b.product ? -1 : a.product > b.product ? 1 : 0);
}

/**
 * The figures not in `top`: `totals` minus the top's sum, never below zero (the shared totals and the per-product
 * set are flushed by separate commands, so one may be a second ahead of the other).
 */
export function othersOf(totals: SavedFigures, top: readonly SavedFigures[]): SavedFigures {
  const sum = zeroFigures();
  for (const p of top) {
    sum.cpuMs += p.cpuMs;
    sum.forecasts += p.forecasts;
    sum.trainings += p.trainings;
  }
  return {
    cpuMs: Math.max(0, totals.cpuMs - sum.cpuMs),
    forecasts: Math.max(0, totals.forecasts - sum.forecasts),
    trainings: Math.max(0, totals.trainings - sum.trainings),
  };
}

/** Product → figures, bounded: past twice its bound it keeps the `bound` products that saved most. */
export class ProductTally {
  private readonly map = new Map<string, SavedFigures>();

  constructor(readonly bound: number) {
    if (!(Number.isInteger(bound) && bound >= 1)) throw new TypeError('bound must be an integer ≥ 1');
  }

  get size(): number {
    return this.map.size;
  }

  add(product: string, f: SavedFigures): void {
    const e = this.map.get(product);
    if (e) {
      e.cpuMs += f.cpuMs;
      e.forecasts += f.forecasts;
      e.trainings += f.trainings;
    } else {
      this.map.set(product, { ...f });
      // Amortised: one sort per `bound` new products, not one per add.
      if (this.map.size > 2 * this.bound) this.trim();
    }
  }

  /** Keeps the `bound` products that saved most. */
  trim(): void {
    if (this.map.size <= this.bound) return;
    for (const p of this.ranked().slice(this.bound)) this.map.delete(p.product);
  }

  /** The `k` products that saved most, best first. */
  top(k: number): ProductSavings[] {
    return this.ranked().slice(0, k);
  }

  entries(): IterableIterator<[string, SavedFigures]> {
    return this.map.entries();
  }

  private ranked(): ProductSavings[] {
    return [...this.map].map(([product, f]) => ({ product, ...f })).sort(bySaved);
  }
}

interface PendingKey {
  type: number;
  cpuMs: number;
  hits: number;
}

export class SavingsLedger {
  readonly topProducts: number;
  readonly trackedProducts: number;
  private readonly maxPendingKeys: number;
  /** Hits per cache key since the last fold (models and predictions only). */
  private pending = new Map<string, PendingKey>();
  /** This process's own per-product figures since start (what is reported while Redis is unavailable). */
  private readonly local: ProductTally;
  /** Per-product figures not yet in Redis. */
  private unshared: ProductTally;
  /** Compute sums already added to the shared `compute` hash. */
  private sentCompute: { ms: number[]; count: number[] } = {
    ms: new Array<number>(TYPE_COUNT).fill(0),
    count: new Array<number>(TYPE_COUNT).fill(0),
  };
  private lastMeanRead = -Infinity;
  private flushing: Promise<void> | null = null;
  private readonly flushTimer = new FlushTimer(() => this.flush());

  constructor(
    private readonly gate: RedisGate,
    private readonly stats: CacheStats,
    private readonly metaKey: string,
    opts: SavingsOptions = {},
  ) {
    this.topProducts = opts.topProducts ?? 10;
    this.trackedProducts = opts.trackedProducts ?? Math.max(100, 10 * this.topProducts);
    this.maxPendingKeys = opts.maxPendingKeys ?? 10_000;
    if (!(Number.isInteger(this.topProducts) && this.topProducts >= 1)) throw new TypeError('savings.topProducts must be an integer ≥ 1');
    if (!(Number.isInteger(this.trackedProducts) && this.trackedProducts >= this.topProducts)) {
      throw new TypeError('savings.trackedProducts must be an integer ≥ topProducts');
    }
    this.local = new ProductTally(this.trackedProducts);
    this.unshared = new ProductTally(this.trackedProducts);
  }

  get productsKey(): string {
    return this.metaKey + '{savings}:products';
  }

  get countsKey(): string {
    return this.metaKey + '{savings}:counts';
  }

  get computeKey(): string {
    return this.metaKey + '{savings}:compute';
  }

  /** A hit of type `typeIndex` on `key` that avoided `costMs` of computing. The hot path: one Map update. */
  hit(typeIndex: number, key: string, costMs: number): void {
    if (typeIndex !== MODELS && typeIndex !== PREDICTIONS) return;
    let e = this.pending.get(key);
    if (e === undefined) {
      if (this.pending.size >= this.maxPendingKeys) return; // counted in the totals; only the attribution is lost
      e = { type: typeIndex, cpuMs: 0, hits: 0 };
      this.pending.set(key, e);
    }
    e.cpuMs += costMs;
    e.hits++;
  }

  start(intervalMs = 1000): void {
    this.flushTimer.start(intervalMs);
  }

  stop(): void {
    this.flushTimer.stop();
  }

  /** Folds the pending hits per product and sends what Redis lacks. Never throws; concurrent calls share one run. */
  flush(now = Date.now()): Promise<void> {
    this.flushing ??= this.runFlush(now).finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /**
   * The top products and where they come from; `totals` are the caller's (the hit totals), `sharedTotals` whether
   * they are every instance's — when not, the top is this process's too, so the two always describe the same set.
   */
  async report(totals: SavedFigures, sharedTotals: boolean): Promise<SavingsReport> {
    await this.flush();
    const shared = sharedTotals && this.gate.up ? await this.readTop() : null;
    const top = shared ?? this.local.top(this.topProducts);
    return { source: shared ? 'redis' : 'local', totals, top, others: othersOf(totals, top) };
  }

  private async readTop(): Promise<ProductSavings[] | null> {
    const ranked = await this.gate.run((c) => c.zrevrange(this.productsKey, 0, this.topProducts - 1, 'WITHSCORES'));
    if (ranked === UNAVAILABLE) return null;
    const top: ProductSavings[] = [];
    for (let i = 0; i + 1 < ranked.length; i += 2) top.push({ product: ranked[i], cpuMs: Number(ranked[i + 1]), forecasts: 0, trainings: 0 });
    if (top.length === 0) return top;
    const counts = await this.gate.run((c) => c.hmget(this.countsKey, ...top.flatMap((p) => ['f:' + p.product, 't:' + p.product])));
    if (counts === UNAVAILABLE) return null;
    top.forEach((p, i) => {
      p.forecasts = Number(counts[2 * i] ?? 0);
      p.trainings = Number(counts[2 * i + 1] ?? 0);
    });
    return top.sort(bySaved);
  }

  private async runFlush(now: number): Promise<void> {
    if (this.pending.size) {
      const batch = this.pending;
      this.pending = new Map();
      for (const [key, e] of batch) {
        const owner = productOfKey(key);
        if (!owner) continue;
        const f: SavedFigures = { cpuMs: e.cpuMs, forecasts: e.type === PREDICTIONS ? e.hits : 0, trainings: e.type === MODELS ? e.hits : 0 };
        this.local.add(owner.product, f);
        this.unshared.add(owner.product, f);
      }
    }
    if (!this.gate.up) return;
    const sums = this.stats.computeSums();
    const computeDelta = sums.count.map((n, i) => ({ ms: sums.ms[i] - this.sentCompute.ms[i], n: n - this.sentCompute.count[i] }));
    const computed = computeDelta.some((d) => d.n > 0);
    if (this.unshared.size === 0 && !computed && now - this.lastMeanRead < MEAN_REFRESH_MS) return;
    const taken = this.unshared;
    this.unshared = new ProductTally(this.trackedProducts);
    const p = this.gate.client.pipeline();
    const args: (string | number)[] = [];
    for (const [product, f] of taken.entries()) args.push(product, f.cpuMs.toFixed(3), f.forecasts, f.trainings);
    if (args.length) (p as unknown as ScriptPipeline).addSavings(this.productsKey, this.countsKey, this.trackedProducts, ...args);
    computeDelta.forEach((d, i) => {
      if (d.n <= 0) return;
      p.hincrbyfloat(this.computeKey, `ms${i}`, d.ms.toFixed(3));
      p.hincrby(this.computeKey, `n${i}`, d.n);
    });
    p.hgetall(this.computeKey);
    const res = await this.gate.run(() => execAll(p));
    if (res === UNAVAILABLE) {
      for (const [product, f] of taken.entries()) this.unshared.add(product, f); // sent with a later flush
      return;
    }
    this.sentCompute = sums;
    this.lastMeanRead = now;
    const shared = res[res.length - 1] as Record<string, string>;
    for (let i = 0; i < TYPE_COUNT; i++) {
      const n = Number(shared[`n${i}`] ?? 0);
      if (n > 0) this.stats.sharedMeanMs[i] = Number(shared[`ms${i}`] ?? 0) / n;
    }
  }
}
