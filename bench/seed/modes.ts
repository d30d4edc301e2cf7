/**
 * The cached modes of the seed benchmark: the forecasting module's own cached service (ForecastingService:
 * loadModel, predictDemand, listProducts) over a cache system with L1 off (Redis only) or as shipped (L1 + Redis).
 */
import pino from 'pino';
import type { Forecaster, LiveModel, Prediction, ProductRecord } from '@/lib/forecasting';
import { ForecastingService } from '@/lib/forecasting/service';
import { fitModel } from '@/lib/forecasting';
import { createCacheSystem } from '@/lib/redis-cache';

export interface SeedMode {
  id: 'none' | 'redis' | 'full';
  label: string;
  config?: string;
  model(): Promise<LiveModel>;
  prediction(): Promise<Prediction>;
  products(): ProductRecord[] | Promise<readonly ProductRecord[]>;
  close(): Promise<void>;
}

export async function cachedModes(o: { forecaster: Forecaster; redisPort: number; product: string; days: number }): Promise<SeedMode[]> {
  const make = async (id: 'redis' | 'full'): Promise<SeedMode> => {
    const system = createCacheSystem({
      logger: pino({ level: 'silent' }),
      // Each mode its own prefix: the Redis-only mode must not find the other's entries, and vice versa.
      prefix: `seed_${id}`,
      redis: { host: '127.0.0.1', port: o.redisPort },
      ...(id === 'redis' ? { l1: { maxEntries: 0, maxBytes: 0 } } : {}),
    });
    await system.healthCheck();
    const service = new ForecastingService(o.forecaster.store, { cache: system, fit: fitModel, seedDemoData: false });
    return {
      id,
      label: id === 'redis' ? 'Redis only (L1 off)' : 'full cache (L1 + Redis)',
      config:
        id === 'redis'
          ? 'createCacheSystem({ l1: { maxEntries: 0 } }): every call reads Redis and decodes (a model is rebuilt from its artifact)'
          : 'createCacheSystem() as shipped',
      model: () => service.loadModel(o.product),
      prediction: () => service.predictDemand(o.product, o.days),
      products: () => service.listProducts(),
      async close() {
        await service.close();
        await system.close();
      },
    };
  };
  return [await make('redis'), await make('full')];
}
