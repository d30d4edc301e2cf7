import { describe, expect, it } from 'vitest';
import { demoCatalogue } from '@/lib/forecasting/demo-catalogue';
import { HttpError } from '@/lib/http/errors';
import { compareNames } from '@/lib/text/names';
import { decodeCursor, encodeCursor, isDefaultPage, parseProductPageQuery, productPage, type ProductPageQuery } from './product-page';

const sorted = demoCatalogue(1_500)
  .map((p) => p.name)
  .sort(compareNames);
const self = (name: string) => name;
const query = (search: string) => parseProductPageQuery(new URLSearchParams(search));

/** Every page of a query, following next_cursor through its encoded form as a client would. */
function allPages(first: ProductPageQuery): string[][] {
  const pages: string[][] = [];
  let q = first;
  for (;;) {
    const page = productPage(sorted, q, self);
    pages.push(page.items);
    if (page.nextCursor === null) return pages;
    q = query(`limit=${first.limit}&q=${encodeURIComponent(first.q)}&cursor=${page.nextCursor}`);
  }
}

describe('product pages', () => {
  it('pages through everything in pt-BR order: no duplicate, none missing, a last page without a cursor', () => {
    const pages = allPages(query('limit=97'));
    expect(pages.flat()).toEqual(sorted);
    expect(pages.length).toBe(Math.ceil(sorted.length / 97));
    expect(pages.slice(0, -1).every((p) => p.length === 97)).toBe(true);
    const first = productPage(sorted, query('limit=97'), self);
    expect(first.total).toBe(sorted.length);
  });

  it('keeps its place when products appear before the cursor between two pages', () => {
    const first = productPage(sorted, query('limit=50'), self);
    const grown = [...sorted, 'Aaa Novo', 'Abacaxi 1'].sort(compareNames);
    const second = productPage(grown, query(`limit=50&cursor=${first.nextCursor}`), self);
    expect(second.items).toEqual(sorted.slice(50, 100));
  });

  it('searches ignoring accents and case: "pao" finds "Pão", "ECLAIR" finds "Éclair"', () => {
    const pao = allPages(query('limit=40&q=pao')).flat();
    expect(pao).toEqual(sorted.filter((n) => n.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').includes('pao')));
    expect(pao).toContain('Pão de Queijo 12');
    expect(pao.every((n) => /p[aã]o/i.test(n))).toBe(true);
    const page = productPage(sorted, query('limit=5&q=%20ECLAIR%20'), self);
    expect(page.items[0]).toMatch(/^Éclair/);
    expect(page.total).toBe(sorted.filter((n) => n.startsWith('Éclair')).length);
    expect(productPage(sorted, query('q=zzzz'), self)).toEqual({ items: [], total: 0, nextCursor: null });
  });

  it('reads defaults and knows the seed’s default page', () => {
    expect(query('')).toEqual({ limit: 100, after: null, q: '' });
    expect(isDefaultPage(query(''))).toBe(true);
    expect(isDefaultPage(query('q=bolo'))).toBe(false);
    expect(query('limit=1000').limit).toBe(1000);
  });

  it('round-trips cursors and refuses forged ones', () => {
    for (const name of ['Pão de Queijo 12', 'Éclair 3', 'a/b?c=d&e', '😀 Bolo']) expect(decodeCursor(encodeCursor(name))).toBe(name);
    expect(decodeCursor('')).toBeNull();
    expect(decodeCursor('not a cursor!')).toBeNull();
    expect(decodeCursor(Buffer.from('Bolo').toString('base64url'))).toBeNull(); // no version
    expect(decodeCursor(Buffer.from([0x6e, 0x31, 0x3a, 0xff, 0xfe]).toString('base64url'))).toBeNull(); // not UTF-8
  });

  it.each([
    ['limit=0', /limit/],
    ['limit=1001', /limit/],
    ['limit=-1', /limit/],
    ['limit=abc', /limit/],
    ['limit=1.5', /limit/],
    ['cursor=%25%25', /cursor/],
    [`cursor=${Buffer.from('n1:').toString('base64url')}`, /cursor/],
    [`q=${'a'.repeat(10_000)}`, /q must be/],
    [`q=${'á'.repeat(201)}`, /q must be/],
  ])('refuses %s with a 400 naming the parameter', (search, message) => {
    const run = () => query(search);
    expect(run).toThrow(HttpError);
    try {
      run();
    } catch (error) {
      expect((error as HttpError).code).toBe('bad_request');
      expect((error as HttpError).message).toMatch(message);
    }
  });
});
