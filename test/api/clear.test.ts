import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClearResult } from '@/lib/api-types';
import { POST as clear, GET as clearGet } from '@/app/api/ai/cache/clear/route';
import { waitFor } from '../helpers/redis-server';
import { adminRateLimiter } from '@/lib/http/rate-limit';
import { apiRequest, jsonOf, NO_CONTEXT, REDIS_PASSWORD, startApiTestEnv, type ApiTestEnv } from './setup';
import { processSingleton } from '@/lib/redis-cache';

/**
 * `POST /api/ai/cache/clear` on real Redis with two instances: the route clears through the process-wide cache
 * system, and the other instance — which holds every value in its memory tier — must stop serving what was cleared.
 */
describe('POST /api/ai/cache/clear', () => {
  let env: ApiTestEnv;
  const PRODUCTS = ['Bolo', 'Pão de Açúcar', 'Bolo*', 'a:b?[c]'];
  const TOKEN = 'test-admin-token-1234567890';

  beforeAll(async () => {
    env = await startApiTestEnv();
    // Products whose names look like glob patterns, so "Bolo*" is a real product and must clear only itself.
    await env.forecasting.forecaster.sales.upsertSales([
      { date: '2026-10-01', product: 'Bolo*', quantity: 3 },
      { date: '2026-10-01', product: 'a:b?[c]', quantity: 4 },
    ]);
    await env.cli('SET', 'foreign:key', 'not ours'); // outside the prefix: no clear may touch it
  });
  afterAll(() => env?.close());
  beforeEach(async () => {
    delete process.env.CACHE_ADMIN_TOKEN;
    delete process.env.CACHE_ADMIN_RATE_LIMIT;
    adminRateLimiter().reset();
    await waitFor(() => env.system.backend === 'redis' && env.other.backend === 'redis', 10_000, 10, 'both instances on Redis');
    await fill();
  });

  /** Writes a model and two predictions per product, the product list and one other entry, through the other instance. */
  async function fill(): Promise<void> {
    const written: boolean[] = [];
    for (const product of PRODUCTS) {
      written.push(await env.other.models.setModel(product, { product, params: [1, 2, 3] }));
      written.push(await env.other.models.setPrediction(product, 7, [{ product, days: 7 }], undefined, { version: 1 }));
      written.push(await env.other.models.setPrediction(product, 30, [{ product, days: 30 }], undefined, { version: 1 }));
    }
    // Same key and shape as the forecasting service's cached product list.
    written.push(await env.other.models.setProducts(PRODUCTS.map((name) => ({ name }))));
    written.push(await env.other.cache.set(env.other.keys.other('report'), { ok: true }, 300, { type: 'other' }));
    if (!written.every(Boolean)) throw new Error('test setup: a value was not written to Redis');
  }

  /** What the other instance still serves (from its memory tier or Redis). */
  async function served(): Promise<Record<string, boolean>> {
    const out: Record<string, boolean> = {};
    for (const product of PRODUCTS) {
      out[`model:${product}`] = (await env.other.models.getModel(product)) !== undefined;
      out[`prediction:${product}`] = (await env.other.models.getPrediction(product, 7, undefined, { version: 1 })) !== undefined;
    }
    out.products = (await env.other.models.getProducts()) !== undefined;
    out.other = (await env.other.cache.get(env.other.keys.other('report'), { type: 'other' })) !== undefined;
    return out;
  }

  const allServed = () =>
    Object.fromEntries([...PRODUCTS.flatMap((p) => [`model:${p}`, `prediction:${p}`]), 'products', 'other'].map((k) => [k, true]));

  async function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return clear(apiRequest('/api/ai/cache/clear', { json: body, headers }), NO_CONTEXT);
  }

  async function expectNothingDeleted(before: string[]): Promise<void> {
    expect(await env.cacheKeys()).toEqual(before);
    expect(await served()).toEqual(allServed());
  }

  it('serves everything from the other instance before any clear (the setup is what the tests think)', async () => {
    expect(await served()).toEqual(allServed());
    expect((await env.cacheKeys()).length).toBe(PRODUCTS.length * 3 + 2);
  });

  const cases: { target: string; gone: (key: string) => boolean; removed: number }[] = [
    { target: 'models', gone: (k) => k.startsWith('model:'), removed: 4 },
    { target: 'predictions', gone: (k) => k.startsWith('prediction:'), removed: 8 },
    { target: 'products', gone: (k) => k === 'products', removed: 1 },
    { target: 'Pão de Açúcar', gone: (k) => k.endsWith(':Pão de Açúcar'), removed: 3 },
    { target: 'Bolo*', gone: (k) => k.endsWith(':Bolo*'), removed: 3 },
    { target: 'a:b?[c]', gone: (k) => k.endsWith(':a:b?[c]'), removed: 3 },
    { target: 'all', gone: () => true, removed: 14 },
  ];

  for (const { target, gone, removed } of cases) {
    it(`clears ${JSON.stringify(target)} on every instance and nothing else`, async () => {
      const response = await post({ target });
      expect(response.status).toBe(200);
      const body = await jsonOf<ClearResult>(response);
      expect(body).toMatchObject({ target, removed, message: expect.any(String), timestamp: expect.any(String) });

      const expected = Object.fromEntries(Object.keys(allServed()).map((k) => [k, !gone(k)]));
      // Invalidation reaches the other instance's memory tier over pub/sub: wait for it, with a deadline.
      await waitFor(async () => JSON.stringify(await served()) === JSON.stringify(expected), 5_000, 20, `other instance to drop ${target}`);
      expect(await env.cli('GET', 'foreign:key')).toBe('not ours');

      const line = env.logs.find((entry) => entry.action === 'cache.clear' && entry.target === target);
      expect(line).toMatchObject({ removed, caller: '127.0.0.1' });
      expect(env.logs.at(-1)).toMatchObject({ action: 'clear', route: '/api/ai/cache/clear', status: 200, caller: '127.0.0.1' });
    });
  }

  it('clears everything when posted without a body, as the seed runbook does', async () => {
    const response = await clear(apiRequest('/api/ai/cache/clear', { method: 'POST' }), NO_CONTEXT);
    expect(response.status).toBe(200);
    expect(await jsonOf<ClearResult>(response)).toMatchObject({ target: 'all', removed: 14 });
    expect(await env.cacheKeys()).toEqual([]);
  });

  it('never widens a clear: patterns, paths, other spellings and long or odd strings clear nothing (404 or 400)', async () => {
    await env.forecasting.listProducts(); // an unknown name is looked for in the (cached) product list: cache it first
    const before = await env.cacheKeys();
    const targets = [
      '*',
      'Bol*',
      'Bolo?',
      '[B]olo',
      'B*',
      '../',
      '../../etc',
      '..%2F',
      'bolo',
      'BOLO',
      ' Bolo',
      'Pao de Acucar',
      '東京',
      '🥐',
      '\u0000',
      'all ',
      'ALL',
      'model',
      'x'.repeat(200),
    ];
    for (const target of targets) {
      const response = await post({ target });
      expect(response.status, JSON.stringify(target)).toBe(404);
      expect(await jsonOf(response)).toMatchObject({ error: { code: 'not_found' } });
    }
    for (const body of [
      { target: '' },
      { target: 'x'.repeat(201) },
      { target: 42 },
      { target: null },
      { target: ['all'] },
      { target: 'all', also: 'Bolo' },
      'all',
      [],
    ]) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await jsonOf(response)).toMatchObject({ error: { code: 'bad_request' } });
    }
    const huge = await post({ target: 'Bolo'.repeat(2_500) }); // a 10 kB string
    expect(huge.status).toBe(413);
    await expectNothingDeleted(before);
  });

  it('accepts the decomposed Unicode spelling of a product as that product', async () => {
    const response = await post({ target: 'Pão de Açúcar'.normalize('NFD') });
    expect(response.status).toBe(200);
    expect(await jsonOf<ClearResult>(response)).toMatchObject({ target: 'Pão de Açúcar', removed: 3 });
  });

  it('refuses bad requests with the right status and deletes nothing', async () => {
    const before = await env.cacheKeys();
    const request = (init: Parameters<typeof apiRequest>[1]) => clear(apiRequest('/api/ai/cache/clear', init), NO_CONTEXT);
    const cases: [string, Promise<Response>, number, string][] = [
      ['cross-origin', request({ json: { target: 'all' }, headers: { origin: 'http://evil.example' } }), 403, 'forbidden'],
      ['cross-site fetch', request({ json: { target: 'all' }, headers: { 'sec-fetch-site': 'cross-site' } }), 403, 'forbidden'],
      ['Origin: null', request({ json: { target: 'all' }, headers: { origin: 'null' } }), 403, 'forbidden'],
      ['text/plain', request({ body: '{"target":"all"}', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type'],
      ['form', request({ body: 'target=all', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type'],
      ['malformed JSON', request({ body: '{"target":"all"', headers: { 'content-type': 'application/json' } }), 400, 'bad_request'],
      [
        'oversized',
        request({ body: JSON.stringify({ target: 'all', pad: 'x'.repeat(10_000) }), headers: { 'content-type': 'application/json' } }),
        413,
        'payload_too_large',
      ],
    ];
    for (const [name, pending, status, code] of cases) {
      const response = await pending;
      expect(response.status, name).toBe(status);
      expect(await jsonOf(response), name).toMatchObject({ error: { code } });
    }
    const get = await clearGet();
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    await expectNothingDeleted(before);
  });

  it('requires the admin token when CACHE_ADMIN_TOKEN is set: 401 without, 403 wrong, 200 right; never echoes it', async () => {
    process.env.CACHE_ADMIN_TOKEN = TOKEN;
    const before = await env.cacheKeys();
    const missing = await post({ target: 'all' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await post({ target: 'all' }, { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(403);
    const basic = await post({ target: 'all' }, { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` });
    expect(basic.status).toBe(401);
    // a cross-site page is refused before the token is even looked at
    const crossSite = await post({ target: 'all' }, { authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    await expectNothingDeleted(before);

    const right = await post({ target: 'models' }, { authorization: `Bearer ${TOKEN}` });
    expect(right.status).toBe(200);
    const text = JSON.stringify([await jsonOf(right), await jsonOf(wrong), await jsonOf(missing), env.logs]);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(REDIS_PASSWORD);
  });

  it('accepts a same-origin browser request', async () => {
    const response = await post({ target: 'products' }, { origin: 'http://localhost:5001', 'sec-fetch-site': 'same-origin' });
    expect(response.status).toBe(200);
  });

  it('rate limits repeated clears with 429 and Retry-After', async () => {
    process.env.CACHE_ADMIN_RATE_LIMIT = '3';
    for (let i = 0; i < 3; i += 1) expect((await post({ target: 'products' })).status).toBe(200);
    await fill();
    const before = await env.cacheKeys();
    const limited = await post({ target: 'all' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await jsonOf(limited)).toMatchObject({ error: { code: 'rate_limited' } });
    await expectNothingDeleted(before);
  });

  it('answers 409 while a clear is running', async () => {
    // Enough keys that clearing them takes a while: 50 000 entries under the prefix.
    // Written in small batches: one long EVAL would block Redis past the command timeout and open the breaker.
    for (let batch = 0; batch < 10; batch += 1) {
      await env.cli('EVAL', `for i=1,5000 do redis.call('SET', KEYS[1] .. ARGV[1] .. ':' .. i, 'x') end`, '1', `${env.prefix}:bulk:`, String(batch));
    }
    await waitFor(async () => (await env.system.healthCheck()).redisAvailable, 10_000, 20, 'Redis to be in use');
    const first = post({ target: 'all' });
    const inFlight = () => processSingleton('clear-in-flight', () => ({ running: false }));
    await waitFor(() => inFlight().running, 5_000, 1, 'the first clear to start');
    const second = await post({ target: 'models' });
    expect(second.status).toBe(409);
    expect(await jsonOf(second)).toMatchObject({ error: { code: 'conflict' } });
    const done = await first;
    expect(done.status).toBe(200);
    expect((await jsonOf<ClearResult>(done)).removed).toBeGreaterThanOrEqual(50_000);
    expect(await env.cacheKeys()).toEqual([]);
    expect((await post({ target: 'models' })).status).toBe(200);
  });

  it('keeps working with Redis down: clears the fallback tier, never a 5xx', async () => {
    await env.redis.stop();
    try {
      const response = await post({ target: 'predictions' });
      expect(response.status).toBe(200);
      const unknown = await post({ target: '*' });
      expect(unknown.status).toBe(404);
    } finally {
      await env.restartRedis();
      await waitFor(async () => (await env.system.healthCheck()).redisAvailable && (await env.other.healthCheck()).redisAvailable, 15_000);
    }
  });
});
