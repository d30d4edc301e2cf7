import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from './errors';

/**
 * `Authorization: Bearer <CACHE_ADMIN_TOKEN>` when a token is configured; no check when it is not (the default,
 * for a service reachable only from the operators' network).
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
