/**
 * Browser-side access to the service's HTTP API: JSON GETs with a deadline (a hung server becomes a visible
 * error, not a spinner forever), and admin POSTs that carry the operator's token when the server asks for one.
 */
import type { ApiError } from '@/lib/api-types';

/**
 * An HTTP or network failure, with the API's error code and message when the server sent one. Failures the browser
 * itself detects carry codes of their own (`timeout`, `network`, `http_<status>`, `token_missing`,
 * `token_rejected`): the dashboard shows its translated text for those (components/i18n/error-text.ts).
 */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

const GET_TIMEOUT_MS = 10_000;
/** Retraining and warm-up kick-off may take a while; still bounded. */
const POST_TIMEOUT_MS = 120_000;

function isApiError(body: unknown): body is ApiError {
  return (
    typeof body === 'object' &&
    body !== null &&
    'error' in body &&
    typeof (body as ApiError).error === 'object' &&
    typeof (body as ApiError).error?.message === 'string'
  );
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toError(res: Response, body: unknown): ApiRequestError {
  if (isApiError(body)) return new ApiRequestError(res.status, body.error.code, body.error.message, body);
  return new ApiRequestError(res.status, 'http_' + res.status, `The server answered ${res.status} ${res.statusText}`.trim(), body);
}

/** fetch with a deadline; network failures and timeouts become ApiRequestError with status 0. */
async function request(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' });
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new ApiRequestError(
      0,
      timedOut ? 'timeout' : 'network',
      timedOut ? `No answer from the server within ${timeoutMs / 1000} s` : 'Cannot reach the server',
      timedOut ? { timeoutMs } : undefined,
    );
  }
}

export interface JsonWithHeaders<T> {
  body: T;
  headers: Headers;
  /** Round trip measured in the browser, milliseconds. */
  elapsedMs: number;
}

export async function getJsonWithHeaders<T>(url: string): Promise<JsonWithHeaders<T>> {
  const started = performance.now();
  const res = await request(url, { headers: { Accept: 'application/json' } }, GET_TIMEOUT_MS);
  const body = await readBody(res);
  if (!res.ok) throw toError(res, body);
  return { body: body as T, headers: res.headers, elapsedMs: performance.now() - started };
}

/** The SWR fetcher: the parsed JSON body, or an ApiRequestError. */
export async function getJson<T>(url: string): Promise<T> {
  return (await getJsonWithHeaders<T>(url)).body;
}

// ---- admin token (kept for this browser tab's session only) ----

const TOKEN_KEY = 'ai-cache-admin-token';

function readAdminToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function saveAdminToken(token: string): void {
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // storage disabled: the token lives for this page only
  }
}

function forgetAdminToken(): void {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing stored
  }
}

/** Asks the operator for the admin token; resolves null when they cancel. */
export type AskToken = (reason: 'required' | 'rejected') => Promise<string | null>;

/**
 * POSTs JSON to an admin endpoint. Sends the stored token if any; when refused (401, or 403 for a wrong token)
 * asks the operator once, retries with the
 * new token and keeps it for the session only when the server accepts it.
 */
export async function adminPost<T>(url: string, body: unknown, askToken: AskToken): Promise<T> {
  let token = readAdminToken();
  let asked = false;
  for (;;) {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await request(url, { method: 'POST', headers, body: JSON.stringify(body ?? {}) }, POST_TIMEOUT_MS);
    const parsed = await readBody(res);
    // 401: no token sent; 403 after sending one: the token is wrong (the API's origin check also answers 403,
    // but the dashboard's own same-origin requests never meet it, so a 403 here means the token).
    const authFailed = res.status === 401 || (res.status === 403 && token !== null);
    if (authFailed && !asked) {
      const hadToken = token !== null;
      forgetAdminToken();
      asked = true;
      token = await askToken(hadToken ? 'rejected' : 'required');
      if (token === null) throw new ApiRequestError(401, 'token_missing', 'This action needs the admin token; nothing was done.');
      continue;
    }
    if (authFailed) {
      forgetAdminToken();
      throw new ApiRequestError(401, 'token_rejected', 'The admin token was rejected; nothing was done.', parsed);
    }
    if (!res.ok) throw toError(res, parsed);
    if (token) saveAdminToken(token);
    return parsed as T;
  }
}
