/** The cached modes of the seed benchmark (built on lib/redis-cache once it is on main). */
import type { Forecaster, LiveModel, Prediction } from '@/lib/forecasting';
import type { ProductRecord } from '@/lib/forecasting';

export interface SeedMode {
  id: 'none' | 'redis' | 'full';
  label: string;
  config?: string;
  model(): Promise<LiveModel>;
  prediction(): Promise<Prediction>;
  products(): ProductRecord[] | Promise<readonly ProductRecord[]>;
  close(): Promise<void>;
}

export async function cachedModes(_o: { forecaster: Forecaster; redisPort: number; product: string; days: number }): Promise<SeedMode[]> {
  return [];
}
