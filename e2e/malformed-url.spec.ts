import type { ApiError } from '@/lib/api-types';
import { expect, test } from './fixtures';

/**
 * A path Next.js' router can't decode fails inside the router, before any route handler runs: against the
 * production server it must still answer the API's JSON 400, never a plain-text 500.
 */

test('a path with malformed percent-encoding answers 400 JSON, not a plain-text 500', async ({ request, baseURL }) => {
  const paths = ['/api/ai/models/%ZZ', '/api/ai/products/%E0%A4%A/history', '/api/ai/models/Bolo%25%/retrain', '/products/%ZZ'];
  for (const path of paths) {
    const res = await request.get(`${baseURL}${path}`);
    expect(res.status(), path).toBe(400);
    expect(res.headers()['content-type'], path).toContain('application/json');
    expect(((await res.json()) as ApiError).error.code).toBe('bad_request');
  }
  const post = await request.post(`${baseURL}/api/ai/models/%ZZ/retrain`, { data: {} });
  expect(post.status()).toBe(400);
  // Well-formed encoded names still reach their routes.
  const ok = await request.get(`${baseURL}/api/ai/models/${encodeURIComponent('Pão de Açúcar')}`);
  expect(ok.status()).toBe(200);
});
