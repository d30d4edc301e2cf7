/**
 * ModelCache — the seed's typed façade for the service's three kinds of data: trained models, predictions and
 * the product list, with the key scheme of keys.ts and the configured TTLs. It reads and writes the very entries
 * the wrappers use (same keys, same core). Values are plain data here (tagged JSON); where a wrapper keeps a live
 * object under the same key (a model rebuilt from its artifact), each side gets a value of its own codec — the
 * L1 copy records which codec produced it (entry-codec.ts). All methods work while Redis is down (memory tier).
 */
import type { Invalidator } from './invalidator';
import type { KeyScheme } from './keys';
import type { TtlSeconds } from './options';
import type { RedisCache } from './redis-cache';

export interface PredictionKeyOptions {
  /** Model version (source of truth: the database) — predictions of an older version become unreachable. */
  version?: number;
  /** TTL in seconds (default: the prediction TTL); only for set. */
  ttl?: number;
}

export class ModelCache {
  constructor(
    private readonly cache: RedisCache,
    private readonly invalidator: Invalidator,
    private readonly keys: KeyScheme,
    private readonly ttls: TtlSeconds,
  ) {}

  /** Caches a model (its serialisable form) for `ttl` seconds (default: the model TTL, 6 h). */
  setModel(product: string, model: unknown, ttl = this.ttls.models): Promise<boolean> {
    return this.cache.set(this.keys.model(product), model, ttl, { type: 'models' });
  }

  /** The cached model of `product` (its serialisable form), or undefined. */
  getModel<T = unknown>(product: string): Promise<T | undefined> {
    return this.cache.get<T>(this.keys.model(product), { type: 'models' });
  }

  /** Removes `product`'s model and all its predictions from every tier and instance. Returns keys removed. */
  invalidateModel(product: string): Promise<number> {
    return this.invalidator.clear({ product });
  }

  /** Caches a forecast of `days` days for `product` (with optional params and model version). */
  setPrediction(product: string, days: number, prediction: unknown, params?: unknown, opts?: PredictionKeyOptions): Promise<boolean> {
    return this.cache.set(this.keys.prediction(product, days, params, opts?.version), prediction, opts?.ttl ?? this.ttls.predictions, {
      type: 'predictions',
    });
  }

  /** The cached forecast, or undefined. */
  getPrediction<T = unknown>(product: string, days: number, params?: unknown, opts?: Pick<PredictionKeyOptions, 'version'>): Promise<T | undefined> {
    return this.cache.get<T>(this.keys.prediction(product, days, params, opts?.version), { type: 'predictions' });
  }

  /** Caches the product list for `ttl` seconds (default: the product-list TTL, 10 min). */
  setProducts(products: unknown, ttl = this.ttls.products): Promise<boolean> {
    return this.cache.set(this.keys.products(), products, ttl, { type: 'products' });
  }

  getProducts<T = unknown>(): Promise<T | undefined> {
    return this.cache.get<T>(this.keys.products(), { type: 'products' });
  }

  /** Removes every key of this service's prefix (only those: never FLUSHDB). Returns keys removed. */
  invalidateAll(): Promise<number> {
    return this.invalidator.clear('all');
  }
}
