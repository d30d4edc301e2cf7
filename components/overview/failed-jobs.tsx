'use client';

import { useState } from 'react';
import type { FailedJobInfo, JobsRetryResponse } from '@/lib/api-types';
import { useAdminPost } from '../admin-token';
import { useErrorText } from '../i18n/error-text';
import { useFormat, useMessages } from '../i18n/locale-context';
import { Banner } from '../ui/banner';
import { useJobs } from '../use-api';

type Outcome = { ok: true; retried: number } | { ok: false; error: unknown };

/**
 * The job queue's failed jobs (every attempt used), with their last error, a "Re-run" button per job and
 * "Re-run all" — through `POST /api/ai/jobs/<id>/retry` and `POST /api/ai/jobs/retry`, with the admin token the
 * other actions use. A re-run job leaves the list at the next poll (and comes back if it fails again).
 */
export function FailedJobs() {
  const post = useAdminPost();
  const jobs = useJobs();
  const t = useMessages().jobs;
  const format = useFormat();
  const errorText = useErrorText();
  // Job ids being re-queued (their buttons show it), or 'all'.
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const rerun = async (key: string, url: string) => {
    setPending((p) => new Set(p).add(key));
    setOutcome(null);
    try {
      const result = await post<JobsRetryResponse>(url, {});
      setOutcome({ ok: true, retried: result.retried });
      await jobs.mutate();
    } catch (error) {
      setOutcome({ ok: false, error });
    } finally {
      setPending((p) => {
        const next = new Set(p);
        next.delete(key);
        return next;
      });
    }
  };

  const data = jobs.data;
  const failed: FailedJobInfo[] = data?.failed ?? [];

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          className="btn-secondary"
          disabled={failed.length === 0 || pending.has('all')}
          onClick={() => void rerun('all', '/api/ai/jobs/retry')}
        >
          {pending.has('all') ? t.rerunAllPending : t.rerunAll}
        </button>
        <p className="text-xs text-slate-600 dark:text-slate-300">{t.explain}</p>
      </div>
      {data?.counts ? (
        <p className="tabular text-xs text-slate-600 dark:text-slate-300" data-testid="job-counts">
          {t.queueCounts(format.int(data.counts.waiting + data.counts.delayed), format.int(data.counts.active))}
        </p>
      ) : null}

      <div aria-live="polite">
        {outcome?.ok ? (
          <Banner tone="success" title={t.rerunDone(format.int(outcome.retried))} testId="jobs-rerun-result" onDismiss={() => setOutcome(null)} />
        ) : null}
        {outcome && !outcome.ok ? (
          <Banner tone="critical" title={t.rerunFailed} testId="jobs-rerun-error" onDismiss={() => setOutcome(null)}>
            <p>{errorText(outcome.error)}</p>
          </Banner>
        ) : null}
      </div>

      {jobs.error && !data ? <p className="text-sm">{errorText(jobs.error)}</p> : null}
      {!data && !jobs.error ? <p className="text-sm">{t.loading}</p> : null}
      {data && data.executor === 'in-process' ? <p className="text-sm">{t.unavailable}</p> : null}
      {data && data.executor === 'queue' && failed.length === 0 ? (
        <p className="text-sm" data-testid="failed-jobs-empty">
          {t.none}
        </p>
      ) : null}
      {failed.length > 0 ? (
        <div className="max-h-96 overflow-auto">
          <table className="w-full text-sm" data-testid="failed-jobs">
            <caption className="sr-only">{t.caption}</caption>
            <thead>
              <tr className="text-left text-xs text-slate-600 dark:text-slate-300">
                <th scope="col" className="pb-1 font-medium">
                  {t.product}
                </th>
                <th scope="col" className="pb-1 font-medium">
                  {t.kind}
                </th>
                <th scope="col" className="pb-1 font-medium">
                  {t.error}
                </th>
                <th scope="col" className="hidden pb-1 text-right font-medium sm:table-cell">
                  {t.attempts}
                </th>
                <th scope="col" className="hidden pb-1 font-medium md:table-cell">
                  {t.failedAt}
                </th>
                <th scope="col" className="pb-1">
                  <span className="sr-only">{t.rerun}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {failed.map((job) => (
                <tr key={job.id} className="border-t border-slate-100 align-top dark:border-slate-800" data-testid="failed-job">
                  <th scope="row" className="py-1.5 pr-2 text-left font-normal">
                    {job.product}
                  </th>
                  <td className="py-1.5 pr-2">{t.kinds[job.kind]}</td>
                  <td className="py-1.5 pr-2 text-xs break-words" lang="en">
                    {job.error}
                  </td>
                  <td className="tabular hidden py-1.5 pr-2 text-right sm:table-cell">{format.int(job.attempts)}</td>
                  <td className="hidden py-1.5 pr-2 text-xs md:table-cell">{format.dateTime(job.failed_at)}</td>
                  <td className="py-1.5 text-right">
                    <button
                      type="button"
                      className="btn-secondary"
                      aria-label={t.rerunLabel(job.product)}
                      disabled={pending.has(job.id) || pending.has('all')}
                      onClick={() => void rerun(job.id, `/api/ai/jobs/${encodeURIComponent(job.id)}/retry`)}
                    >
                      {pending.has(job.id) ? t.rerunning : t.rerun}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
