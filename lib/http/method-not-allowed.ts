import { errorResponse } from './errors';

/** The methods every API route answers. A method a route module doesn't export gets Next.js' own empty 405. */
export const API_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type ApiMethod = (typeof API_METHODS)[number];

type Handler = () => Promise<Response>;

/** For the methods a path doesn't serve: 405 in the API's error shape, with `Allow`. */
export function methodNotAllowed(allowed: readonly ApiMethod[]): Handler {
  const message = `Use ${allowed.join(' or ')} for this endpoint`;
  const allow = allowed.join(', ');
  return async () => errorResponse('method_not_allowed', message, { headers: { Allow: allow } });
}

/**
 * The 405 handlers for every API method a route doesn't serve, to export next to the ones it does:
 * `export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);`. Naming a served method there is a type error.
 */
export function otherMethods<const Allowed extends readonly ApiMethod[]>(allowed: Allowed): Record<Exclude<ApiMethod, Allowed[number]>, Handler> {
  const handler = methodNotAllowed(allowed);
  const handlers: Partial<Record<ApiMethod, Handler>> = {};
  for (const method of API_METHODS) if (!allowed.includes(method)) handlers[method] = handler;
  return handlers as Record<Exclude<ApiMethod, Allowed[number]>, Handler>;
}
