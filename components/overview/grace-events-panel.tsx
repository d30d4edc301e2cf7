'use client';

import type { ReactNode } from 'react';
import { Card } from '../ui/card';
import { useFormat, useMessages } from '../i18n/locale-context';
import { useCacheInfo } from '../use-api';

function Stat({ label, value, testId, children }: { label: string; value: string; testId: string; children?: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-300">{label}</dt>
      <dd data-testid={testId} className="tabular text-lg font-semibold">
        {value}
      </dd>
      {children ? <dd className="text-xs text-slate-600 dark:text-slate-300">{children}</dd> : null}
    </div>
  );
}

/**
 * Grace events (cache/info.grace): forecasts answered from their last good copy because recomputing them failed —
 * how many (every instance), the period, the refreshes still running here, and the latest ones with their product,
 * horizon, age and cause.
 */
export function GraceEventsPanel() {
  const { data: info } = useCacheInfo();
  const t = useMessages();
  const tg = t.grace;
  const format = useFormat();
  const grace = info?.grace;

  return (
    <Card title={tg.title} id="grace">
      <div aria-busy={!grace} className="space-y-4">
        <dl className="grid grid-cols-1 gap-3 sm:grid-cols-3 lg:grid-cols-1 xl:grid-cols-3">
          <Stat label={tg.staleServed} value={grace ? format.int(grace.stale_served_all_instances) : '—'} testId="grace-stale-served">
            {tg.staleServedDetail}
          </Stat>
          <Stat
            label={tg.period}
            value={grace ? (grace.period_s > 0 ? format.duration(grace.period_s * 1000) : tg.off) : '—'}
            testId="grace-period"
          />
          <Stat label={tg.refreshesPending} value={grace ? format.int(grace.refreshes_pending) : '—'} testId="grace-refreshes" />
        </dl>
        <div>
          <h3 className="mb-1 text-sm font-medium">{tg.recentTitle}</h3>
          {!grace ? (
            <p className="text-sm text-slate-600 dark:text-slate-300">{t.common.loading}</p>
          ) : grace.recent.length === 0 ? (
            <p data-testid="grace-none" className="text-sm text-slate-600 dark:text-slate-300">
              {tg.none}
            </p>
          ) : (
            // Focusable: a keyboard user can scroll the list when it is taller (or wider) than its box.
            <div className="max-h-72 overflow-auto" tabIndex={0} role="region" aria-label={tg.recentLabel}>
              <table data-testid="grace-events" aria-label={tg.recentLabel} className="tabular w-full text-sm">
                <thead className="text-left text-xs text-slate-600 dark:text-slate-300">
                  <tr>
                    <th scope="col" className="py-1 pr-2 font-medium">
                      {tg.when}
                    </th>
                    <th scope="col" className="px-2 py-1 font-medium">
                      {tg.product}
                    </th>
                    <th scope="col" className="px-2 py-1 text-right font-medium">
                      {tg.days}
                    </th>
                    <th scope="col" className="py-1 pl-2 text-right font-medium">
                      {tg.age}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {grace.recent.map((e, i) => (
                    <tr
                      key={`${e.at}-${i}`}
                      data-testid="grace-event"
                      className="border-t border-slate-200 dark:border-slate-800"
                      title={`${tg.reason}: ${e.reason}`}
                    >
                      <td className="py-1 pr-2 whitespace-nowrap">{format.clock(e.at)}</td>
                      <th scope="row" className="max-w-40 truncate px-2 py-1 text-left font-normal">
                        {e.product ?? tg.otherKey}
                      </th>
                      <td className="px-2 py-1 text-right">{e.days === null ? '—' : format.int(e.days)}</td>
                      <td className="py-1 pl-2 text-right">{format.duration(e.age_s * 1000)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </div>
    </Card>
  );
}
