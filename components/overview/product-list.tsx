'use client';

import Link from 'next/link';
import { useId, useMemo, useState } from 'react';
import { formatDate } from '../format';
import { useProducts } from '../use-api';
import { filterByName } from './filter-by-name';

/** Products with their model version; each links to its forecast page. */
export function ProductList() {
  const id = useId();
  const { data, error, isLoading } = useProducts();
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => filterByName(data?.products ?? [], filter, (p) => p.name), [data, filter]);

  return (
    <div className="space-y-2">
      <label htmlFor={`${id}-search`} className="sr-only">
        Search products
      </label>
      <input
        id={`${id}-search`}
        type="search"
        placeholder="Search products"
        className="field w-full sm:w-80"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {error ? <p className="text-sm text-red-700 dark:text-red-300">Products unavailable: {error.message}</p> : null}
      {isLoading && !data ? <p className="text-sm text-slate-600 dark:text-slate-300">Loading products…</p> : null}
      {data && shown.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">{data.count === 0 ? 'No products in the database yet.' : 'No product matches.'}</p>
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
              title={p.trained_at ? `trained ${formatDate(p.trained_at)}` : undefined}
            >
              {p.model_version === null ? 'not trained' : `model v${p.model_version}`}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
