/**
 * Puts front-door.ts in front of the HTTP server that `next start` (or a custom server) creates, without owning
 * that server: Node publishes every request on the `http.server.request.start` diagnostics channel just before
 * emitting `request`; on the first one we wrap that server's `emit`, so from then on each request is checked
 * before Next.js parses it. A refused request is answered here with the API's JSON error and never reaches Next.js.
 * Passing requests get the socket address stamp (socket-address.ts).
 *
 * `CONNECT` is not a `request` event in Node: without a `connect` listener the socket is simply destroyed. A
 * listener answers it with the same JSON 405 instead. Methods Node's parser does not know (`TRACK`) and request
 * heads over its size limit never become requests either: Node answers them with an empty 400/431. A
 * `clientError` listener gives them the API's JSON error (405 with `Allow` for an unknown method).
 */
import { subscribe } from 'node:diagnostics_channel';
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiError } from '@/lib/api-types';
import type { AllowedHosts } from '@/lib/config/allowed-hosts';
import { trustedEntry } from './caller';
import { frontDoorVerdict, type Refusal } from './front-door';
import { SECURITY_HEADERS } from './security-headers';
import { socketStampHeader } from './socket-address';

export interface FrontDoorOptions {
  allowedHosts: AllowedHosts;
  /** TRUST_PROXY_HOPS: behind N proxies, the host checked is the N-th X-Forwarded-Host entry from the right. */
  trustProxyHops: number;
}

const INSTALLED = Symbol.for('ai-prediction-cache.front-door');

/** Guards every HTTP server of this process from its first request on. Idempotent. */
export function installFrontDoor(options: FrontDoorOptions): void {
  const holder = globalThis as { [INSTALLED]?: boolean };
  if (holder[INSTALLED]) return;
  holder[INSTALLED] = true;
  const guarded = new WeakSet<Server>();
  subscribe('http.server.request.start', (message) => {
    const { server } = message as { server: Server };
    if (guarded.has(server)) return;
    guarded.add(server);
    guardServer(server, options);
  });
}

/** Wraps `server`'s request dispatch with the front door (exported for tests with a plain http server). */
export function guardServer(server: Server, options: FrontDoorOptions): void {
  const stampHeader = socketStampHeader();
  const emit = server.emit;
  server.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const [request, response] = args as [IncomingMessage, ServerResponse];
      delete request.headers[stampHeader];
      const refusal = frontDoorVerdict(
        { method: request.method ?? 'GET', target: request.url ?? '/', host: hostOf(request, options.trustProxyHops) },
        options.allowedHosts,
      );
      if (refusal !== null) {
        answer(request, response, refusal);
        return true;
      }
      request.headers[stampHeader] = request.socket.remoteAddress ?? '';
    }
    return (emit as (this: Server, event: string | symbol, ...rest: unknown[]) => boolean).call(this, event, ...args);
  } as Server['emit'];
  if (server.listenerCount('connect') === 0) server.on('connect', refuseConnect);
  if (server.listenerCount('clientError') === 0) server.on('clientError', answerClientError);
}

function hostOf(request: IncomingMessage, trustProxyHops: number): string | null {
  if (trustProxyHops > 0) {
    const forwarded = request.headers['x-forwarded-host'];
    const entry = trustedEntry(Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? null), trustProxyHops);
    if (entry) return entry;
  }
  return request.headers.host ?? null;
}

function body(refusal: Refusal): string {
  const error: ApiError = { error: { code: refusal.code, message: refusal.message } };
  return JSON.stringify(error);
}

function answer(request: IncomingMessage, response: ServerResponse, refusal: Refusal): void {
  const text = body(refusal);
  response.writeHead(refusal.status, {
    ...SECURITY_HEADERS,
    ...refusal.headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : text);
  // A refused request's body, if any, is read and dropped so the connection stays usable.
  request.resume();
}

function refuseConnect(request: IncomingMessage, socket: Duplex): void {
  const refusal = frontDoorVerdict({ method: 'CONNECT', target: request.url ?? '', host: null }, null)!;
  socket.on('error', () => socket.destroy());
  socket.end(rawAnswer(refusal));
}

const METHOD_REFUSAL = frontDoorVerdict({ method: 'TRACE', target: '/', host: null }, null)!;

/** Node's own choices (400, 431 for an oversized head, 408 on timeout), in the API's error shape. */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  let refusal: Refusal;
  if (error.code === 'HPE_INVALID_METHOD') refusal = { ...METHOD_REFUSAL, message: 'This method is not allowed' };
  else if (error.code === 'HPE_HEADER_OVERFLOW') refusal = { status: 431, code: 'bad_request', message: 'The request head is too large' };
  else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') refusal = { status: 408, code: 'bad_request', message: 'The request took too long to arrive' };
  else refusal = { status: 400, code: 'bad_request', message: 'The request is not valid HTTP' };
  socket.end(rawAnswer(refusal));
}

/** A whole HTTP/1.1 answer as text, for sockets that have no ServerResponse; the connection is closed after it. */
function rawAnswer(refusal: Refusal): string {
  const text = body(refusal);
  const headers = {
    ...SECURITY_HEADERS,
    ...refusal.headers,
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    Connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\n${head}\r\n${text}`;
}
