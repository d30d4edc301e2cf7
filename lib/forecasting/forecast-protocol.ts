import { z } from 'zod';
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

const ForecastPointSchema = z.object({ date: z.string(), yhat: z.number(), yhat_lower: z.number(), yhat_upper: z.number() });

/** A worker's answer to a task, checked on arrival (another thread's message is input like any other). */
export const ForecastReplySchema = z.discriminatedUnion('ok', [
  z.object({ id: z.number().int(), ok: z.literal(true), forecast: z.array(ForecastPointSchema) }),
  z.object({ id: z.number().int(), ok: z.literal(false), message: z.string() }),
]);
export type ForecastReply = z.infer<typeof ForecastReplySchema>;

/** Sent once by a worker when its code is loaded: a failure before it is a failure to start (forecast-pool.ts). */
export const WORKER_READY = { ready: true } as const;

export function isWorkerReady(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { ready?: unknown }).ready === true;
}
