'use client';

import Link from 'next/link';
import { useId, useState } from 'react';
import { useErrorText } from '../i18n/error-text';
import { useFormat, useMessages } from '../i18n/locale-context';
import { useDebounced } from '../use-debounced';
import { useProductPage } from '../use-api';

/** Products per page: a few screens of the grid, small enough to render at once at any catalogue size. */
export const PRODUCT_PAGE_SIZE = 60;
/** How long the search box waits for typing to pause before it asks the server. */
const SEARCH_DEBOUNCE_MS = 250;

/**
 * Products with their model version; each links to its forecast page. Searched and paged on the server (the API
 * sorts in pt-BR order and matches ignoring case and accents), so a catalogue of thousands costs one page at a time.
 */
export function ProductList() {
  const id = useId();
  const [filter, setFilter] = useState('');
  const query = useDebounced(filter.trim(), SEARCH_DEBOUNCE_MS);
  // The cursors of the pages before the current one: "previous" pops, "next" pushes the page's next_cursor.
  const [trail, setTrail] = useState<{ query: string; cursors: (string | null)[] }>({ query: '', cursors: [null] });
  const cursors = trail.query === query ? trail.cursors : [null];
  const cursor = cursors.at(-1) ?? null;
  const { data, error, isLoading } = useProductPage(query, cursor, PRODUCT_PAGE_SIZE);
  const t = useMessages().products;
  const format = useFormat();
  const errorText = useErrorText();
  const shown = data?.products ?? [];
  const first = (cursors.length - 1) * PRODUCT_PAGE_SIZE;

  return (
    <div className="space-y-2">
      <label htmlFor={`${id}-search`} className="sr-only">
        {t.search}
      </label>
      <input
        id={`${id}-search`}
        type="search"
        placeholder={t.search}
        className="field w-full sm:w-80"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {error ? <p className="text-sm text-red-700 dark:text-red-300">{t.unavailable(errorText(error))}</p> : null}
      {isLoading && !data ? <p className="text-sm text-slate-600 dark:text-slate-300">{t.loading}</p> : null}
      {data && shown.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">{data.total === 0 && query === '' ? t.emptyDatabase : t.noMatch}</p>
      ) : null}
      <ul className="grid grid-cols-1 gap-x-6 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4" data-testid="product-list">
        {shown.map((p) => (
          <li key={p.name} className="flex items-center justify-between gap-2 border-b border-slate-100 py-1.5 text-sm dark:border-slate-800">
            <Link
              href={`/products/${encodeURIComponent(p.name)}`}
              className="font-medium text-sky-800 underline-offset-2 hover:underline dark:text-sky-300"
            >
              {p.name}
            </Link>
            <span
              className="tabular shrink-0 text-xs text-slate-600 dark:text-slate-300"
              title={p.trained_at ? t.trainedAt(format.dateTime(p.trained_at)) : undefined}
            >
              {p.model_version === null ? t.notTrained : t.modelVersion(p.model_version)}
            </span>
          </li>
        ))}
      </ul>
      {data && data.total > shown.length ? (
        <nav className="flex flex-wrap items-center gap-3 text-sm" aria-label={t.pages}>
          <button
            type="button"
            className="btn-secondary"
            disabled={cursors.length <= 1}
            onClick={() => setTrail({ query, cursors: cursors.slice(0, -1) })}
          >
            {t.previous}
          </button>
          <span className="tabular text-slate-600 dark:text-slate-300" data-testid="product-range">
            {t.range(format.int(first + 1), format.int(first + shown.length), format.int(data.total))}
          </span>
          <button
            type="button"
            className="btn-secondary"
            disabled={!data.next_cursor}
            onClick={() => data.next_cursor && setTrail({ query, cursors: [...cursors, data.next_cursor] })}
          >
            {t.next}
          </button>
        </nav>
      ) : null}
    </div>
  );
}
