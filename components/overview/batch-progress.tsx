'use client';

import type { BatchJob } from '@/lib/api-types';
import { useFormat, useMessages } from '../i18n/locale-context';

/** How long a finished batch took (ms); null while it runs. */
export function batchElapsedMs(job: BatchJob): number | null {
  return job.finished_at ? new Date(job.finished_at).getTime() - new Date(job.started_at).getTime() : null;
}

/**
 * A running batch's progress (a warm-up, a "retrain all"): the bar with done / total, the rate and the time left.
 * Always rendered (hidden when nothing runs) so its appearance does not push the page around.
 */
export function BatchProgress({ job, label, id, testId }: { job: BatchJob | null; label: string; id: string; testId: string }) {
  const t = useMessages().batch;
  const format = useFormat();
  const running = job?.state === 'running';
  const percent = job && job.total > 0 ? Math.round((job.done / job.total) * 100) : 0;
  return (
    <div className={running ? '' : 'hidden'} data-testid={testId}>
      <label htmlFor={id} className="flex justify-between text-xs font-medium">
        <span>{label}</span>
        <span className="tabular" data-testid={`${testId}-count`}>
          {job ? t.count(format.int(job.done), format.int(job.total)) : ''}
        </span>
      </label>
      <progress id={id} className="mt-1 h-2 w-full accent-sky-600" max={job?.total || 1} value={job?.done ?? 0}>
        {format.percent(percent, 0)}
      </progress>
      <p className="tabular mt-1 flex flex-wrap gap-x-3 text-xs text-slate-600 dark:text-slate-300">
        <span data-testid={`${testId}-rate`}>{job?.rate != null ? t.rate(format.decimal(job.rate, 1)) : ''}</span>
        <span data-testid={`${testId}-eta`}>{job?.eta_s != null ? t.eta(format.duration(job.eta_s * 1000)) : running ? t.etaUnknown : ''}</span>
        {job && job.failed > 0 ? <span>{t.failed(format.int(job.failed))}</span> : null}
      </p>
    </div>
  );
}
