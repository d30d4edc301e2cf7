/**
 * What the management API needs from the forecasting module, in one place: the product names (to refuse a
 * clear of an unknown product), whether the database answers (health), and the calls a warm-up makes.
 */
import type { WarmableForecasting } from '@/lib/forecasting/warmup';

export async function productNames(): Promise<string[]> {
  throw new Error('not wired');
}

export async function databaseStatus(): Promise<{ ok: boolean; products: number }> {
  try {
    const names = await productNames();
    return { ok: true, products: names.length };
  } catch {
    return { ok: false, products: 0 };
  }
}

export function warmableForecasting(): WarmableForecasting {
  throw new Error('not wired');
}
