import type { ApiError } from '@/lib/api-types';
import { expect, test } from './fixtures';

/**
 * Requests for a method a route does not export are answered by Next.js itself unless the route exports a handler
 * for it: against the production server, they must still get the API's JSON error, never an empty body.
 */

async function expectJsonError(res: { status(): number; headers(): Record<string, string>; text(): Promise<string> }, status: number, code: string) {
  expect(res.status()).toBe(status);
  expect(res.headers()['content-type']).toContain('application/json');
  const body = JSON.parse(await res.text()) as ApiError;
  expect(body.error.code).toBe(code);
}

test('a method a route does not serve answers 405 JSON with Allow, not an empty 405', async ({ request, baseURL }) => {
  const res = await request.post(`${baseURL}/api/ai/predict?product=Bolo&days=7`);
  await expectJsonError(res, 405, 'method_not_allowed');
  expect(res.headers()['allow']).toBe('GET');
  await expectJsonError(await request.delete(`${baseURL}/api/ai/cache/warm-up`), 405, 'method_not_allowed');
});
