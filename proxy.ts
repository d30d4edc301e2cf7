import { errorResponse } from '@/lib/http/errors';

/**
 * A path with malformed percent-encoding (`/api/ai/models/%ZZ`, a truncated UTF-8 sequence) makes Next.js' own
 * router fail to decode the dynamic segment; its fallback error page then fails too and the client gets a
 * plain-text 500. Such a request is answered here, before routing, with the API's JSON 400.
 * Only paths containing `%` reach this function (see `config.matcher`): the hot paths pay nothing.
 */
export function proxy(request: Request): Response | undefined {
  const rawPath = new URL(request.url).pathname;
  if (isDecodable(rawPath)) return undefined; // continue to the route
  return errorResponse('bad_request', 'The URL path is not valid percent-encoding');
}

function isDecodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

export const config = {
  matcher: ['/(.*%.*)'],
};
