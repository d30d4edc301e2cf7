/**
 * What the HTTP server refuses before Next.js sees a request (front-door-install.ts wires it in).
 *
 * Next.js parses the whole query string into objects before any of our code runs (proxy.ts included), and that
 * parse grows faster than linearly with the number of parameters: a 14 kB query of 7,000 keys held the event loop
 * for most of a second, so four of them in parallel stalled every other request. Refusing on the raw request line
 * costs a length check and a character count. Host names are checked here too, for pages and API alike (DNS
 * rebinding: a hostile site whose name resolves to this server must not be served as if it were this server).
 *
 * Pure: no Node objects, so every rule is unit-tested on plain strings.
 */
import type { ApiErrorCode } from '@/lib/api-types';
import { hostAllowed, type AllowedHosts } from '@/lib/config/allowed-hosts';

/** The documented bounds of a request line (README, "Bounded requests"). */
export const REQUEST_LIMITS = {
  /** Path and query together, in bytes. */
  maxTargetBytes: 8192,
  /** The query string alone (after `?`), in bytes. */
  maxQueryBytes: 4096,
  /** `&`-separated parameters in the query string. */
  maxQueryParams: 64,
} as const;

/** Methods no route answers and Next.js would turn into a 500 with a stack trace in the log. */
const REFUSED_METHODS = new Set(['TRACE', 'TRACK', 'CONNECT']);

export interface FrontDoorRequest {
  method: string;
  /** The request target as sent (`/api/ai/predict?product=…`). */
  target: string;
  /** The host the request was addressed to (Host, or the trusted X-Forwarded-Host behind proxies). */
  host: string | null;
}

export interface Refusal {
  status: number;
  code: ApiErrorCode;
  message: string;
  headers?: Record<string, string>;
}

/** The refusal for `request`, or null when it may go on to Next.js. */
export function frontDoorVerdict(request: FrontDoorRequest, allowedHosts: AllowedHosts): Refusal | null {
  if (REFUSED_METHODS.has(request.method.toUpperCase())) {
    return {
      status: 405,
      code: 'method_not_allowed',
      message: `Method ${request.method.toUpperCase()} is not allowed`,
      headers: { Allow: 'GET, HEAD, POST, DELETE, OPTIONS' },
    };
  }
  if (!hostAllowed(request.host, allowedHosts)) {
    return {
      status: 421,
      code: 'misdirected_request',
      message: 'This server does not answer for that host name; add it to ALLOWED_HOSTS if it is really this server',
    };
  }
  const target = request.target;
  if (Buffer.byteLength(target, 'utf8') > REQUEST_LIMITS.maxTargetBytes) {
    return { status: 414, code: 'uri_too_long', message: `The request target is longer than ${REQUEST_LIMITS.maxTargetBytes} bytes` };
  }
  const queryStart = target.indexOf('?');
  if (queryStart === -1) return null;
  const query = target.slice(queryStart + 1);
  if (Buffer.byteLength(query, 'utf8') > REQUEST_LIMITS.maxQueryBytes) {
    return { status: 414, code: 'uri_too_long', message: `The query string is longer than ${REQUEST_LIMITS.maxQueryBytes} bytes` };
  }
  if (countParams(query) > REQUEST_LIMITS.maxQueryParams) {
    return { status: 400, code: 'bad_request', message: `The query string has more than ${REQUEST_LIMITS.maxQueryParams} parameters` };
  }
  return null;
}

/** Non-empty `&`-separated parts, as URLSearchParams counts them (`a&&b` is two). */
function countParams(query: string): number {
  let count = 0;
  let partStart = 0;
  for (let i = 0; i <= query.length; i++) {
    if (i === query.length || query.charCodeAt(i) === 38 /* & */) {
      if (i > partStart) count++;
      partStart = i + 1;
    }
  }
  return count;
}
