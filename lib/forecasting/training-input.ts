import { toEpochSeconds } from './dates';
import { ForecastingError } from './errors';
import { DEFAULT_HOLIDAY_CALENDAR, holidaysForModel, type HolidayCalendar } from './holidays';
import { DEFAULT_MODEL_OPTIONS, type ModelArtifact, type ModelOptions } from './model-artifact';
import type { TrainingInput } from './prophet-model';

/** Fewer days than this cannot support weekly seasonality plus a trend. */
const MIN_TRAINING_DAYS = 28;

/** Builds the fit input from a product's sales history (oldest first). */
export function trainingInputFor(
  product: string,
  history: readonly { date: string; quantity: number }[],
  options: ModelOptions = DEFAULT_MODEL_OPTIONS,
  holidayCalendar: HolidayCalendar = DEFAULT_HOLIDAY_CALENDAR,
): { input: TrainingInput; window: ModelArtifact['window'] } {
  if (history.length < MIN_TRAINING_DAYS) {
    throw new ForecastingError(
      'insufficient_history',
      `${product} has ${history.length} days of sales; at least ${MIN_TRAINING_DAYS} are needed to train a model`,
    );
  }
  const start = history[0]!.date;
  const end = history[history.length - 1]!.date;
  return {
    input: {
      ds: history.map((h) => toEpochSeconds(h.date)),
      y: history.map((h) => h.quantity),
      options,
      holidays: holidaysForModel(start, end, holidayCalendar),
      holidayCalendar,
    },
    window: { start, end, days: history.length },
  };
}
