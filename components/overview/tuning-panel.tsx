'use client';

import type { TuningReason, TuningSettingName } from '@/lib/api-types';
import type { Messages, TuningFigures } from '@/lib/i18n/messages/en';
import type { Format } from '../format';
import { Card } from '../ui/card';
import { useErrorText } from '../i18n/error-text';
import { useFormat, useMessages } from '../i18n/locale-context';
import { useTuning } from '../use-api';

/** Confirmations the advisor wants before a change (lib/tuning/advisor.ts CONFIRMATIONS). */
const CONFIRMATIONS = 2;

/** A setting's value as the operator reads it: entries counted, a TTL in seconds with its duration. */
function settingValue(setting: TuningSettingName, value: number, format: Format, t: Messages['tuning']): string {
  return setting === 'l1_max_entries' ? t.entries(format.int(value)) : `${format.int(value)} s (${format.duration(value * 1000)})`;
}

/** The reason's figures, formatted: percentages for shares, counts for the rest ('—' when absent or unknown). */
function figures(reason: TuningReason, format: Format): TuningFigures {
  const p = reason.params;
  const percent = (x: number | undefined) => (x === undefined || x < 0 ? '—' : format.percent(x));
  const int = (x: number | undefined) => (x === undefined ? '—' : format.int(x));
  return {
    occupancy: percent(p.occupancy),
    evictions: int(p.evictions),
    l2HitShare: percent(p.l2HitShare),
    byteFill: percent(p.byteFill),
    hitRate: percent(p.hitRate),
    hitRateMin: percent(p.hitRateMin),
    lookups: int(p.lookups),
    minLookups: int(p.minLookups),
    memoryFill: percent(p.memoryFill),
    bound: int(p.bound),
  };
}

/**
 * Hit-rate-driven tuning (GET /api/ai/cache/tuning): the L1 size and prediction TTL in force, the latest
 * recommendation with its reasons, the recent decisions (applied with CACHE_AUTOTUNE=true, advised otherwise) and
 * the desired instances an autoscaler reads from `ai_cache_desired_instances`.
 */
export function TuningPanel() {
  const { data, error } = useTuning();
  const t = useMessages().tuning;
  const common = useMessages().common;
  const format = useFormat();
  const errorText = useErrorText();
  const label = (setting: TuningSettingName) => (setting === 'l1_max_entries' ? t.l1Size : t.predictionTtl);
  const reasonText = (reason: TuningReason) => t.reasons[reason.code](figures(reason, format));
  const latest = data?.latest ?? null;
  const desired = data?.desired_instances ?? null;

  return (
    <Card
      title={t.title}
      id="tuning"
      actions={
        data ? (
          <span data-testid="tuning-mode" className="text-xs text-slate-600 dark:text-slate-300">
            {t.mode(data.autotune)}
          </span>
        ) : null
      }
    >
      {error ? (
        <p role="status" className="mb-2 text-sm font-medium text-red-700 dark:text-red-300">
          {t.refreshFailed(errorText(error))}
        </p>
      ) : null}
      {!data ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">{common.loading}</p>
      ) : (
        <>
          <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <section data-testid="tuning-settings" aria-labelledby="tuning-settings-title">
              <h3 id="tuning-settings-title" className="mb-2 text-sm font-semibold">
                {t.settingsTitle}
              </h3>
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                <dt className="text-slate-600 dark:text-slate-300">{t.l1Size}</dt>
                <dd className="tabular" data-testid="tuning-l1">
                  {settingValue('l1_max_entries', data.settings.l1_max_entries, format, t)}
                </dd>
                <dt className="text-slate-600 dark:text-slate-300">{t.predictionTtl}</dt>
                <dd className="tabular" data-testid="tuning-ttl">
                  {settingValue('prediction_ttl_seconds', data.settings.prediction_ttl_seconds, format, t)}
                </dd>
                <dt className="text-slate-600 dark:text-slate-300">{t.interval}</dt>
                <dd className="tabular">{format.duration(data.interval_s * 1000)}</dd>
              </dl>
            </section>

            <section data-testid="tuning-latest" aria-labelledby="tuning-latest-title">
              <h3 id="tuning-latest-title" className="mb-2 text-sm font-semibold">
                {t.latestTitle}
              </h3>
              {latest === null ? (
                <p className="text-sm text-slate-600 dark:text-slate-300">{t.notYet(format.duration(data.interval_s * 1000))}</p>
              ) : (
                <>
                  <p className="mb-2 text-xs text-slate-600 dark:text-slate-300">
                    {t.evaluated(
                      format.clock(latest.at),
                      format.duration(latest.window_s * 1000),
                      latest.signals.hit_rate === null ? '—' : format.percent(latest.signals.hit_rate),
                      format.int(latest.signals.lookups),
                    )}
                  </p>
                  <ul className="space-y-2 text-sm">
                    {latest.recommendations.map((r) => (
                      <li key={r.setting} data-testid={`tuning-recommendation-${r.setting}`}>
                        <span className="font-medium">{label(r.setting)}: </span>
                        <span className="tabular">
                          {r.recommended === r.current
                            ? t.hold(settingValue(r.setting, r.current, format, t))
                            : t.change(settingValue(r.setting, r.current, format, t), settingValue(r.setting, r.recommended, format, t))}
                        </span>
                        {r.recommended === r.current && r.confirmations > 0 ? (
                          <span className="text-xs text-slate-600 dark:text-slate-300">
                            {' '}
                            ({t.confirming(format.int(r.confirmations), format.int(CONFIRMATIONS))})
                          </span>
                        ) : null}
                        <p className="text-xs text-slate-600 dark:text-slate-300">{reasonText(r.reason)}</p>
                      </li>
                    ))}
                  </ul>
                  {latest.ttl_evaluated !== 'local' ? <p className="mt-2 text-xs text-slate-600 dark:text-slate-300">{t.ttlElsewhere}</p> : null}
                </>
              )}
            </section>

            <section data-testid="tuning-desired" aria-labelledby="tuning-desired-title">
              <h3 id="tuning-desired-title" className="mb-2 text-sm font-semibold">
                {t.desiredTitle}
              </h3>
              {desired === null ? (
                <p className="text-sm text-slate-600 dark:text-slate-300">{t.desiredNotYet}</p>
              ) : (
                <>
                  <p className="tabular text-2xl font-semibold" data-testid="tuning-desired-count">
                    {t.desired(format.int(desired.instances))}
                  </p>
                  <p className="mt-1 text-xs text-slate-600 dark:text-slate-300">
                    {t.desiredInputs(
                      format.decimal(desired.lookups_per_second, 2),
                      format.percent(desired.miss_ratio * 100),
                      format.duration(desired.compute_seconds_per_miss * 1000),
                      format.percent(desired.target_utilization * 100),
                    )}
                  </p>
                  <p className="mt-1 font-mono text-xs text-slate-600 dark:text-slate-300">ai_cache_desired_instances</p>
                </>
              )}
            </section>
          </div>

          <section data-testid="tuning-decisions" aria-labelledby="tuning-decisions-title" className="mt-6">
            <h3 id="tuning-decisions-title" className="mb-2 text-sm font-semibold">
              {t.decisionsTitle}
            </h3>
            {data.decisions.length === 0 ? (
              <p className="text-sm text-slate-600 dark:text-slate-300">{t.noDecisions}</p>
            ) : (
              <div className="max-h-72 overflow-auto">
                <table className="w-full text-sm">
                  <caption className="sr-only">{t.decisionsCaption}</caption>
                  <thead>
                    <tr className="text-left text-xs text-slate-600 dark:text-slate-300">
                      <th scope="col" className="pb-1 pr-3 font-medium">
                        {t.when}
                      </th>
                      <th scope="col" className="pb-1 pr-3 font-medium">
                        {t.setting}
                      </th>
                      <th scope="col" className="pb-1 pr-3 font-medium">
                        {t.changeColumn}
                      </th>
                      <th scope="col" className="pb-1 pr-3 font-medium">
                        {t.outcome}
                      </th>
                      <th scope="col" className="pb-1 font-medium">
                        {t.reason}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.decisions.map((d) => (
                      <tr
                        key={`${d.at}:${d.setting}:${d.to}`}
                        data-testid="tuning-decision"
                        data-outcome={d.outcome}
                        className="border-t border-slate-100 align-top dark:border-slate-800"
                      >
                        <td className="tabular py-1.5 pr-3 whitespace-nowrap">{format.clock(d.at)}</td>
                        <td className="py-1.5 pr-3">{label(d.setting)}</td>
                        <td className="tabular py-1.5 pr-3 whitespace-nowrap">
                          {t.change(settingValue(d.setting, d.from, format, t), settingValue(d.setting, d.to, format, t))}
                        </td>
                        <td className="py-1.5 pr-3">{t.outcomes[d.outcome]}</td>
                        <td className="py-1.5 text-xs text-slate-600 dark:text-slate-300">{reasonText(d.reason)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </Card>
  );
}
