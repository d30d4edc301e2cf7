'use client';

import { useCacheInfo } from '../use-api';

const ROWS = [
  { key: 'models', label: 'Models', env: 'CACHE_MODEL_TTL' },
  { key: 'predictions', label: 'Predictions', env: 'CACHE_PREDICTION_TTL' },
  { key: 'products', label: 'Product list', env: 'CACHE_PRODUCTS_TTL' },
] as const;

/** How long each kind of value lives, as configured on the server. */
export function TtlSettings() {
  const { data } = useCacheInfo();
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">Time to live per cached type</caption>
      <thead>
        <tr className="text-left text-xs text-slate-600 dark:text-slate-300">
          <th scope="col" className="pb-1 font-medium">
            Type
          </th>
          <th scope="col" className="pb-1 font-medium">
            TTL
          </th>
          <th scope="col" className="hidden pb-1 font-medium sm:table-cell">
            Variable
          </th>
        </tr>
      </thead>
      <tbody>
        {ROWS.map((row) => (
          <tr key={row.key} className="border-t border-slate-100 dark:border-slate-800">
            <th scope="row" className="py-1.5 text-left font-normal">
              {row.label}
            </th>
            <td className="tabular py-1.5" data-testid={`ttl-${row.key}`}>
              {data ? data.ttl_settings[row.key] : '—'}
            </td>
            <td className="hidden py-1.5 font-mono text-xs text-slate-600 sm:table-cell dark:text-slate-300">{row.env}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
