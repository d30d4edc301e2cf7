'use client';

import type { Format } from '../format';
import { useFormat, useMessages } from '../i18n/locale-context';
import { useCacheInfo } from '../use-api';

/** The API's TTL reads "21600s (6h)": the leading seconds, to say the duration in the page's language. */
function ttlSeconds(text: string): number | null {
  const match = /^(\d+)s\b/.exec(text);
  return match ? Number(match[1]) : null;
}

const ROWS = [
  { key: 'models', env: 'CACHE_MODEL_TTL' },
  { key: 'predictions', env: 'CACHE_PREDICTION_TTL' },
  { key: 'products', env: 'CACHE_PRODUCTS_TTL' },
] as const;

function Ttl({ text, format }: { text: string | undefined; format: Format }) {
  if (text === undefined) return '—';
  const seconds = ttlSeconds(text);
  if (seconds === null) return text;
  return (
    <>
      {seconds} s <span className="text-xs text-slate-600 dark:text-slate-300">({format.duration(seconds * 1000)})</span>
    </>
  );
}

/** How long each kind of value lives, as configured on the server. */
export function TtlSettings() {
  const { data } = useCacheInfo();
  const t = useMessages().ttl;
  const format = useFormat();
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">{t.caption}</caption>
      <thead>
        <tr className="text-left text-xs text-slate-600 dark:text-slate-300">
          <th scope="col" className="pb-1 font-medium">
            {t.type}
          </th>
          <th scope="col" className="pb-1 font-medium">
            {t.ttl}
          </th>
          <th scope="col" className="hidden pb-1 font-medium sm:table-cell">
            {t.variable}
          </th>
        </tr>
      </thead>
      <tbody>
        {ROWS.map((row) => (
          <tr key={row.key} className="border-t border-slate-100 dark:border-slate-800">
            <th scope="row" className="py-1.5 text-left font-normal">
              {t.rows[row.key]}
            </th>
            <td className="tabular py-1.5" data-testid={`ttl-${row.key}`}>
              {/* The configured value as the variable takes it (seconds, no grouping), then how long that is. */}
              <Ttl text={data?.ttl_settings[row.key]} format={format} />
            </td>
            <td className="hidden py-1.5 font-mono text-xs text-slate-600 sm:table-cell dark:text-slate-300">{row.env}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
