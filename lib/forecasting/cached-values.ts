import { z } from 'zod';
import { isIsoDate } from './dates';
import type { Prediction } from './forecaster';
import type { ProductRecord } from './store';

/**
 * What a cached forecast and a cached product list must look like when they come back from Redis. Anyone who can
 * write to Redis could plant a value under the service's keys (`null`, a BigInt, half an object): a value that
 * does not parse is a miss — recomputed and overwritten — never a 500 and never misreported as a database fault.
 * (A well-formed forged value cannot be told from a real one this way; keep Redis private and behind AUTH.)
 */
const isoDate = z.string().refine(isIsoDate, 'expected a YYYY-MM-DD date');
// NaN and ±Infinity survive the cache's tagged JSON, so a computed forecast could hold one: accept any number.
const finite = z.number();

const PredictionSchema = z.object({
  product: z.string().min(1),
  days: z.number().int().min(1),
  modelVersion: z.number().int().min(1),
  generatedAt: z.string(),
  forecast: z.array(z.object({ date: isoDate, yhat: finite, yhat_lower: finite, yhat_upper: finite })),
});

const ProductListSchema = z.array(
  z.object({
    name: z.string().min(1),
    firstSaleDate: isoDate,
    lastSaleDate: isoDate,
    days: z.number().int().min(0),
    modelVersion: z.number().int().min(1).nullable(),
    trainedAt: z.string().nullable(),
  }),
);

export function parseCachedPrediction(value: unknown): Prediction {
  return PredictionSchema.parse(value);
}

export function parseCachedProductList(value: unknown): ProductRecord[] {
  return ProductListSchema.parse(value);
}
