'use client';

import { useId, useMemo, useState } from 'react';
import { useSWRConfig } from 'swr';
import type { CacheInfo, ClearResult } from '@/lib/api-types';
import { useAdminPost } from '../admin-token';
import { errorMessage } from '../api-client';
import { Banner } from '../ui/banner';
import { Dialog } from '../ui/dialog';
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

type Outcome = { ok: true; result: ClearResult; what: string } | { ok: false; message: string };

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
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const names = useMemo(() => products.data?.products.map((p) => p.name) ?? [], [products.data]);
  const filtered = useMemo(() => filterByName(names, filter, (n) => n), [names, filter]);

  const ready = kind !== 'product' || product !== '';
  const what = describeClear(kind, product, info);

  const run = async () => {
    setConfirming(false);
    setBusy(true);
    setOutcome(null);
    try {
      const target = kind === 'product' ? product : kind;
      const result = await post<ClearResult>('/api/ai/cache/clear', { target });
      setOutcome({ ok: true, result, what: kind === 'product' ? `“${product}”` : (KINDS.find((k) => k.value === kind)?.label.toLowerCase() ?? kind) });
    } catch (error) {
      setOutcome({ ok: false, message: errorMessage(error) });
    } finally {
      setBusy(false);
      void mutate(INFO_URL);
    }
  };

  return (
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
        <button type="button" className="btn-danger" disabled={!ready || busy} onClick={() => setConfirming(true)}>
          {busy ? 'Clearing…' : 'Clear…'}
        </button>
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
            {products.error ? <p className="mt-1 text-xs text-red-700 dark:text-red-300">Product list unavailable: {products.error.message}</p> : null}
          </div>
        </div>
      ) : null}

      <div aria-live="polite">
        {outcome?.ok ? (
          <Banner tone="success" title="Cache cleared" testId="clear-result" onDismiss={() => setOutcome(null)}>
            <p>
              Removed <span className="tabular font-semibold" data-testid="clear-removed">{formatInt(outcome.result.removed)}</span> key
              {outcome.result.removed === 1 ? '' : 's'} ({outcome.what}) at {formatClock(outcome.result.timestamp)}.
            </p>
          </Banner>
        ) : null}
        {outcome && !outcome.ok ? (
          <Banner tone="critical" title="Clear failed" testId="clear-error" onDismiss={() => setOutcome(null)}>
            <p>{outcome.message}</p>
          </Banner>
        ) : null}
      </div>

      <Dialog open={confirming} onClose={() => setConfirming(false)} labelledBy={`${id}-confirm-title`} describedBy={`${id}-confirm-what`}>
        <h2 id={`${id}-confirm-title`} className="text-lg font-semibold">
          Clear the cache?
        </h2>
        <p id={`${id}-confirm-what`} className="mt-2 text-sm">
          This removes {what}, on every instance. The next requests will be slower until the cache refills.
        </p>
        <div className="mt-5 flex justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={() => setConfirming(false)} autoFocus>
            Cancel
          </button>
          <button type="button" className="btn-danger" onClick={run}>
            Yes, clear
          </button>
        </div>
      </Dialog>
    </div>
  );
}
