import type { ForecastPoint } from '@/lib/api-types';
import type { ModelArtifact } from './model-artifact';

/**
 * Messages between the forecast pool (forecast-pool.ts) and its workers (forecast.worker.ts). The artifact travels
 * with every task (a structured clone of ≈ 40 KB, well under a millisecond); the worker keeps the models it has
 * rebuilt, so a model is rebuilt once per worker, not once per forecast.
 */
export interface ForecastTask {
  id: number;
  artifact: ModelArtifact;
  days: number;
}

export type ForecastReply = { id: number; ok: true; forecast: ForecastPoint[] } | { id: number; ok: false; message: string };
