import http from 'node:http';
import type { ApiError } from '@/lib/api-types';
import { expect, test } from './fixtures';
import { appEnv, startNext, stopNext, type NextServer } from './support/processes';
import { runInfo } from './support/run';

/**
 * Admission control against the production server: one client (127.0.0.2) asks for many distinct uncached
 * forecasts at once; with one computation allowed per client, the rest get 429 JSON with Retry-After, while
 * another client (127.0.0.1) is answered — its cached forecast and health.
 */
let server: NextServer;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  const { dir, redis } = runInfo();
  server = await startNext({
    dir,
    name: 'admission',
    env: appEnv(dir, 'admission', redis.port, {
      REDIS_DB: '3',
      CACHE_PREFIX: 'ai_module_admission_e2e',
      FORECAST_MAX_PER_CLIENT: '1',
      FORECAST_QUEUE_MAX: '4',
    }),
  });
});
test.afterAll(() => {
  if (server) stopNext(server);
});

function get(target: string, localAddress: string): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const request = http.get({ host: url.hostname, port: url.port, path: target, localAddress, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] as string | undefined, body }),
      );
    });
    request.setTimeout(60_000, () => request.destroy(new Error(`${target} timed out`)));
    request.on('error', reject);
  });
}

test('a flood of uncached forecasts from one client is refused with 429; another client is still answered', async () => {
  test.setTimeout(120_000);
  // The model is trained and client B's forecast cached before the flood.
  expect((await get('/api/ai/predict?product=Bolo&days=7', '127.0.0.1')).status).toBe(200);
  const flood = Array.from({ length: 40 }, (_, i) => get(`/api/ai/predict?product=Bolo&days=${200 + i}`, '127.0.0.2'));
  const [cached, health] = await Promise.all([get('/api/ai/predict?product=Bolo&days=7', '127.0.0.1'), get('/api/ai/health', '127.0.0.1')]);
  expect(cached.status).toBe(200);
  expect(health.status).toBe(200);
  const answers = await Promise.all(flood);
  expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
  const refused = answers.filter((a) => a.status === 429);
  expect(refused.length).toBeGreaterThan(0);
  expect(answers.some((a) => a.status === 200)).toBe(true);
  for (const answer of refused) {
    expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    expect((JSON.parse(answer.body) as ApiError).error.code).toBe('rate_limited');
  }
});
