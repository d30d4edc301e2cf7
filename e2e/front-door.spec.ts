import http from 'node:http';
import type { ApiError } from '@/lib/api-types';
import { expect, test } from './fixtures';
import { appEnv, startNext, stopNext, type NextServer } from './support/processes';
import { runInfo } from './support/run';

/**
 * The front door (lib/http/front-door*.ts) against the production server: what it refuses never reaches Next.js,
 * and what it lets through carries the socket address the management guards decide on.
 */

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with full control of the method, target and Host header (which a browser-like client would fix). */
function raw(baseURL: string, method: string, target: string, headers: Record<string, string> = {}, body?: string): Promise<RawAnswer> {
  const url = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, method, path: target, headers: { host: url.host, ...headers } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      },
    );
    request.setTimeout(30_000, () => request.destroy(new Error(`${method} ${target.slice(0, 40)} timed out`)));
    request.on('error', reject);
    request.end(body);
  });
}

function errorCode(answer: RawAnswer): string {
  expect(answer.headers['content-type']).toContain('application/json');
  return (JSON.parse(answer.body) as ApiError).error.code;
}

test('a query string of thousands of keys is refused before parsing, and other clients are still answered', async ({ baseURL }) => {
  // 7,000 keys in 14 kB: the measure (0.73 s of parsing each before the front door).
  const huge = '/api/ping?' + Array.from({ length: 7000 }, () => 'a').join('&');
  const many = '/api/ping?' + Array.from({ length: 65 }, (_, i) => `a${i}=1`).join('&');
  const [a, b, c, d, ping] = await Promise.all([
    raw(baseURL!, 'GET', huge),
    raw(baseURL!, 'GET', huge),
    raw(baseURL!, 'GET', many),
    raw(baseURL!, 'GET', '/api/ai/predict?product=' + 'x'.repeat(9000) + '&days=7'),
    raw(baseURL!, 'GET', '/api/ping'),
  ]);
  for (const answer of [a, b, d]) {
    expect(answer.status).toBe(414);
    expect(errorCode(answer)).toBe('uri_too_long');
  }
  expect(c.status).toBe(400);
  expect(errorCode(c)).toBe('bad_request');
  expect(ping.status).toBe(200);
});

test('TRACE, TRACK and CONNECT answer 405 JSON with Allow', async ({ baseURL }) => {
  for (const method of ['TRACE', 'TRACK']) {
    const answer = await raw(baseURL!, method, '/api/ai/health');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toContain('GET');
    expect(errorCode(answer)).toBe('method_not_allowed');
  }
  const url = new URL(baseURL!);
  const connect = await new Promise<number>((resolve, reject) => {
    const request = http.request({ host: url.hostname, port: url.port, method: 'CONNECT', path: 'example.com:443' });
    request.on('connect', (response, socket) => (socket.destroy(), resolve(response.statusCode ?? 0)));
    request.on('error', reject);
    request.end();
  });
  expect(connect).toBe(405);
});

test('a Host this server does not answer for (DNS rebinding) gets 421 on pages and API alike', async ({ baseURL }) => {
  for (const target of ['/', '/api/ai/cache/info']) {
    const answer = await raw(baseURL!, 'GET', target, { host: 'rebind.attacker.example' });
    expect(answer.status).toBe(421);
    expect(errorCode(answer)).toBe('misdirected_request');
  }
  const refused = await raw(
    baseURL!,
    'POST',
    '/api/ai/cache/clear',
    { host: 'rebind.attacker.example:80', 'content-type': 'application/json' },
    '{}',
  );
  expect(refused.status).toBe(421);
  expect((await raw(baseURL!, 'GET', '/api/ai/health', { host: 'localhost' })).status).toBe(200);
});

test('pages and API answers carry the anti-framing and no-sniff headers, refusals too', async ({ baseURL }) => {
  for (const answer of [await raw(baseURL!, 'GET', '/'), await raw(baseURL!, 'GET', '/api/ai/cache/info'), await raw(baseURL!, 'TRACE', '/')]) {
    expect(answer.headers['x-frame-options']).toBe('DENY');
    expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['referrer-policy']).toBeTruthy();
  }
});

test.describe('without an admin token, behind one trusted proxy', () => {
  // The proxy is simulated by the X-Forwarded-* headers it would add: the guard decides on the address it recorded.
  // (A real non-loopback socket at hops = 0 is in remote-caller.spec.ts.)
  let server: NextServer;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    const { dir, redis } = runInfo();
    server = await startNext({
      dir,
      name: 'proxied',
      env: appEnv(dir, 'proxied', redis.port, {
        TRUST_PROXY_HOPS: '1',
        REDIS_DB: '2',
        CACHE_PREFIX: 'ai_module_proxied_e2e',
        ALLOWED_HOSTS: 'shop.example,127.0.0.1',
      }),
    });
  });
  test.afterAll(() => {
    if (server) stopNext(server);
  });

  test('management calls from another host are refused with 403 saying how to set the token; from this host they pass', async () => {
    const headers = { host: '127.0.0.1', 'x-forwarded-host': 'shop.example', 'content-type': 'application/json' };
    const remote = await raw(server.url, 'POST', '/api/ai/cache/clear', { ...headers, 'x-forwarded-for': '192.0.2.10' }, '{"target":"predictions"}');
    expect(remote.status).toBe(403);
    expect((JSON.parse(remote.body) as ApiError).error.message).toContain('CACHE_ADMIN_TOKEN');
    // The client's own X-Forwarded-For entry (the leftmost) is not believed.
    const spoofed = await raw(
      server.url,
      'POST',
      '/api/ai/cache/clear',
      { ...headers, 'x-forwarded-for': '127.0.0.1, 192.0.2.10' },
      '{"target":"predictions"}',
    );
    expect(spoofed.status).toBe(403);
    const local = await raw(server.url, 'POST', '/api/ai/cache/clear', { ...headers, 'x-forwarded-for': '127.0.0.1' }, '{"target":"predictions"}');
    expect(local.status).toBe(200);
  });

  test('ALLOWED_HOSTS is checked against the trusted X-Forwarded-Host', async () => {
    expect((await raw(server.url, 'GET', '/api/ai/health', { 'x-forwarded-host': 'shop.example' })).status).toBe(200);
    expect((await raw(server.url, 'GET', '/api/ai/health', { 'x-forwarded-host': 'other.example' })).status).toBe(421);
  });
});
