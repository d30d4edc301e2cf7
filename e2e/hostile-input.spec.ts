import type { ApiError } from '@/lib/api-types';
import { expect, test } from './fixtures';

/**
 * Bad and hostile input against the production server (`next start`), where route handlers and the server start
 * hook live in separate bundles: every answer is a 4xx with the API's JSON error, nothing is widened or lost.
 */

const long = 'x'.repeat(10_000);
const unknownNames = ['Nope', '*', 'Bolo*', '../../etc/passwd', '?[]{}:', 'Pão de Açúcar ', '🥐 Croissant', 'ñ'.repeat(150)];

async function expectApiError(res: { status(): number; headers(): Record<string, string>; json(): Promise<unknown> }, status: number) {
  expect(res.status()).toBe(status);
  expect(res.headers()['content-type']).toContain('application/json');
  const body = (await res.json()) as ApiError;
  expect(typeof body.error.code).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
}

test('unknown and hostile product names answer 404 or 400 on every forecasting route', async ({ request, baseURL }) => {
  for (const name of unknownNames) {
    const q = encodeURIComponent(name);
    const p = encodeURIComponent(name);
    await expectApiError(await request.get(`${baseURL}/api/ai/predict?product=${q}&days=7`), 404);
    await expectApiError(await request.get(`${baseURL}/api/ai/models/${p}`), 404);
    await expectApiError(await request.get(`${baseURL}/api/ai/products/${p}/history`), 404);
    await expectApiError(await request.post(`${baseURL}/api/ai/models/${p}/retrain`, { data: {} }), 404);
  }
  // A 10 kB request target is refused before routing (414, see lib/http/front-door.ts).
  await expectApiError(await request.get(`${baseURL}/api/ai/predict?product=${long}&days=7`), 414);
  await expectApiError(await request.get(`${baseURL}/api/ai/models/${long}`), 414);
  await expectApiError(await request.get(`${baseURL}/api/ai/models/${long.slice(0, 4000)}`), 400);
  for (const days of ['0', '366', '-1', '1.5', 'abc', '1e3', '99999999999999999999', '']) {
    await expectApiError(await request.get(`${baseURL}/api/ai/predict?product=Bolo&days=${days}`), 400);
  }
  await expectApiError(await request.get(`${baseURL}/api/ai/predict?product=Bolo`), 400);
  await expectApiError(await request.get(`${baseURL}/api/ai/products/%2E%2E/history`), 404);
  await expectApiError(await request.get(`${baseURL}/api/ai/no-such-endpoint`), 404);
});

test('a clear with a glob, path or unknown name removes nothing', async ({ request, baseURL, api }) => {
  await api.predict('Bolo', 7);
  expect((await api.predict('Bolo', 7)).xCache).toBe('HIT');

  // Not a product's exact name: 404. A 10 kB target makes the body larger than CACHE_ADMIN_MAX_BODY_BYTES: 413.
  const targets: [string, number][] = [
    ['*', 404],
    ['Bolo*', 404],
    ['B?lo', 404],
    ['[B]olo', 404],
    ['../Bolo', 404],
    ['Bolo\u0000', 404],
    [long, 413],
  ];
  for (const [target, status] of targets) {
    const res = await request.post(`${baseURL}/api/ai/cache/clear`, { data: { target } });
    await expectApiError(res, status);
  }
  const bodies: [string, number][] = [
    ['{"target":', 400],
    ['[]', 400],
    ['{"target":42}', 400],
    ['{"target":"all","extra":' + JSON.stringify(long) + '}', 413],
  ];
  for (const [body, status] of bodies) {
    const res = await request.post(`${baseURL}/api/ai/cache/clear`, { data: body, headers: { 'Content-Type': 'application/json' } });
    await expectApiError(res, status);
  }

  // The prediction cached before is still served from the cache: nothing was cleared.
  expect((await api.predict('Bolo', 7)).xCache).toBe('HIT');
});
