'use client';

import { useId, useState } from 'react';
import { useSWRConfig } from 'swr';
import type { CacheInfo, ClearResult } from '@/lib/api-types';
import { useAdminPost } from '../admin-token';
import { ConfirmedAction } from '../confirmed-action';
import type { Messages } from '@/lib/i18n/messages';
import type { Format } from '../format';
import { useErrorText } from '../i18n/error-text';
import { useFormat, useMessages } from '../i18n/locale-context';
import { INFO_URL, useCacheInfo, useProductPage } from '../use-api';
import { useDebounced } from '../use-debounced';

/** Names the picker offers at once: the search narrows a catalogue of thousands to these. */
const PICKER_SIZE = 50;

type Kind = 'all' | 'models' | 'predictions' | 'products' | 'product';

const KINDS: readonly Kind[] = ['all', 'models', 'predictions', 'products', 'product'];

/** What the confirmation says will go, with the live key counts where the server gives them. */
function describeClear(kind: Kind, product: string, info: CacheInfo | undefined, t: Messages['clear'], format: Format): string {
  const n = (count: number | undefined) => (count === undefined ? '' : t.keysNow(format.int(count), count));
  switch (kind) {
    case 'all':
      return t.describe.all(n(info?.total_keys));
    case 'models':
      return t.describe.models(n(info?.cache_breakdown.models));
    case 'predictions':
      return t.describe.predictions(n(info?.cache_breakdown.predictions));
    case 'products':
      return t.describe.products(n(info?.cache_breakdown.products));
    case 'product':
      return t.describe.product(product);
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
  const [kind, setKind] = useState<Kind>('all');
  const [filter, setFilter] = useState('');
  const query = useDebounced(filter.trim(), 250);
  // Searched on the server, and only while a product is being picked.
  const products = useProductPage(kind === 'product' ? query : null, null, PICKER_SIZE);
  const [product, setProduct] = useState('');
  const t = useMessages().clear;
  const format = useFormat();
  const errorText = useErrorText();

  // The API sorts in pt-BR alphabetical order (Á with A, 2 before 10) and matches ignoring case and accents.
  const names = products.data?.products.map((p) => p.name) ?? [];

  const ready = kind !== 'product' || product !== '';
  const what = describeClear(kind, product, info, t, format);

  const clear = async (): Promise<Cleared> => {
    const target = kind === 'product' ? product : kind;
    const result = await post<ClearResult>('/api/ai/cache/clear', { target });
    return { result, what: kind === 'product' ? `“${product}”` : t.kinds[kind].toLowerCase() };
  };

  return (
    <ConfirmedAction
      tone="danger"
      label={t.button}
      pendingLabel={t.pending}
      disabled={!ready}
      confirm={{
        title: t.confirmTitle,
        description: t.confirmDescription(what),
        label: t.confirmButton,
      }}
      perform={clear}
      onSettled={() => void mutate(INFO_URL)}
      success={{
        title: t.successTitle,
        testId: 'clear-result',
        render: (cleared) => (
          <p>
            {t.removed}{' '}
            <span className="tabular font-semibold" data-testid="clear-removed">
              {format.int(cleared.result.removed)}
            </span>{' '}
            {t.removedDetail(cleared.result.removed, cleared.what, format.clock(cleared.result.timestamp))}
          </p>
        ),
      }}
      failure={{ title: t.failureTitle, testId: 'clear-error' }}
    >
      {({ button, outcome }) => (
        <div className="space-y-3">
          <div className="flex flex-wrap items-end gap-3">
            <div>
              <label htmlFor={`${id}-target`} className="block text-xs font-medium text-slate-600 dark:text-slate-300">
                {t.whatToClear}
              </label>
              <select id={`${id}-target`} className="field mt-1" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t.kinds[k]}
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
                  {t.searchProducts}
                </label>
                <input
                  id={`${id}-filter`}
                  type="search"
                  className="field mt-1 w-full"
                  value={filter}
                  placeholder={t.searchPlaceholder}
                  onChange={(e) => setFilter(e.target.value)}
                />
              </div>
              <div>
                <label htmlFor={`${id}-product`} className="block text-xs font-medium text-slate-600 dark:text-slate-300">
                  {t.productCount(format.int(names.length), format.int(products.data?.total ?? 0))}
                </label>
                <select id={`${id}-product`} className="field mt-1 w-full" size={5} value={product} onChange={(e) => setProduct(e.target.value)}>
                  {names.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
                {products.error ? (
                  <p className="mt-1 text-xs text-red-700 dark:text-red-300">{t.productsUnavailable(errorText(products.error))}</p>
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
