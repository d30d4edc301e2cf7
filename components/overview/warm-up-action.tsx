'use client';

import { useState } from 'react';
import type { WarmUpAccepted } from '@/lib/api-types';
import { useAdminPost } from '../admin-token';
import { ApiRequestError } from '../api-client';
import { Banner } from '../ui/banner';
import { useErrorText } from '../i18n/error-text';
import { useFormat, useMessages } from '../i18n/locale-context';
import { useWarmUpStatus } from '../use-api';
import { BatchProgress, batchElapsedMs } from './batch-progress';

/** Start a warm-up and follow it to the end. */
export function WarmUpAction() {
  const post = useAdminPost();
  const status = useWarmUpStatus();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const t = useMessages().warmUp;
  const format = useFormat();
  const errorText = useErrorText();
  const job = status.data?.job ?? null;
  const running = job?.state === 'running';

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const accepted = await post<WarmUpAccepted>('/api/ai/cache/warm-up', {});
      // Seed the status with the new job: polling continues while it runs.
      await status.mutate({ job: accepted.job }, { revalidate: true });
    } catch (e) {
      if (e instanceof ApiRequestError && e.status === 409) {
        // One is already running: follow that one instead.
        await status.mutate();
      } else {
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <button type="button" className="btn-primary" onClick={start} disabled={busy || running}>
          {running ? t.running : busy ? t.starting : t.button}
        </button>
        <p className="text-xs text-slate-600 dark:text-slate-300">{t.explain}</p>
      </div>

      <BatchProgress job={job} label={t.progress} id="warm-up-progress" testId="warm-up" />

      <div aria-live="polite">
        {job && job.state === 'done' ? (
          <Banner tone={job.errors.length ? 'warning' : 'success'} title={t.finishedTitle} testId="warm-up-result">
            <p>
              {t.done(
                format.int(job.done),
                format.int(job.total),
                format.duration(batchElapsedMs(job)),
                job.trigger === 'startup',
                job.finished_at ? format.clock(job.finished_at) : '',
              )}
              {job.errors.length
                ? t.failedTasks(
                    format.int(Math.max(job.failed, job.errors.length)),
                    job.errors
                      .slice(0, 3)
                      .map((e) => `${e.task} (${e.message})`)
                      .join('; '),
                  )
                : ''}
              {job.executors.length
                ? t.executors(format.int(job.executors.length), job.executors.map((e) => `${e.instance} (${format.int(e.tasks)})`).join(', '))
                : ''}
            </p>
          </Banner>
        ) : null}
        {job && job.state === 'failed' ? (
          <Banner tone="critical" title={t.failedTitle} testId="warm-up-failed">
            <p>
              {t.stoppedAfter(format.int(job.done), format.int(job.total))} {job.errors[0] ? `${job.errors[0].task}: ${job.errors[0].message}` : ''}
            </p>
          </Banner>
        ) : null}
        {error !== null ? (
          <Banner tone="critical" title={t.couldNotStart} testId="warm-up-error" onDismiss={() => setError(null)}>
            <p>{errorText(error)}</p>
          </Banner>
        ) : null}
      </div>
    </div>
  );
}
