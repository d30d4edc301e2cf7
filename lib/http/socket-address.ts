/**
 * The caller's socket address, for route handlers — which see a Fetch `Request`, not the socket.
 *
 * The front door (front-door-install.ts) copies `socket.remoteAddress` into a request header whose name carries a
 * random key made once per process, after deleting any copy the client sent. A client cannot guess the name, so a
 * header of that name can only have come from the front door. Without the front door (a route called in a unit
 * test, another server) there is no such header and the address is unknown.
 */
import { randomBytes } from 'node:crypto';

// On globalThis: Next.js may load this module more than once (server start and each route bundle) in one process.
const STAMP = Symbol.for('ai-prediction-cache.socket-stamp-header');

/** The header name the front door writes the socket address to (lower case, as Node keeps header names). */
export function socketStampHeader(): string {
  const holder = globalThis as { [STAMP]?: string };
  holder[STAMP] ??= `x-socket-address-${randomBytes(12).toString('hex')}`;
  return holder[STAMP];
}

/** The socket address the front door recorded for this request, or null when there is none. */
export function socketAddressOf(request: Request): string | null {
  const name = (globalThis as { [STAMP]?: string })[STAMP];
  if (name === undefined) return null;
  const value = request.headers.get(name);
  return value === null || value === '' ? null : value;
}

/** 127.0.0.0/8, ::1, and their IPv4-mapped IPv6 forms. */
export function isLoopbackAddress(address: string | null): boolean {
  if (address === null) return false;
  const bare = address.toLowerCase().replace(/^::ffff:/, '');
  return bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
