import type { ApiError, ApiErrorCode } from '@/lib/api-types';

const STATUS: Record<ApiErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  misdirected_request: 421,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** The HTTP status of an API error code. */
export function statusOf(code: ApiErrorCode): number {
  return STATUS[code];
}

/**
 * The one error shape of the API: `{"error":{"code","message"}}` with the status that matches the code.
 * Messages are written for API users; never pass an exception's text or stack (it can carry secrets).
 */
export function errorResponse(code: ApiErrorCode, message: string, init?: { details?: unknown; headers?: HeadersInit }): Response {
  const body: ApiError = { error: { code, message, ...(init?.details === undefined ? {} : { details: init.details }) } };
  return Response.json(body, { status: STATUS[code], headers: { 'Cache-Control': 'no-store', ...init?.headers } });
}

/** Thrown inside route helpers to end a request with an API error; `toResponse` turns it into the JSON answer. */
export class HttpError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: HeadersInit,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toResponse(): Response {
    return errorResponse(this.code, this.message, { details: this.details, headers: this.headers });
  }
}

/**
 * Runs a route handler body and maps failures to the API's error shape: HttpError as it says,
 * anything else as a 500 without internals (the caller logs it).
 */
export async function handleErrors(fn: () => Promise<Response>, onUnexpected?: (error: unknown) => void): Promise<Response> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof HttpError) return error.toResponse();
    onUnexpected?.(error);
    return errorResponse('internal', 'Internal error');
  }
}
