'use client';

/**
 * SWR hooks for the API the dashboard reads. Components that need the same data call the same hook with the same
 * key, so one poll serves them all (SWR dedupes by key). SWR schedules the next poll only after the previous one
 * settled, so a slow server gets fewer requests, never a pile of overlapping ones; polling stops while the tab is
 * hidden (refreshWhenHidden: false in Providers).
 */
import useSWR from 'swr';
import type {
  CacheHistory,
  CacheInfo,
  HealthReport,
  HistoryRange,
  JobsResponse,
  ModelInfoResponse,
  ProductsResponse,
  RetrainAllStatus,
  TuningReport,
  UsageReport,
  WarmUpStatus,
} from '@/lib/api-types';
import { ApiRequestError, getJson } from './api-client';
import { usePollMs } from './providers';

export const INFO_URL = '/api/ai/cache/info';
const HEALTH_URL = '/api/ai/health';
/** Every product-list page starts with this (product histories continue with '/', never '?'). */
export const PRODUCTS_PAGE_PREFIX = '/api/ai/products?';
/** One page of the product list: `limit` products matching `q` after `cursor` (the API's next_cursor). */
export const productsPageUrl = (q: string, cursor: string | null, limit: number) =>
  `${PRODUCTS_PAGE_PREFIX}limit=${limit}${q ? `&q=${encodeURIComponent(q)}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
const WARMUP_URL = '/api/ai/cache/warm-up';
export const JOBS_URL = '/api/ai/jobs';
const RETRAIN_ALL_URL = '/api/ai/jobs/retrain-all';
const historyUrl = (range: HistoryRange) => `/api/ai/cache/history?range=${range}`;
export const modelUrl = (product: string) => `/api/ai/models/${encodeURIComponent(product)}`;
/** Every forecast key of a product starts with this, whatever the horizon: what to revalidate after a retrain. */
export const predictPrefix = (product: string) => `/api/ai/predict?product=${encodeURIComponent(product)}&`;
export const predictKey = (product: string, days: number) => `${predictPrefix(product)}days=${days}`;
/** A product's daily sales (not the cache history of historyUrl). */
export const salesHistoryKey = (product: string, days: number) => `/api/ai/products/${encodeURIComponent(product)}/history?days=${days}`;

/** When each cache-info answer arrived, in the browser's clock (the server's clock may differ). */
const infoReceivedAt = new WeakMap<CacheInfo, number>();

async function getCacheInfo(url: string): Promise<CacheInfo> {
  const info = await getJson<CacheInfo>(url);
  infoReceivedAt.set(info, Date.now());
  return info;
}

/** The browser time at which this cache-info answer arrived; null when unknown. */
export function cacheInfoReceivedAt(info: CacheInfo | undefined): number | null {
  return (info && infoReceivedAt.get(info)) ?? null;
}

export function useCacheInfo() {
  const pollMs = usePollMs();
  return useSWR<CacheInfo, ApiRequestError>(INFO_URL, getCacheInfo, { refreshInterval: pollMs });
}

/** Health answers 503 with a full report when unhealthy: that is data to show, not a fetch error. */
async function getHealth(url: string): Promise<HealthReport> {
  try {
    return await getJson<HealthReport>(url);
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 503 && isHealthReport(error.body)) return error.body;
    throw error;
  }
}

function isHealthReport(body: unknown): body is HealthReport {
  return typeof body === 'object' && body !== null && 'status' in body && 'cache' in body;
}

export function useHealth() {
  const pollMs = usePollMs();
  return useSWR<HealthReport, ApiRequestError>(HEALTH_URL, getHealth, { refreshInterval: pollMs });
}

export function useHistory(range: HistoryRange) {
  const pollMs = usePollMs();
  // Keep the previous range's points on screen while the new range loads: no flash of an empty chart.
  return useSWR<CacheHistory, ApiRequestError>(historyUrl(range), { refreshInterval: pollMs, keepPreviousData: true });
}

export const USAGE_URL = '/api/ai/cache/usage?hours=24';

export function useUsage() {
  const pollMs = usePollMs();
  // Counts reach Redis every few seconds and change per hour: a slower poll than the live numbers is plenty.
  return useSWR<UsageReport, ApiRequestError>(USAGE_URL, { refreshInterval: Math.max(pollMs, 10_000), keepPreviousData: true });
}

export const TUNING_URL = '/api/ai/cache/tuning';

export function useTuning() {
  const pollMs = usePollMs();
  // Evaluations come once per CACHE_AUTOTUNE_INTERVAL (minutes by default): a slower poll than the live numbers.
  return useSWR<TuningReport, ApiRequestError>(TUNING_URL, { refreshInterval: Math.max(pollMs, 5_000), keepPreviousData: true });
}

/**
 * One page of the product list, searched on the server (null `q`: nothing to fetch). The previous page stays on
 * screen while the next one loads, so typing in the search box never blanks the list.
 */
export function useProductPage(q: string | null, cursor: string | null, limit: number) {
  const pollMs = usePollMs();
  // The list changes rarely (a retrain bumps a version): poll it far less often than the live numbers.
  return useSWR<ProductsResponse, ApiRequestError>(q === null ? null : productsPageUrl(q, cursor, limit), {
    refreshInterval: pollMs * 6,
    keepPreviousData: true,
  });
}

export function useModelInfo(product: string) {
  return useSWR<ModelInfoResponse, ApiRequestError>(modelUrl(product));
}

/** Warm-up progress: polled while a job runs, then left alone. */
export function useWarmUpStatus() {
  const pollMs = usePollMs();
  return useSWR<WarmUpStatus, ApiRequestError>(WARMUP_URL, {
    refreshInterval: (latest) => (latest?.job?.state === 'running' ? Math.min(pollMs, 1000) : 0),
  });
}

/** The job queue: counts and failed jobs, polled like the other cards. */
export function useJobs() {
  const pollMs = usePollMs();
  return useSWR<JobsResponse, ApiRequestError>(JOBS_URL, { refreshInterval: pollMs });
}

/** The running or last "retrain all": every second while it runs, then at the dashboard's pace (another operator may start one). */
export function useRetrainAllStatus() {
  const pollMs = usePollMs();
  return useSWR<RetrainAllStatus, ApiRequestError>(RETRAIN_ALL_URL, {
    refreshInterval: (latest) => (latest?.job?.state === 'running' ? Math.min(pollMs, 1000) : pollMs),
  });
}
