import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, ProductsResponse } from '@/lib/api-types';
import { GET as getProducts } from '@/app/api/ai/products/route';
import { cacheSystemOptions } from '@/lib/config/cache-system';
import { openDatabase, type SqliteDatabase } from '@/lib/forecasting/database';
import { demoCatalogue } from '@/lib/forecasting/demo-catalogue';
import { createForecastingService, setForecastingServiceForTests, type ForecastingService } from '@/lib/forecasting/service';
import { resetCacheSystemForTests, type CacheSystem } from '@/lib/redis-cache';
import { compareNames } from '@/lib/text/names';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server';
import { silentLogger } from '../redis-cache/setup';

const PRODUCTS = 500;

/** `GET /api/ai/products` at catalogue size: pages, search and bad parameters, over a real redis-server. */
describe('product list route with a 500-product catalogue', () => {
  let redis: RedisServerHandle;
  let dir: string;
  let db: SqliteDatabase;
  let cache: CacheSystem;
  let service: ForecastingService;
  const base = 'http://localhost:5001/api/ai/products';
  const names = demoCatalogue(PRODUCTS)
    .map((p) => p.name)
    .sort(compareNames);

  beforeAll(async () => {
    redis = await startRedisServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'products-route-'));
    db = openDatabase(path.join(dir, 'sales.db'));
    cache = (await resetCacheSystemForTests(
      cacheSystemOptions({ REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT: '0.5', CACHE_PREFIX: `plist${process.pid}` }, silentLogger),
    ))!;
    service = await createForecastingService({
      db,
      cache,
      logger: silentLogger,
      seedDemoData: true,
      demoEndDate: '2026-10-31',
      demoProducts: PRODUCTS,
    });
    setForecastingServiceForTests(service);
  });

  afterAll(async () => {
    setForecastingServiceForTests(undefined);
    await service?.close();
    await resetCacheSystemForTests();
    db?.close();
    await redis?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function get(search: string): Promise<{ status: number; body: ProductsResponse & ApiError; xCache: string | null }> {
    const response = await getProducts(new Request(`${base}${search}`), undefined);
    return { status: response.status, body: (await response.json()) as ProductsResponse & ApiError, xCache: response.headers.get('X-Cache') };
  }

  it('the default page: the first 100 in pt-BR order, the total, a cursor; the list cached after the first call', async () => {
    const first = await get('');
    expect(first.status).toBe(200);
    expect(first.body.products.map((p) => p.name)).toEqual(names.slice(0, 100));
    expect(first.body).toMatchObject({ count: 100, total: PRODUCTS });
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const again = await get('');
    expect(again.body.cached).toBe(true);
    expect(again.xCache).toBe('HIT');
  });

  it('following next_cursor visits every product once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`?limit=64${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.products.map((p) => p.name));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(names);
  });

  it('q searches ignoring accents and case, with its own total and pages', async () => {
    const expected = names.filter((n) => /p[aã]o/i.test(n));
    const first = await get('?q=PAO&limit=10');
    expect(first.body.total).toBe(expected.length);
    expect(first.body.products.map((p) => p.name)).toEqual(expected.slice(0, 10));
    const second = await get(`?q=PAO&limit=10&cursor=${first.body.next_cursor}`);
    expect(second.body.products.map((p) => p.name)).toEqual(expected.slice(10, 20));
    expect((await get(`?q=${encodeURIComponent('pão de queijo 3')}`)).body.products.map((p) => p.name)).toEqual(['Pão de Queijo 3']);
  });

  it.each([['?limit=0'], ['?limit=1001'], ['?limit=ten'], ['?cursor=bogus%21'], [`?q=${'x'.repeat(10_240)}`]])(
    '%s → 400 in the API error shape',
    async (search) => {
      const { status, body } = await get(search);
      expect(status).toBe(400);
      expect(body.error.code).toBe('bad_request');
    },
  );
});
