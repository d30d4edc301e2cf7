/** Errors the forecasting module reports to its callers, with a code they can map (e.g. to an HTTP status). */
export type ForecastingErrorCode = 'unknown_product' | 'invalid_argument' | 'insufficient_history' | 'training_failed';

export class ForecastingError extends Error {
  constructor(
    readonly code: ForecastingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ForecastingError';
  }
}

/**
 * True for a ForecastingError thrown by any copy of this module. `next build` bundles the server start hook and
 * the route handlers separately, each with its own copy of this class, while the service on globalThis is shared:
 * an error it throws may come from the other copy, which `instanceof` does not recognise.
 */
export function isForecastingError(error: unknown): error is ForecastingError {
  if (error instanceof ForecastingError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'ForecastingError' && typeof code === 'string';
}
