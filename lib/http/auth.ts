import { createHash, timingSafeEqual } from 'node:crypto';
import type { AdminConfig } from '@/lib/config/env';
import { trustedEntry } from './caller';
import { HttpError } from './errors';
import { isLoopbackAddress, socketAddressOf } from './socket-address';

/**
 * Who may make a management call:
 * - with `CACHE_ADMIN_TOKEN` set: whoever sends it (`assertAdmin`);
 * - without a token: only callers on this host (socket address loopback — or, behind `TRUST_PROXY_HOPS` proxies,
 *   the address the outermost trusted proxy saw), so the runbook's `curl -X POST http://localhost:5001/…` works
 *   on the host and nobody else on the network can clear the cache; `CACHE_ADMIN_OPEN=true` lifts that, explicitly.
 */
export function assertAdminCaller(request: Request, config: Pick<AdminConfig, 'adminToken' | 'adminOpen' | 'trustProxyHops'>): void {
  if (config.adminToken !== null) return assertAdmin(request, config.adminToken);
  if (config.adminOpen) return;
  if (isLoopbackAddress(adminCallerAddress(request, config.trustProxyHops))) return;
  throw new HttpError(
    'forbidden',
    'Management calls from other hosts need a token: set CACHE_ADMIN_TOKEN on the server and send Authorization: Bearer <token> (or set CACHE_ADMIN_OPEN=true to take them from anyone)',
  );
}

/** The address access is decided on: the socket's with no proxy, else the outermost trusted proxy's record. */
function adminCallerAddress(request: Request, trustProxyHops: number): string | null {
  if (trustProxyHops === 0) return socketAddressOf(request);
  return trustedEntry(request.headers.get('x-forwarded-for'), trustProxyHops);
}

/**
 * `Authorization: Bearer <CACHE_ADMIN_TOKEN>` when a token is configured; no check when it is not.
 *
 * - 401 `unauthorized` when the header is missing or not a Bearer credential (with `WWW-Authenticate: Bearer`),
 * - 403 `forbidden` when a Bearer token is present but wrong.
 *
 * Both sides are hashed to fixed-length digests before `timingSafeEqual`, so the comparison takes the same time
 * whatever the length or content of the guess. The token never appears in a response or a log.
 */
export function assertAdmin(request: Request, adminToken: string | null): void {
  if (adminToken === null) return;
  const header = request.headers.get('authorization');
  const match = header === null ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (match === null) {
    throw new HttpError('unauthorized', 'This call requires an admin token: send Authorization: Bearer <CACHE_ADMIN_TOKEN>', undefined, {
      'WWW-Authenticate': 'Bearer realm="cache-admin"',
    });
  }
  if (!tokensEqual(match[1], adminToken)) {
    throw new HttpError('forbidden', 'The admin token is not valid');
  }
}

function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
