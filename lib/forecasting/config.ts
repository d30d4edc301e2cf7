import path from 'node:path';
import { z } from 'zod';

/** Environment of the forecasting module, validated once; a bad value fails with the variable's name. */
const EnvSchema = z.object({
  DATABASE_PATH: z.string().min(1).optional(),
  /** `false` keeps an empty database empty (for deployments that import their own history). */
  SEED_DEMO_DATA: z.enum(['true', 'false', '1', '0']).optional(),
});

export interface ForecastingConfig {
  databasePath: string;
  seedDemoData: boolean;
}

export function readForecastingConfig(env: NodeJS.ProcessEnv = process.env): ForecastingConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  return {
    // A run-time location, not a build input: keep Next's file tracing from including the whole project.
    databasePath: path.resolve(/*turbopackIgnore: true*/ parsed.data.DATABASE_PATH ?? path.join(process.cwd(), 'data', 'sales.db')),
    seedDemoData: !['false', '0'].includes(parsed.data.SEED_DEMO_DATA ?? 'true'),
  };
}

/** Longest product name accepted anywhere (API, import). */
export const MAX_PRODUCT_NAME_LENGTH = 200;
/** Forecast horizon bounds, in days. */
export const MIN_FORECAST_DAYS = 1;
export const MAX_FORECAST_DAYS = 365;
