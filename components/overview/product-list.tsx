'use client';

import Link from 'next/link';
import { useId, useMemo, useState } from 'react';
import { compareNames } from '@/lib/text/names';
import { useErrorText } from '../i18n/error-text';
import { useFormat, useMessages } from '../i18n/locale-context';
import { useProducts } from '../use-api';
import { filterByName } from './filter-by-name';

/** Products with their model version; each links to its forecast page. */
export function ProductList() {
  const id = useId();
  const { data, error, isLoading } = useProducts();
  const [filter, setFilter] = useState('');
  const t = useMessages().products;
  const format = useFormat();
  const errorText = useErrorText();
  // The API lists names in byte order; operators read them in pt-BR alphabetical order (Á with A, 2 before 10).
  const sorted = useMemo(() => [...(data?.products ?? [])].sort((a, b) => compareNames(a.name, b.name)), [data]);
  const shown = useMemo(() => filterByName(sorted, filter, (p) => p.name), [sorted, filter]);

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
        <p className="text-sm text-slate-600 dark:text-slate-300">{data.count === 0 ? t.emptyDatabase : t.noMatch}</p>
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
    </div>
  );
}
