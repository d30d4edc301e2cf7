import type { CacheInfo, ClearResult } from '@/lib/api-types';
import { DEMO_PRODUCT, expect, test } from './fixtures';

/**
 * The management API's cross-site protection, exercised by a real browser: a page on another site tries the
 * requests a CSRF attack can make without a CORS preflight (a no-cors fetch, an HTML form post) and the server
 * refuses them; a page of the service itself (the dashboard's origin) is accepted.
 *
 * "Another site" is the same server reached as `localhost` while the API is called as `127.0.0.1`: two different
 * sites to the browser, both on loopback (Chromium blocks public pages from calling loopback at all, which would
 * hide what the server does).
 */

test('a page on another site cannot clear the cache or start a warm-up', async ({ page, api, baseURL, consoleLog }) => {
  consoleLog.allow(/status of 403/); // the browser logs the refusals this test provokes
  consoleLog.allow(/favicon\.ico/);
  const evil = baseURL!.replace('127.0.0.1', 'localhost');
  expect(evil).not.toBe(baseURL);
  await api.predict(DEMO_PRODUCT, 7);
  const before = (await api.info()).cache_breakdown;
  expect(before.predictions).toBeGreaterThan(0);
  const jobBefore = (await api.warmUpStatus()).job;

  // A page of another site.
  await page.goto(`${evil}/api/ping`);

  for (const path of ['/api/ai/cache/clear', '/api/ai/cache/warm-up']) {
    const url = `${baseURL}${path}`;
    const answered = page.waitForResponse((r) => r.url() === url && r.request().method() === 'POST');
    await page.evaluate(async (u) => {
      // text/plain + no-cors: a "simple" request the browser sends without asking the server first.
      await fetch(u, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{"target":"all"}' });
    }, url);
    const response = await answered;
    expect(response.status(), path).toBe(403);
  }

  // A classic CSRF form post (the form navigates the page to the answer).
  const clearUrl = `${baseURL}/api/ai/cache/clear`;
  const formAnswer = page.waitForResponse((r) => r.url() === clearUrl && r.request().method() === 'POST');
  await page.evaluate((action) => {
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = action;
    form.enctype = 'text/plain';
    const input = document.createElement('input');
    input.name = '{"target":"all","pad":"';
    input.value = '"}';
    form.append(input);
    document.body.append(form);
    form.submit();
  }, clearUrl);
  expect((await formAnswer).status()).toBe(403);

  // Nothing was removed and no warm-up started.
  const after: CacheInfo = await api.info();
  expect(after.cache_breakdown.predictions).toBeGreaterThanOrEqual(before.predictions);
  expect((await api.warmUpStatus()).job?.id ?? null).toBe(jobBefore?.id ?? null);
});

test('a page of the service itself may clear (same origin)', async ({ page, api, baseURL, consoleLog }) => {
  consoleLog.allow(/favicon\.ico/);
  await api.predict(DEMO_PRODUCT, 7);
  await page.goto(`${baseURL}/api/ping`);
  const result = await page.evaluate(async () => {
    const response = await fetch('/api/ai/cache/clear', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ target: 'predictions' }),
    });
    return { status: response.status, body: (await response.json()) as ClearResult };
  });
  expect(result.status).toBe(200);
  expect(result.body).toMatchObject({ target: 'predictions' });
  expect(result.body.removed).toBeGreaterThan(0);
});

test("the seed runbook's calls work against next start as written", async ({ request, api, baseURL }) => {
  await api.predict(DEMO_PRODUCT, 7);
  // curl …/api/ai/cache/info | jq .hit_rate / .cache_breakdown / .used_memory_human
  const info = await (await request.get(`${baseURL}/api/ai/cache/info`)).json();
  expect(typeof info.hit_rate).toBe('number');
  expect(info.cache_breakdown).toMatchObject({ models: expect.any(Number), predictions: expect.any(Number), other: expect.any(Number) });
  expect(typeof info.used_memory_human).toBe('string');
  // curl -X POST …/api/ai/cache/clear -d '{"target": …}' for each target, and without a body
  for (const target of ['models', 'predictions', 'products', DEMO_PRODUCT, 'all']) {
    const response = await request.post(`${baseURL}/api/ai/cache/clear`, { data: { target } });
    expect(response.status(), target).toBe(200);
    expect(await response.json()).toMatchObject({ target, removed: expect.any(Number) });
  }
  const bare = await request.post(`${baseURL}/api/ai/cache/clear`);
  expect(bare.status()).toBe(200);
  expect((await bare.json()).target).toBe('all');
  // metrics parse as Prometheus text (one sample line checked here; the strict parser runs in the unit tests)
  const metrics = await (await request.get(`${baseURL}/api/metrics`)).text();
  expect(metrics).toMatch(/^http_request_duration_seconds_count\{route="\/api\/ai\/cache\/clear",method="POST",status="200"\} \d+$/m);
});

test('every answer carries the safe-default headers: never framed, never content-sniffed', async ({ request, baseURL }) => {
  for (const path of ['/', `/products/${encodeURIComponent('Pão de Açúcar')}`, '/api/ai/health', '/api/metrics', '/no/such/page']) {
    const res = await request.get(`${baseURL}${path}`);
    const headers = res.headers();
    expect(headers['x-frame-options'], path).toBe('DENY');
    expect(headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options'], path).toBe('nosniff');
    expect(headers['referrer-policy'], path).toBe('same-origin');
  }
});
