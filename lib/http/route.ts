import { appMetrics } from '@/lib/metrics/registry';
import { handleErrors } from './errors';
import { httpLogger } from './log';

/**
 * Wraps a route handler: maps errors to the API's JSON error shape, makes sure every answer carries
 * `Cache-Control: no-store`, and records `http_request_duration_seconds` under the route's *pattern*
 * (e.g. `/api/ai/models/[product]/retrain`) — never the concrete path, which would put product names in labels.
 */
export function apiRoute<Ctx = unknown>(
  pattern: string,
  handler: (request: Request, context: Ctx) => Promise<Response>,
): (request: Request, context: Ctx) => Promise<Response> {
  return async (request, context) => {
    const started = performance.now();
    const response = await handleErrors(
      () => handler(request, context),
      (error) => httpLogger().error({ route: pattern, method: request.method, err: describe(error) }, 'unexpected error in route'),
    );
    if (!response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'no-store');
    appMetrics()
      .httpRequestDuration.labels({ route: pattern, method: request.method, status: String(response.status) })
      .observe((performance.now() - started) / 1000);
    return response;
  };
}

/** An error's name and message only: a stack or a cause can carry connection strings with passwords. */
function describe(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: redactUrls(error.message) };
  return { name: typeof error, message: redactUrls(String(error)) };
}

/** `redis://user:secret@host` → `redis://user:***@host` */
function redactUrls(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
}
