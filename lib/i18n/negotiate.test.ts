import { describe, expect, it } from 'vitest';
import { negotiateLocale, parseAcceptLanguage } from './negotiate';

describe('dashboard language negotiation', () => {
  it.each([
    ['pt-BR,pt;q=0.9,en;q=0.8', 'pt-BR'],
    ['pt', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
    ['PT-br', 'pt-BR'],
    ['en-US,en;q=0.9', 'en'],
    ['en-GB', 'en'],
    ['fr-FR,fr;q=0.9', 'en'],
    ['de;q=0.9,pt-BR;q=0.5', 'pt-BR'],
    ['en;q=0.4,pt;q=0.8', 'pt-BR'],
    ['pt;q=0,en', 'en'],
    ['*', 'pt-BR'],
    ['', 'pt-BR'],
    ['!!garbage;;', 'pt-BR'],
  ] as const)('Accept-Language %j → %s', (header, expected) => {
    expect(negotiateLocale({ acceptLanguage: header })).toBe(expected);
  });

  it('defaults to pt-BR when the browser says nothing', () => {
    expect(negotiateLocale({})).toBe('pt-BR');
    expect(negotiateLocale({ cookie: null, acceptLanguage: null })).toBe('pt-BR');
  });

  it('lets the switch cookie win over the header, and ignores a cookie that names no known language', () => {
    expect(negotiateLocale({ cookie: 'en', acceptLanguage: 'pt-BR' })).toBe('en');
    expect(negotiateLocale({ cookie: 'pt-BR', acceptLanguage: 'en-US' })).toBe('pt-BR');
    expect(negotiateLocale({ cookie: 'xx', acceptLanguage: 'en-US' })).toBe('en');
    expect(negotiateLocale({ cookie: 'EN', acceptLanguage: 'pt' })).toBe('pt-BR');
  });

  it('orders ranges by weight, keeping header order on ties', () => {
    expect(parseAcceptLanguage('a;q=0.5, b, c;q=0.5, d;q=1.0').map((r) => r.tag)).toEqual(['b', 'd', 'a', 'c']);
  });
});
