import { DEFAULT_MODEL_OPTIONS, type FitResult } from '@/lib/forecasting/model-artifact';

/** A valid fit result with no real model behind it: what the store tests save (they never rebuild it). */
export function fakeFit(mape = 5): FitResult {
  return {
    options: DEFAULT_MODEL_OPTIONS,
    holidays: [],
    series: { ds: [0, 86_400], y: [1, 2] },
    params: { k: 0.1, m: 0.2, sigmaObs: 0.3, delta: [0], beta: [0], trend: [1, 2] },
    columnFingerprints: ['col'],
    mape,
    trainingMs: 12.5,
  };
}

export const WINDOW = { start: '2026-01-01', end: '2026-01-02', days: 2 };
