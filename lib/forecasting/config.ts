import path from 'node:path';
import { z } from 'zod';

/** Environment of the forecasting module, validated once; a bad value fails with the variable's name. */
const EnvSchema = z.object({
  // Empty = default, as for every other variable (a copied .env.example may leave it empty).
  DATABASE_PATH: z.string().optional(),
  /** `false` keeps an empty database empty (for deployments that import their own history). Case-insensitive, like the cache's booleans. */
  SEED_DEMO_DATA: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['', 'true', 'false', '1', '0'], { error: 'expected true or false' }))
    .optional(),
});

/** A wrong forecasting variable; `variable` names it (the server start turns it into a configuration error). */
export class ForecastingConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`Invalid environment variable ${variable}: ${problem}`);
    this.name = 'ForecastingConfigError';
  }
}

export interface ForecastingConfig {
  databasePath: string;
  seedDemoData: boolean;
}

export function readForecastingConfig(env: NodeJS.ProcessEnv = process.env): ForecastingConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ForecastingConfigError(String(issue?.path[0]), issue?.message ?? 'invalid value');
  }
  return {
    // A run-time location, not a build input: keep Next's file tracing from including the whole project.
    databasePath: path.resolve(/*turbopackIgnore: true*/ parsed.data.DATABASE_PATH || path.join(process.cwd(), 'data', 'sales.db')),
    seedDemoData: !['false', '0'].includes(parsed.data.SEED_DEMO_DATA ?? ''),
  };
}

/** Longest product name accepted anywhere (API, import). */
export const MAX_PRODUCT_NAME_LENGTH = 200;

// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Why a (non-empty, NFC-normalised) product name is refused anywhere (API, import); null when it is accepted. */
export function productNameProblem(name: string): string | null {
  if (name.length > MAX_PRODUCT_NAME_LENGTH) return `product name is longer than ${MAX_PRODUCT_NAME_LENGTH} characters`;
  if (CONTROL_CHARS.test(name)) return 'product name contains control characters';
  return null;
}

/** Forecast horizon bounds, in days. */
export const MIN_FORECAST_DAYS = 1;
export const MAX_FORECAST_DAYS = 365;
