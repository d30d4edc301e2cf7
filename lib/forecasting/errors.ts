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
