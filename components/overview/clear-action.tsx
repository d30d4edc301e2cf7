'use client';

import { useId, useMemo, useState } from 'react';
import { useSWRConfig } from 'swr';
import type { CacheInfo, ClearResult } from '@/lib/api-types';
import { useAdminPost } from '../admin-token';
import { ConfirmedAction } from '../confirmed-action';
import { formatClock, formatInt } from '../format';
import { INFO_URL, useCacheInfo, useProducts } from '../use-api';
import { filterByName } from './filter-by-name';

type Kind = 'all' | 'models' | 'predictions' | 'products' | 'product';

const KINDS: { value: Kind; label: string }[] = [
  { value: 'all', label: 'Everything' },
  { value: 'models', label: 'All models' },
  { value: 'predictions', label: 'All predictions' },
  { value: 'products', label: 'Product list' },
  { value: 'product', label: 'One product' },
];

/** What the confirmation says will go, with the live key counts where the server gives them. */
function describeClear(kind: Kind, product: string, info: CacheInfo | undefined): string {
  const n = (count: number | undefined) => (count === undefined ? '' : ` (${formatInt(count)} key${count === 1 ? '' : 's'} now)`);
  switch (kind) {
    case 'all':
      return `every cached value: models, predictions, the product list and other results${n(info?.total_keys)}`;
    case 'models':
      return `all cached models${n(info?.cache_breakdown.models)}; they are reloaded from the database on next use`;
    case 'predictions':
      return `all cached predictions${n(info?.cache_breakdown.predictions)}; they are recomputed on next request`;
    case 'products':
      return `the cached product list${n(info?.cache_breakdown.products)}`;
    case 'product':
      return `the cached model and every cached prediction of “${product}”`;
  }
}

/** What one clear removed, and how the dashboard names its target. */
type Cleared = { result: ClearResult; what: string };

/** Clear a part of the cache, behind a confirmation that says exactly what goes. */
export function ClearAction() {
  const id = useId();
  const post = useAdminPost();
  const { mutate } = useSWRConfig();
  const { data: info } = useCacheInfo();
  const products = useProducts();
  const [kind, setKind] = useState<Kind>('all');
  const [filter, setFilter] = useState('');
  const [product, setProduct] = useState('');

  const names = useMemo(() => products.data?.products.map((p) => p.name) ?? [], [products.data]);
  const filtered = useMemo(() => filterByName(names, filter, (n) => n), [names, filter]);

  const ready = kind !== 'product' || product !== '';
  const what = describeClear(kind, product, info);

  const clear = async (): Promise<Cleared> => {
    const target = kind === 'product' ? product : kind;
    const result = await post<ClearResult>('/api/ai/cache/clear', { target });
    return { result, what: kind === 'product' ? `“${product}”` : (KINDS.find((k) => k.value === kind)?.label.toLowerCase() ?? kind) };
  };

  return (
    <ConfirmedAction
      tone="danger"
      label="Clear…"
      pendingLabel="Clearing…"
      disabled={!ready}
      confirm={{
        title: 'Clear the cache?',
        description: `This removes ${what}, on every instance. The next requests will be slower until the cache refills.`,
        label: 'Yes, clear',
      }}
      perform={clear}
      onSettled={() => void mutate(INFO_URL)}
      success={{
        title: 'Cache cleared',
        testId: 'clear-result',
        render: (cleared) => (
          <p>
            Removed{' '}
            <span className="tabular font-semibold" data-testid="clear-removed">
              {formatInt(cleared.result.removed)}
            </span>{' '}
            key
            {cleared.result.removed === 1 ? '' : 's'} ({cleared.what}) at {formatClock(cleared.result.timestamp)}.
          </p>
        ),
      }}
      failure={{ title: 'Clear failed', testId: 'clear-error' }}
    >
      {({ button, outcome }) => (
        <div className="space-y-3">
          <div className="flex flex-wrap items-end gap-3">
            <div>
              <label htmlFor={`${id}-target`} className="block text-xs font-medium text-slate-600 dark:text-slate-300">
                What to clear
              </label>
              <select id={`${id}-target`} className="field mt-1" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
                {KINDS.map((k) => (
                  <option key={k.value} value={k.value}>
                    {k.label}
                  </option>
                ))}
              </select>
            </div>
            {button}
          </div>

          {kind === 'product' ? (
            <div className="grid gap-2 sm:grid-cols-2">
              <div>
                <label htmlFor={`${id}-filter`} className="block text-xs font-medium text-slate-600 dark:text-slate-300">
                  Search products
                </label>
                <input
                  id={`${id}-filter`}
                  type="search"
                  className="field mt-1 w-full"
                  value={filter}
                  placeholder="e.g. pão"
                  onChange={(e) => setFilter(e.target.value)}
                />
              </div>
              <div>
                <label htmlFor={`${id}-product`} className="block text-xs font-medium text-slate-600 dark:text-slate-300">
                  Product ({filtered.length} of {names.length})
                </label>
                <select id={`${id}-product`} className="field mt-1 w-full" size={5} value={product} onChange={(e) => setProduct(e.target.value)}>
                  {filtered.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
                {products.error ? (
                  <p className="mt-1 text-xs text-red-700 dark:text-red-300">Product list unavailable: {products.error.message}</p>
                ) : null}
              </div>
            </div>
          ) : null}

          {outcome}
        </div>
      )}
    </ConfirmedAction>
  );
}
