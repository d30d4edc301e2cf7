/** Small HTTP helpers of the chaos drills (outside the recorded load). */
import type { CacheInfo, ProductsResponse } from '@/lib/api-types';

export async function getJson<T>(url: string, timeoutMs = 10_000): Promise<{ status: number; body: T | null }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as T };
  } catch {
    return { status: res.status, body: null };
  }
}

/** The product list's model version of `product` on the instance at `base` (null: not answered or never trained). */
export async function listedVersion(base: string, product: string): Promise<number | null> {
  const { body } = await getJson<ProductsResponse>(`${base}/api/ai/products`);
  return body?.products.find((p) => p.name === product)?.model_version ?? null;
}

/** Which backend the instance serves from: `redis`, or `memory` while on the fallback. */
export async function backendOf(base: string): Promise<string | null> {
  const { body } = await getJson<CacheInfo>(`${base}/api/ai/cache/info`);
  return body?.backend ?? null;
}

export function predictPath(product: string, days: number): string {
  return `/api/ai/predict?product=${encodeURIComponent(product)}&days=${days}`;
}
