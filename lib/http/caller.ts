/**
 * The caller's address, for logs only — never for access control.
 *
 * Route handlers do not see the socket. `next start` copies the socket address into `X-Forwarded-For` only when
 * the request has no such header (`??=`), so:
 * - `trustProxyHops = 0` (no proxy): the last entry is the socket address, unless the client sent its own header —
 *   then it is whatever the client claimed. Good enough to log, not to trust; the rate limiter ignores it.
 * - `trustProxyHops = N ≥ 1`: each trusted proxy appends the address it saw, so the N-th entry from the right is
 *   the address the outermost trusted proxy saw — the real client.
 */
export function callerAddress(request: Request, trustProxyHops: number): string {
  const forwarded = request.headers.get('x-forwarded-for');
  if (forwarded === null) return 'unknown';
  const entries = forwarded
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) return 'unknown';
  const index = Math.max(0, entries.length - Math.max(1, trustProxyHops));
  return sanitize(entries[index]);
}

/** Header text goes into logs: keep it short and free of control characters. */
function sanitize(value: string): string {
  return value.replace(/[^\w.:[\]%-]/g, '?').slice(0, 64);
}

/** The host the request was addressed to, as the browser saw it (for the Origin comparison). */
export function requestHost(request: Request, trustProxyHops: number): string {
  if (trustProxyHops > 0) {
    const forwardedHost = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim();
    if (forwardedHost) return forwardedHost;
  }
  return request.headers.get('host') ?? new URL(request.url).host;
}
