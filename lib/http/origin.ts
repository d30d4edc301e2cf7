import { HttpError } from './errors';

/**
 * Refuses cross-site browser requests to a management call (CSRF): a page on another site must not be able to
 * make an operator's browser clear the cache. Browsers send `Origin` on every cross-origin POST and
 * `Sec-Fetch-Site` on every request; curl and scripts send neither and pass.
 *
 * - `Origin` present → its host (name and port) must equal the host the request was addressed to; `Origin: null`
 *   (sandboxed frames, some redirects) is refused.
 * - `Sec-Fetch-Site: cross-site` → refused. `same-site` (a sibling subdomain) → refused unless `Origin` matched.
 * - The scheme is not compared: behind a TLS-terminating proxy the server sees http while the page is https.
 */
export function assertSameOrigin(request: Request, expectedHost: string): void {
  const origin = request.headers.get('origin');
  const fetchSite = request.headers.get('sec-fetch-site')?.trim().toLowerCase() ?? null;

  if (origin !== null) {
    const originHost = hostOf(origin);
    if (originHost === null || originHost !== normalizeHost(expectedHost)) {
      throw new HttpError('forbidden', 'Cross-origin request refused: the Origin header does not match this server');
    }
    // A matching Origin is authoritative even if an intermediary rewrote Sec-Fetch-Site.
    if (fetchSite !== 'cross-site') return;
  }
  if (fetchSite === 'cross-site' || (fetchSite === 'same-site' && origin === null)) {
    throw new HttpError('forbidden', 'Cross-site request refused: management calls must come from this origin');
  }
}

function hostOf(origin: string): string | null {
  if (origin === 'null') return null;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return normalizeHost(url.host);
  } catch {
    return null;
  }
}

/** Lower-case, default ports dropped, so `Host: localhost:80` equals `Origin: http://localhost`. */
function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/:(80|443)$/, '');
}
