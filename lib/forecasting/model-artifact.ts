import { z } from 'zod';

/**
 * A trained model, everything needed to rebuild it without refitting: the options, the exact training series,
 * the optimizer's output and the fingerprint of every column of the design matrix the optimizer saw (to put
 * `beta` back in the right order, see prophet-model.ts). JSON-safe: numbers survive a JSON round trip exactly.
 */
const ModelOptionsSchema = z.object({
  seasonalityMode: z.enum(['additive', 'multiplicative']),
  weeklyFourierOrder: z.number().int().min(1).max(20),
  yearlyFourierOrder: z.number().int().min(1).max(40),
  changepointPriorScale: z.number().positive(),
  seasonalityPriorScale: z.number().positive(),
  holidaysPriorScale: z.number().positive(),
  /** Width of the forecast interval (0.8 = 80 %). */
  intervalWidth: z.number().gt(0).lt(1),
  /** Simulated paths behind the interval. */
  uncertaintySamples: z.number().int().min(10).max(100_000),
});
export type ModelOptions = z.infer<typeof ModelOptionsSchema>;

export const DEFAULT_MODEL_OPTIONS: ModelOptions = Object.freeze({
  seasonalityMode: 'multiplicative',
  weeklyFourierOrder: 3,
  yearlyFourierOrder: 10,
  changepointPriorScale: 0.05,
  seasonalityPriorScale: 10,
  holidaysPriorScale: 10,
  intervalWidth: 0.8,
  uncertaintySamples: 1000,
});

const finite = z.number().finite();

const HolidaySpecSchema = z.object({
  name: z.string().min(1),
  occurrences: z.array(z.object({ start: z.number().int(), end: z.number().int() })).min(1),
});
export type HolidaySpec = z.infer<typeof HolidaySpecSchema>;

const FittedParamsSchema = z.object({
  k: finite,
  m: finite,
  sigmaObs: finite,
  delta: z.array(finite),
  beta: z.array(finite),
  trend: z.array(finite),
});
export type FittedParams = z.infer<typeof FittedParamsSchema>;

/** What a fit produces (in the training worker), before it gets a version in the database. */
export const FitResultSchema = z.object({
  options: ModelOptionsSchema,
  /** The holidays the model was fitted with, every occurrence: a rebuild uses these, never today's calendar. */
  holidays: z.array(HolidaySpecSchema),
  /** The calendar they came from; absent in artifacts from before calendars were configurable (five fixed holidays). */
  holidayCalendar: z.object({ country: z.string().min(2), region: z.string().min(1).optional() }).optional(),
  /** Training series: Unix seconds at 00:00 UTC, and units. */
  series: z
    .object({ ds: z.array(z.number().int()), y: z.array(finite) })
    .refine((s) => s.ds.length === s.y.length && s.ds.length >= 2, 'series must have ≥ 2 aligned points'),
  params: FittedParamsSchema,
  columnFingerprints: z.array(z.string().min(1)),
  /** In-sample mean absolute percentage error, in percent (days with zero sales skipped). */
  mape: finite,
  trainingMs: finite,
});
export type FitResult = z.infer<typeof FitResultSchema>;

const ModelArtifactSchema = FitResultSchema.and(
  z.object({
    format: z.literal(1),
    product: z.string().min(1),
    version: z.number().int().min(1),
    trainedAt: z.string(),
    window: z.object({ start: z.string(), end: z.string(), days: z.number().int() }),
  }),
);
export type ModelArtifact = z.infer<typeof ModelArtifactSchema>;

/** Parses an artifact from storage (database text or a cache entry); throws on anything malformed. */
export function parseModelArtifact(value: unknown): ModelArtifact {
  return ModelArtifactSchema.parse(typeof value === 'string' ? JSON.parse(value) : value);
}
