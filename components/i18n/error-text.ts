'use client';

import type { Messages } from '@/lib/i18n/messages';
import { ApiRequestError } from '../api-client';
import type { Format } from '../format';
import { useFormat, useMessages } from './locale-context';

function timeoutOf(body: unknown): number | null {
  if (typeof body !== 'object' || body === null || !('timeoutMs' in body)) return null;
  const { timeoutMs } = body as { timeoutMs: unknown };
  return typeof timeoutMs === 'number' ? timeoutMs : null;
}

/**
 * A failure as the operator reads it. Failures the browser detected (no answer, no connection, a refused admin
 * token, a status without a JSON body) are said in the page's language; an API error keeps the server's own
 * message, which names the product or parameter at fault and is English by design.
 */
export function errorText(error: unknown, t: Messages['errors'], format: Format): string {
  if (!(error instanceof ApiRequestError)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case 'timeout':
      return t.timeout(format.seconds(timeoutOf(error.body)));
    case 'network':
      return t.network;
    case 'token_missing':
      return t.tokenMissing;
    case 'token_rejected':
      return t.tokenRejected;
    default:
      return error.code === `http_${error.status}` ? t.httpStatus(error.status) : error.message;
  }
}

/** `errorText` bound to the page's language. */
export function useErrorText(): (error: unknown) => string {
  const t = useMessages().errors;
  const format = useFormat();
  return (error) => errorText(error, t, format);
}
