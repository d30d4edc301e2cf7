import { z } from 'zod';
import { HttpError } from '@/lib/http/errors';
import { compareNames, foldForSearch } from '@/lib/text/names';

/**
 * One page of the product list (`GET /api/ai/products?limit=&cursor=&q=`), cut from the cached list, which is
 * already sorted by `compareNames` (pt-BR collation, a total order on distinct names). A page is "the first `limit`
 * names after the cursor's name that match `q`": the cursor is a position in that order, not an offset, so paging
 * while products are added or retrained neither repeats nor skips a product that was there all along.
 */

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;
/** A search text longer than any product name (200 characters) cannot match one: refused rather than scanned. */
export const MAX_QUERY_LENGTH = 200;
/** Cursors carry a version so their form can change without old ones being read wrongly. */
const CURSOR_VERSION = 'n1:';

export interface ProductPageQuery {
  limit: number;
  /** The name the page starts after; null = from the start. */
  after: string | null;
  /** The search text as given (trimmed); '' = every product. */
  q: string;
}

export interface ProductPage<T> {
  items: T[];
  /** Products matching `q`, over the whole list. */
  total: number;
  /** The cursor of the next page; null on the last one. */
  nextCursor: string | null;
}

/** The opaque cursor of the page after `name`: base64url of a versioned name. */
export function encodeCursor(name: string): string {
  return Buffer.from(CURSOR_VERSION + name, 'utf8').toString('base64url');
}

/** The name a cursor starts after; null when the text is no cursor this service wrote. */
export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // A round trip that does not give the same text back means bytes that were not valid UTF-8 (a forged cursor).
  if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) return null;
  return text.startsWith(CURSOR_VERSION) && text.length > CURSOR_VERSION.length ? text.slice(CURSOR_VERSION.length) : null;
}

const querySchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,6}$/, `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`)
        .max(MAX_PAGE_LIMIT, `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`),
    )
    .optional(),
  cursor: z.string().optional(),
  q: z
    .string()
    .max(MAX_QUERY_LENGTH * 4, `q must be at most ${MAX_QUERY_LENGTH} characters`)
    .optional(),
});

/** The page parameters of a request's query string; a bad one is a 400 naming it. */
export function parseProductPageQuery(params: URLSearchParams): ProductPageQuery {
  const parsed = querySchema.safeParse({
    limit: params.get('limit') ?? undefined,
    cursor: params.get('cursor') ?? undefined,
    q: params.get('q') ?? undefined,
  });
  if (!parsed.success) throw new HttpError('bad_request', parsed.error.issues[0]!.message);
  const q = (parsed.data.q ?? '').trim().normalize('NFC');
  if ([...q].length > MAX_QUERY_LENGTH) throw new HttpError('bad_request', `q must be at most ${MAX_QUERY_LENGTH} characters`);
  let after: string | null = null;
  if (parsed.data.cursor !== undefined) {
    after = decodeCursor(parsed.data.cursor);
    if (after === null) throw new HttpError('bad_request', 'cursor is not one this service returned (use next_cursor as given)');
  }
  return { limit: parsed.data.limit ?? DEFAULT_PAGE_LIMIT, after, q };
}

/** True when the query asks for the first page of everything at the default size: the seed's plain product list. */
export function isDefaultPage(query: ProductPageQuery): boolean {
  return query.after === null && query.q === '' && query.limit === DEFAULT_PAGE_LIMIT;
}

/**
 * Folded names of a list, computed once per list: the cached list is one frozen array for as long as it lives in
 * L1, so a search costs a substring test per product, not a Unicode normalisation per product.
 */
const foldedNames = new WeakMap<readonly unknown[], string[]>();

function folded<T>(sorted: readonly T[], name: (item: T) => string): string[] {
  let names = foldedNames.get(sorted);
  if (!names) {
    names = sorted.map((item) => foldForSearch(name(item)));
    foldedNames.set(sorted, names);
  }
  return names;
}

/** First index whose name sorts after `after` (binary search: the list is sorted by compareNames). */
function firstAfter<T>(sorted: readonly T[], name: (item: T) => string, after: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNames(name(sorted[mid]!), after) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The page of `sorted` (ordered by compareNames on `name`) that `query` asks for. */
export function productPage<T>(sorted: readonly T[], query: ProductPageQuery, name: (item: T) => string): ProductPage<T> {
  const start = query.after === null ? 0 : firstAfter(sorted, name, query.after);
  const needle = foldForSearch(query.q);
  const items: T[] = [];
  let total: number;
  if (needle === '') {
    total = sorted.length;
    items.push(...sorted.slice(start, start + query.limit));
    const more = start + items.length < sorted.length;
    return { items, total, nextCursor: more && items.length ? encodeCursor(name(items.at(-1)!)) : null };
  }
  const names = folded(sorted, name);
  total = 0;
  let more = false;
  for (let i = 0; i < names.length; i++) {
    if (!names[i]!.includes(needle)) continue;
    total++;
    if (i < start) continue;
    if (items.length < query.limit) items.push(sorted[i]!);
    else more = true;
  }
  return { items, total, nextCursor: more ? encodeCursor(name(items.at(-1)!)) : null };
}
