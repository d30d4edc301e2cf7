import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readEnv } from '@/lib/config/env';
import { defaultAllowedHosts } from '@/lib/config/allowed-hosts';

const parseAdminConfig = (env: Record<string, string | undefined>) => readEnv(env).admin;
import { assertAdmin, assertAdminCaller } from './auth';
import { socketStampHeader } from './socket-address';
import { readJsonBody } from './body';
import { callerAddress, requestHost } from './caller';
import { HttpError } from './errors';
import { methodNotAllowed } from './method-not-allowed';
import { adminRateLimiter, RateLimiter } from './rate-limit';
import { adminRoute, guardAdminCall } from './guards';
import { assertSameOrigin } from './origin';

const URL_ = 'http://localhost:5001/api/ai/cache/clear';

/** A POST as the front door hands it on from a caller on this host (socket address stamped loopback). */
function post(headers: Record<string, string> = {}, body?: BodyInit): Request {
  return new Request(URL_, { method: 'POST', headers: { host: 'localhost:5001', [socketStampHeader()]: '127.0.0.1', ...headers }, body });
}

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (error instanceof HttpError) return error.code;
    throw error;
  }
}

/** The error `fn` throws; fails the test when it throws nothing (an assertion in a bare catch block can't). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  expect.fail('expected a throw, but nothing was thrown');
}

async function asyncCodeOf(fn: () => Promise<unknown>): Promise<string | null> {
  try {
    await fn();
    return null;
  } catch (error) {
    if (error instanceof HttpError) return error.code;
    throw error;
  }
}

describe('assertSameOrigin', () => {
  it('lets requests without Origin or Sec-Fetch-Site through (curl, scripts)', () => {
    expect(codeOf(() => assertSameOrigin(post(), 'localhost:5001'))).toBeNull();
  });
  it('accepts a same-origin browser request', () => {
    const request = post({ origin: 'http://localhost:5001', 'sec-fetch-site': 'same-origin' });
    expect(codeOf(() => assertSameOrigin(request, 'localhost:5001'))).toBeNull();
  });
  it('treats default ports and case as equal', () => {
    expect(codeOf(() => assertSameOrigin(post({ origin: 'https://EXAMPLE.com' }), 'example.com:443'))).toBeNull();
  });
  it('refuses an Origin of another host or port', () => {
    expect(codeOf(() => assertSameOrigin(post({ origin: 'http://evil.example' }), 'localhost:5001'))).toBe('forbidden');
    expect(codeOf(() => assertSameOrigin(post({ origin: 'http://localhost:5002' }), 'localhost:5001'))).toBe('forbidden');
  });
  it('refuses Origin: null and unparsable or non-http origins', () => {
    expect(codeOf(() => assertSameOrigin(post({ origin: 'null' }), 'localhost:5001'))).toBe('forbidden');
    expect(codeOf(() => assertSameOrigin(post({ origin: 'not a url' }), 'localhost:5001'))).toBe('forbidden');
    expect(codeOf(() => assertSameOrigin(post({ origin: 'file://localhost:5001' }), 'localhost:5001'))).toBe('forbidden');
  });
  it('refuses Sec-Fetch-Site cross-site even with a matching Origin, and same-site without one', () => {
    expect(codeOf(() => assertSameOrigin(post({ origin: 'http://localhost:5001', 'sec-fetch-site': 'cross-site' }), 'localhost:5001'))).toBe(
      'forbidden',
    );
    expect(codeOf(() => assertSameOrigin(post({ 'sec-fetch-site': 'cross-site' }), 'localhost:5001'))).toBe('forbidden');
    expect(codeOf(() => assertSameOrigin(post({ 'sec-fetch-site': 'same-site' }), 'localhost:5001'))).toBe('forbidden');
    expect(codeOf(() => assertSameOrigin(post({ 'sec-fetch-site': 'none' }), 'localhost:5001'))).toBeNull();
  });
});

describe('assertAdminCaller (who may manage without a token)', () => {
  const from = (address: string, headers: Record<string, string> = {}) => post({ [socketStampHeader()]: address, ...headers });
  const closed = { adminToken: null, adminOpen: false, trustProxyHops: 0 };
  it('takes loopback callers (IPv4, IPv6, IPv4-mapped) and refuses every other socket address with 403', () => {
    for (const address of ['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1'])
      expect(codeOf(() => assertAdminCaller(from(address), closed))).toBeNull();
    for (const address of ['192.0.2.10', '10.0.0.5', '::ffff:192.0.2.10', '2001:db8::1', '']) {
      expect(codeOf(() => assertAdminCaller(from(address), closed))).toBe('forbidden');
    }
  });
  it('refuses when the socket address is unknown, and ignores a client-sent X-Forwarded-For with no proxy', () => {
    expect(codeOf(() => assertAdminCaller(new Request(URL_, { method: 'POST' }), closed))).toBe('forbidden');
    expect(codeOf(() => assertAdminCaller(from('192.0.2.10', { 'x-forwarded-for': '127.0.0.1' }), closed))).toBe('forbidden');
  });
  it('says how to set the token', () => {
    const error = thrownBy(() => assertAdminCaller(from('192.0.2.10'), closed));
    expect((error as HttpError).message).toMatch(/CACHE_ADMIN_TOKEN/);
  });
  it('behind N trusted proxies decides on the address the outermost proxy recorded', () => {
    const proxied = { ...closed, trustProxyHops: 1 };
    expect(codeOf(() => assertAdminCaller(from('127.0.0.1', { 'x-forwarded-for': '192.0.2.10' }), proxied))).toBe('forbidden');
    expect(codeOf(() => assertAdminCaller(from('127.0.0.1', { 'x-forwarded-for': '192.0.2.10, 127.0.0.1' }), proxied))).toBeNull();
  });
  it('CACHE_ADMIN_OPEN=true takes anyone; a configured token is then the only check', () => {
    expect(codeOf(() => assertAdminCaller(from('192.0.2.10'), { ...closed, adminOpen: true }))).toBeNull();
    const token = 'a-long-enough-admin-token';
    expect(codeOf(() => assertAdminCaller(from('192.0.2.10', { authorization: `Bearer ${token}` }), { ...closed, adminToken: token }))).toBeNull();
    expect(codeOf(() => assertAdminCaller(from('127.0.0.1'), { ...closed, adminToken: token }))).toBe('unauthorized');
  });
});

describe('assertAdmin', () => {
  const token = 'a-long-enough-admin-token';
  it('checks nothing when no token is configured', () => {
    expect(codeOf(() => assertAdmin(post(), null))).toBeNull();
  });
  it('answers 401 with WWW-Authenticate when the header is missing or not Bearer', () => {
    expect(codeOf(() => assertAdmin(post(), token))).toBe('unauthorized');
    expect(codeOf(() => assertAdmin(post({ authorization: `Basic ${token}` }), token))).toBe('unauthorized');
    expect(codeOf(() => assertAdmin(post({ authorization: 'Bearer' }), token))).toBe('unauthorized');
    const error = thrownBy(() => assertAdmin(post(), token));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).toResponse().headers.get('www-authenticate')).toMatch(/^Bearer/);
  });
  it('answers 403 for a wrong token of any length', () => {
    expect(codeOf(() => assertAdmin(post({ authorization: 'Bearer wrong' }), token))).toBe('forbidden');
    expect(codeOf(() => assertAdmin(post({ authorization: `Bearer ${token}x` }), token))).toBe('forbidden');
    expect(codeOf(() => assertAdmin(post({ authorization: `Bearer ${token.slice(0, -1)}` }), token))).toBe('forbidden');
  });
  it('accepts the right token, with any case of the scheme', () => {
    expect(codeOf(() => assertAdmin(post({ authorization: `Bearer ${token}` }), token))).toBeNull();
    expect(codeOf(() => assertAdmin(post({ authorization: `bearer ${token}` }), token))).toBeNull();
  });
  it('never puts the token in the error', async () => {
    const error = thrownBy(() => assertAdmin(post({ authorization: 'Bearer guess' }), token));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe('forbidden');
    const response = (error as HttpError).toResponse();
    expect(response.status).toBe(403);
    expect(JSON.stringify((error as HttpError).message) + (await response.text())).not.toContain(token);
  });
});

describe('readJsonBody', () => {
  const schema = z.object({ target: z.string().min(1).max(200).default('all') }).strict();
  const json = { 'content-type': 'application/json' };

  it('parses a JSON body against the schema', async () => {
    await expect(readJsonBody(post(json, '{"target":"Bolo"}'), schema, 4096)).resolves.toEqual({ target: 'Bolo' });
    await expect(readJsonBody(post({ 'content-type': 'application/json; charset=utf-8' }, '{"target":"Pão"}'), schema, 4096)).resolves.toEqual({
      target: 'Pão',
    });
  });
  it('treats an empty body as {} (the seed runbook posts without one), whatever the content type', async () => {
    await expect(readJsonBody(post(), schema, 4096)).resolves.toEqual({ target: 'all' });
    await expect(readJsonBody(post({ 'content-type': 'application/x-www-form-urlencoded' }, ''), schema, 4096)).resolves.toEqual({ target: 'all' });
  });
  it('refuses a non-JSON body with 415', async () => {
    expect(await asyncCodeOf(() => readJsonBody(post({ 'content-type': 'text/plain' }, '{"target":"all"}'), schema, 4096))).toBe(
      'unsupported_media_type',
    );
    expect(await asyncCodeOf(() => readJsonBody(post({ 'content-type': 'application/x-www-form-urlencoded' }, 'target=all'), schema, 4096))).toBe(
      'unsupported_media_type',
    );
    // no Content-Type given: a string body goes out as text/plain, which is not JSON
    expect(await asyncCodeOf(() => readJsonBody(post({}, '{"target":"all"}'), schema, 4096))).toBe('unsupported_media_type');
  });
  it('refuses malformed JSON and schema violations with 400', async () => {
    expect(await asyncCodeOf(() => readJsonBody(post(json, '{"target":'), schema, 4096))).toBe('bad_request');
    expect(await asyncCodeOf(() => readJsonBody(post(json, '{"target":42}'), schema, 4096))).toBe('bad_request');
    expect(await asyncCodeOf(() => readJsonBody(post(json, '{"target":"all","extra":1}'), schema, 4096))).toBe('bad_request');
    expect(await asyncCodeOf(() => readJsonBody(post(json, '[]'), schema, 4096))).toBe('bad_request');
    expect(await asyncCodeOf(() => readJsonBody(post(json, new Uint8Array([0x7b, 0xff, 0x7d])), schema, 4096))).toBe('bad_request');
  });
  it('says which field is wrong', async () => {
    const error = await readJsonBody(post(json, '{"target":42}'), schema, 4096).catch((e: unknown) => e);
    expect((error as HttpError).message).toMatch(/target/);
  });
  it('refuses an oversized body with 413 from the stream, without a Content-Length', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 1000) controller.close();
        else controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
      },
    });
    const request = new Request(URL_, { method: 'POST', headers: json, body: stream, duplex: 'half' } as RequestInit);
    expect(request.headers.get('content-length')).toBeNull();
    expect(await asyncCodeOf(() => readJsonBody(request, schema, 4096))).toBe('payload_too_large');
    expect(pulled).toBeLessThan(20); // stopped reading early, did not buffer the megabyte
  });
  it('refuses a declared Content-Length over the limit before reading', async () => {
    const request = post({ ...json, 'content-length': '999999' }, '{}');
    expect(await asyncCodeOf(() => readJsonBody(request, schema, 4096))).toBe('payload_too_large');
  });
  it('refuses a body over the limit even when Content-Length understates it', async () => {
    const request = post({ ...json, 'content-length': '10' }, JSON.stringify({ target: 'x'.repeat(10_000) }));
    expect(await asyncCodeOf(() => readJsonBody(request, schema, 4096))).toBe('payload_too_large');
  });
});

describe('RateLimiter', () => {
  it('allows the limit at once, then refuses with a Retry-After, then refills over time', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    for (let i = 0; i < 3; i += 1) expect(limiter.take('clear', 3).allowed).toBe(true);
    const refused = limiter.take('clear', 3);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(limiter.take('warm-up', 3).allowed).toBe(true); // budgets are per action
    now += 20_000;
    expect(limiter.take('clear', 3).allowed).toBe(true);
    expect(limiter.take('clear', 3).allowed).toBe(false);
  });
});

describe('callerAddress and requestHost', () => {
  it('takes the socket address Next.js recorded, or the N-th entry from the right behind N proxies', () => {
    const bare = (headers: Record<string, string> = {}) => new Request(URL_, { method: 'POST', headers });
    expect(callerAddress(post({ 'x-forwarded-for': '192.0.2.66' }), 0)).toBe('127.0.0.1');
    expect(callerAddress(bare({ 'x-forwarded-for': '127.0.0.1' }), 0)).toBe('127.0.0.1');
    expect(callerAddress(post({ 'x-forwarded-for': 'spoofed, 10.0.0.7' }), 1)).toBe('10.0.0.7');
    expect(callerAddress(post({ 'x-forwarded-for': 'spoofed, 10.0.0.7, 10.0.0.2' }), 2)).toBe('10.0.0.7');
    expect(callerAddress(bare(), 0)).toBe('unknown');
  });
  it('keeps log-unsafe characters out', () => {
    expect(callerAddress(new Request(URL_, { headers: { 'x-forwarded-for': '1.2.3.4"\u0007{}' } }), 0)).toBe('1.2.3.4????');
  });
  it('uses X-Forwarded-Host only behind a trusted proxy', () => {
    const request = post({ 'x-forwarded-host': 'public.example' });
    expect(requestHost(request, 0)).toBe('localhost:5001');
    expect(requestHost(request, 1)).toBe('public.example');
  });
  it('takes X-Forwarded-Host by the same rule as the caller: the N-th from the right, never the client’s own entry', () => {
    const request = post({ 'x-forwarded-host': 'evil.example, public.example' });
    expect(requestHost(request, 1)).toBe('public.example');
    expect(requestHost(post({ 'x-forwarded-host': 'evil.example, public.example, inner.proxy' }), 2)).toBe('public.example');
    expect(requestHost(post({ 'x-forwarded-host': ' , ' }), 1)).toBe('localhost:5001');
  });
});

describe('parseAdminConfig', () => {
  it('has defaults', () => {
    expect(parseAdminConfig({})).toMatchObject({ adminToken: null, rateLimitPerMinute: 20, maxBodyBytes: 4096, trustProxyHops: 0, adminOpen: false });
    expect(parseAdminConfig({}).allowedHosts).toEqual(new Set(defaultAllowedHosts()));
    expect(parseAdminConfig({ ALLOWED_HOSTS: '*' }).allowedHosts).toBeNull();
    expect(parseAdminConfig({ ALLOWED_HOSTS: 'Shop.Example:443, [::1]' }).allowedHosts).toEqual(new Set(['shop.example', '::1']));
    expect(parseAdminConfig({ CACHE_ADMIN_TOKEN: '  ' }).adminToken).toBeNull();
  });
  it('names the variable of a bad value', () => {
    expect(() => parseAdminConfig({ CACHE_ADMIN_RATE_LIMIT: 'abc' })).toThrow(/CACHE_ADMIN_RATE_LIMIT/);
    expect(() => parseAdminConfig({ CACHE_ADMIN_MAX_BODY_BYTES: '-1' })).toThrow(/CACHE_ADMIN_MAX_BODY_BYTES/);
    expect(() => parseAdminConfig({ TRUST_PROXY_HOPS: '1.5' })).toThrow(/TRUST_PROXY_HOPS/);
  });
  it('trims the admin token (a secret file ending in a newline) so the Bearer credential can match it', async () => {
    expect(parseAdminConfig({ CACHE_ADMIN_TOKEN: 'tok-123\n' }).adminToken).toBe('tok-123');
  });
  it('refuses a token no Authorization header can carry, without printing it', () => {
    for (const token of ['two words', 'tök', 'a\u0000b']) {
      const error = thrownBy(() => parseAdminConfig({ CACHE_ADMIN_TOKEN: token }));
      expect((error as Error).message).toMatch(/CACHE_ADMIN_TOKEN: must be printable ASCII/);
      expect((error as Error).message).not.toContain(token);
    }
  });
});

describe('guardAdminCall and adminRoute', () => {
  const saved = { ...process.env };
  const schema = z.object({ target: z.string().default('all') }).strict();
  beforeEach(() => adminRateLimiter().reset());
  afterEach(() => {
    process.env = { ...saved };
    adminRateLimiter().reset();
  });

  it('checks origin before the token, so a cross-site page learns nothing about it', async () => {
    process.env.CACHE_ADMIN_TOKEN = 'secret-token-0123456789';
    const request = post({ origin: 'http://evil.example', 'content-type': 'application/json' }, '{}');
    expect(await asyncCodeOf(() => guardAdminCall(request, 'clear', schema))).toBe('forbidden');
  });

  it('rate limits only well-formed authorised calls, with Retry-After', async () => {
    process.env.CACHE_ADMIN_RATE_LIMIT = '2';
    let runs = 0;
    const route = adminRoute('/api/test', 'clear', schema, async (call) => {
      runs += 1;
      return Response.json(call.body);
    });
    const bad = await route(post({ 'content-type': 'text/plain' }, 'x'), undefined);
    expect(bad.status).toBe(415);
    expect((await route(post(), undefined)).status).toBe(200);
    expect((await route(post(), undefined)).status).toBe(200);
    const limited = await route(post(), undefined);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(limited.headers.get('cache-control')).toBe('no-store');
    expect(runs).toBe(2);
  });

  it('answers 405 in the error shape for other methods', async () => {
    const response = await methodNotAllowed(['POST'])();
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });
});
