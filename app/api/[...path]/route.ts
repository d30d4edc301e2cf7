import { errorResponse } from '@/lib/http/errors';

/**
 * Any path under /api that no route serves: the API's JSON 404 rather than the HTML error page
 * (this also catches names like `..` that the router resolves to another path).
 */
function notFound(): Response {
  return errorResponse('not_found', 'No such API endpoint; see the README for the list');
}

export const dynamic = 'force-dynamic';
export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
