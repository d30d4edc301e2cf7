import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowedHosts } from '@/lib/config/allowed-hosts';
import { frontDoorVerdict, REQUEST_LIMITS } from './front-door';
import { guardServer } from './front-door-install';
import { socketStampHeader } from './socket-address';

const anyHost = null;
const defaults = parseAllowedHosts(undefined);
const verdict = (target: string, method = 'GET', host: string | null = 'localhost:5001') => frontDoorVerdict({ method, target, host }, defaults);

describe('frontDoorVerdict', () => {
  it('lets ordinary requests through', () => {
    expect(verdict('/api/ai/predict?product=P%C3%A3o&days=7')).toBeNull();
    expect(verdict('/')).toBeNull();
    expect(verdict('/api/ping?' + 'a=1&'.repeat(REQUEST_LIMITS.maxQueryParams - 1) + 'a=1')).toBeNull();
  });
  it('refuses a long target with 414 and too many parameters with 400', () => {
    expect(verdict('/api/ping/' + 'x'.repeat(REQUEST_LIMITS.maxTargetBytes))?.status).toBe(414);
    expect(verdict('/api/ping?q=' + 'x'.repeat(REQUEST_LIMITS.maxQueryBytes))?.status).toBe(414);
    expect(verdict('/api/ping?q=' + 'é'.repeat(REQUEST_LIMITS.maxQueryBytes / 2))?.status).toBe(414);
    const many = verdict('/api/ping?' + 'a&'.repeat(REQUEST_LIMITS.maxQueryParams + 1));
    expect(many).toMatchObject({ status: 400, code: 'bad_request' });
    expect(verdict('/api/ping?' + '&'.repeat(3000))).toBeNull(); // empty parts are not parameters
  });
  it('answers TRACE, TRACK and CONNECT with 405 and Allow', () => {
    for (const method of ['TRACE', 'track', 'CONNECT'])
      expect(verdict('/', method)).toMatchObject({ status: 405, headers: { Allow: expect.any(String) } });
  });
  it('refuses host names not allowed with 421; a port, brackets and case do not matter', () => {
    expect(verdict('/', 'GET', 'evil.example')).toMatchObject({ status: 421, code: 'misdirected_request' });
    expect(verdict('/', 'GET', 'evil.example:5001')?.status).toBe(421);
    for (const host of ['LOCALHOST:5001', '127.0.0.1', '[::1]:5001', 'localhost.']) expect(verdict('/', 'GET', host)).toBeNull();
    expect(frontDoorVerdict({ method: 'GET', target: '/', host: 'evil.example' }, anyHost)).toBeNull();
    expect(frontDoorVerdict({ method: 'GET', target: '/', host: 'shop.example' }, parseAllowedHosts('shop.example'))).toBeNull();
    expect(frontDoorVerdict({ method: 'GET', target: '/', host: 'localhost' }, parseAllowedHosts('shop.example'))?.status).toBe(421);
  });
});

describe('guardServer on a real HTTP server', () => {
  let server: http.Server;
  let port = 0;
  const seen: { url: string; stamp: string | undefined }[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      seen.push({ url: request.url ?? '', stamp: request.headers[socketStampHeader()] as string | undefined });
      response.end('next.js');
    });
    guardServer(server, { allowedHosts: defaults, trustProxyHops: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function send(
    method: string,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, method, path, headers: { host: `localhost:${port}`, ...headers } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      });
      request.on('error', reject);
      request.end();
    });
  }

  it('passes good requests on with the socket address stamped, a client-sent copy replaced', async () => {
    const response = await send('GET', '/ok', { [socketStampHeader()]: '192.0.2.1' });
    expect(response.body).toBe('next.js');
    expect(seen.at(-1)).toEqual({ url: '/ok', stamp: '127.0.0.1' });
  });

  it('answers refusals itself with the API error shape and security headers; the server never sees them', async () => {
    const before = seen.length;
    const long = await send('GET', '/api/ping?' + 'x&a'.repeat(3000));
    expect(long.status).toBe(414);
    expect(JSON.parse(long.body)).toMatchObject({ error: { code: 'uri_too_long' } });
    expect(long.headers['x-frame-options']).toBe('DENY');
    expect(long.headers['content-type']).toBe('application/json');
    const trace = await send('TRACE', '/api/ai/health');
    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toContain('GET');
    expect((await send('GET', '/', { host: 'rebind.example' })).status).toBe(421);
    expect(seen.length).toBe(before);
  });

  it('answers a method Node does not parse (TRACK) with a JSON 405, and an oversized head with a JSON 431', async () => {
    const track = await send('TRACK', '/');
    expect(track.status).toBe(405);
    expect(JSON.parse(track.body)).toMatchObject({ error: { code: 'method_not_allowed' } });
    const oversized = await send('GET', '/', { 'x-big': 'x'.repeat(20_000) });
    expect(oversized.status).toBe(431);
    expect(JSON.parse(oversized.body)).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('answers CONNECT with a JSON 405 instead of dropping the connection', async () => {
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, method: 'CONNECT', path: 'example.com:443' });
      request.on('connect', (res, socket, head) => {
        let body = head.toString('utf8');
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (body += chunk));
        socket.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      request.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      request.on('error', reject);
      request.end();
    });
    expect(response.status).toBe(405);
    expect(response.body).toContain('method_not_allowed');
  });
});
