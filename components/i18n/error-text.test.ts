import { describe, expect, it } from 'vitest';
import { messagesFor } from '@/lib/i18n/messages';
import { ApiRequestError } from '../api-client';
import { formatFor } from '../format';
import { errorText } from './error-text';

describe('failure texts of the dashboard', () => {
  const pt = (error: unknown) => errorText(error, messagesFor('pt-BR').errors, formatFor('pt-BR'));
  const en = (error: unknown) => errorText(error, messagesFor('en').errors, formatFor('en'));

  it('words failures the browser detected in the page language', () => {
    const timeout = new ApiRequestError(0, 'timeout', 'No answer from the server within 10 s', { timeoutMs: 10_000 });
    expect(pt(timeout)).toBe('O servidor não respondeu em 10 s');
    expect(en(timeout)).toBe('No answer from the server within 10 sec');
    expect(pt(new ApiRequestError(0, 'network', 'Cannot reach the server'))).toBe('Não foi possível contatar o servidor');
    expect(pt(new ApiRequestError(502, 'http_502', 'The server answered 502 Bad Gateway'))).toBe('O servidor respondeu 502');
    expect(pt(new ApiRequestError(401, 'token_rejected', 'The admin token was rejected; nothing was done.'))).toBe(
      'O token de administração foi recusado; nada foi feito.',
    );
  });

  it("keeps the API's own message, which names what was wrong", () => {
    const fromApi = new ApiRequestError(404, 'not_found', 'Unknown product: Broa');
    expect(pt(fromApi)).toBe('Unknown product: Broa');
    expect(en(fromApi)).toBe('Unknown product: Broa');
  });
});
