/**
 * The specs' `test`: baseURL from the run global-setup started, a guard that fails any test whose page logged a
 * console error (unless the test declared it expected), and small API helpers used to drive and check the
 * server from outside the browser.
 */
import { test as base, expect, type APIRequestContext, type APIResponse } from '@playwright/test';
import type { CacheInfo, ClearResult, PredictionResponse, ProductsResponse, WarmUpStatus } from '@/lib/api-types';
import { runInfo } from './support/run';

export interface Api {
  info(): Promise<CacheInfo>;
  products(): Promise<ProductsResponse>;
  predict(product: string, days: number): Promise<{ body: PredictionResponse; xCache: string | null }>;
  clear(target: string): Promise<ClearResult>;
  warmUpStatus(): Promise<WarmUpStatus>;
}

async function json<T>(res: APIResponse, what: string): Promise<T> {
  if (!res.ok()) throw new Error(`${what}: HTTP ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

export function makeApi(request: APIRequestContext, baseURL: string, token?: string): Api {
  const auth = token ? { Authorization: `Bearer ${token}` } : undefined;
  return {
    info: async () => json<CacheInfo>(await request.get(`${baseURL}/api/ai/cache/info`), 'cache info'),
    products: async () => json<ProductsResponse>(await request.get(`${baseURL}/api/ai/products`), 'products'),
    predict: async (product, days) => {
      const res = await request.get(`${baseURL}/api/ai/predict?product=${encodeURIComponent(product)}&days=${days}`);
      return { body: await json<PredictionResponse>(res, `predict ${product} ${days}`), xCache: res.headers()['x-cache'] ?? null };
    },
    clear: async (target) =>
      json<ClearResult>(await request.post(`${baseURL}/api/ai/cache/clear`, { data: { target }, headers: auth }), `clear ${target}`),
    warmUpStatus: async () => json<WarmUpStatus>(await request.get(`${baseURL}/api/ai/cache/warm-up`), 'warm-up status'),
  };
}

export interface ConsoleLog {
  /** Declare console errors this test expects (e.g. the browser logging a 401 it provoked on purpose). */
  allow(pattern: RegExp): void;
  readonly allowed: readonly RegExp[];
}

interface Fixtures {
  api: Api;
  consoleLog: ConsoleLog;
  consoleGuard: void;
}

export const test = base.extend<Fixtures>({
  baseURL: async ({}, use) => {
    await use(runInfo().baseURL);
  },
  api: async ({ request, baseURL }, use) => {
    await use(makeApi(request, baseURL!));
  },
  consoleLog: async ({}, use) => {
    const allowed: RegExp[] = [];
    await use({ allow: (pattern) => allowed.push(pattern), allowed });
  },
  consoleGuard: [
    async ({ page, consoleLog }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`console.error: ${msg.text()} (${msg.location().url})`);
      });
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
      await use();
      const unexpected = errors.filter((e) => !consoleLog.allowed.some((re) => re.test(e)));
      expect(unexpected, 'console errors during the test').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** The demo products every fresh database has (lib/forecasting/demo-data.ts). */
export const DEMO_PRODUCT = 'Pão de Açúcar';
