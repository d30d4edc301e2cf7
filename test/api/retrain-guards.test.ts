import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GET as retrainGet, POST as retrain } from '@/app/api/ai/models/[product]/retrain/route';
import { adminRateLimiter } from '@/lib/http/rate-limit';
import { apiRequest, jsonOf } from './setup';

/**
 * `POST /api/ai/models/<product>/retrain` carries the same guards as clear and warm-up. Every case here is refused
 * before the handler runs, so no model is trained and no database or cache is touched.
 */
describe('POST /api/ai/models/<product>/retrain guards', () => {
  const context = { params: Promise.resolve({ product: 'Bolo' }) };
  const path = '/api/ai/models/Bolo/retrain';
  beforeEach(() => adminRateLimiter().reset());
  afterEach(() => {
    delete process.env.CACHE_ADMIN_TOKEN;
  });

  it('refuses cross-site browser requests, wrong bodies and other methods', async () => {
    const cases: [string, Request, number][] = [
      ['cross-origin', apiRequest(path, { method: 'POST', headers: { origin: 'http://evil.example' } }), 403],
      ['cross-site', apiRequest(path, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } }), 403],
      ['text/plain', apiRequest(path, { body: '{}', headers: { 'content-type': 'text/plain' } }), 415],
      ['unknown field', apiRequest(path, { json: { version: 7 } }), 400],
      ['malformed', apiRequest(path, { body: '{', headers: { 'content-type': 'application/json' } }), 400],
      ['oversized', apiRequest(path, { body: JSON.stringify({ pad: 'x'.repeat(8000) }), headers: { 'content-type': 'application/json' } }), 413],
    ];
    for (const [name, request, status] of cases) {
      const response = await retrain(request, context);
      expect(response.status, name).toBe(status);
      await jsonOf(response);
    }
    expect((await retrainGet()).status).toBe(405);
  });

  it('requires the admin token when one is configured', async () => {
    process.env.CACHE_ADMIN_TOKEN = 'retrain-token-0123456789';
    expect((await retrain(apiRequest(path, { method: 'POST' }), context)).status).toBe(401);
    expect((await retrain(apiRequest(path, { method: 'POST', headers: { authorization: 'Bearer nope' } }), context)).status).toBe(403);
  });
});
