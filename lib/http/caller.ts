import { socketAddressOf } from './socket-address';

/**
 * The caller's address, for logs only (access is decided in auth.ts).
 *
 * With no proxy (`trustProxyHops = 0`) it is the socket address the front door recorded (socket-address.ts).
 * Without the front door (route handlers called directly), route handlers do not see the socket; `next start` copies the socket address into `X-Forwarded-For` only when
 * the request has no such header (`??=`), so:
 * - `trustProxyHops = 0` (no proxy): the last entry is the socket address, unless the client sent its own header —
 *   then it is whatever the client claimed. Good enough to log, not to trust; the rate limiter ignores it.
 * - `trustProxyHops = N ≥ 1`: each trusted proxy appends the address it saw, so the N-th entry from the right is
 *   the address the outermost trusted proxy saw — the real client.
 */
export function callerAddress(request: Request, trustProxyHops: number): string {
  const socket = trustProxyHops === 0 ? socketAddressOf(request) : null;
  if (socket !== null) return sanitize(socket);
  const entry = trustedEntry(request.headers.get('x-forwarded-for'), trustProxyHops);
  return entry === null ? 'unknown' : sanitize(entry);
}

/**
 * The N-th entry from the right of a comma-separated forwarding header (the last one with N = 0): what the
 * outermost of N trusted proxies recorded. Entries to its left came from the client and are not believed.
 */
export function trustedEntry(header: string | null, trustProxyHops: number): string | null {
  if (header === null) return null;
  const entries = header
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) return null;
  return entries[Math.max(0, entries.length - Math.max(1, trustProxyHops))]!;
}

/** Header text goes into logs: keep it short and free of control characters. */
function sanitize(value: string): string {
  return value.replace(/[^\w.:[\]%-]/g, '?').slice(0, 64);
}

/**
 * The host the request was addressed to, as the browser saw it (for the Origin comparison). Behind N trusted
 * proxies: the N-th `X-Forwarded-Host` entry from the right, the same rule as the caller's address — the leftmost
 * entry is whatever the client sent, and a proxy that appends would keep it.
 */
export function requestHost(request: Request, trustProxyHops: number): string {
  if (trustProxyHops > 0) {
    const forwardedHost = trustedEntry(request.headers.get('x-forwarded-host'), trustProxyHops);
    if (forwardedHost) return forwardedHost;
  }
  return request.headers.get('host') ?? new URL(request.url).host;
}
