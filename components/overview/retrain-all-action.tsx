'use client';

import { useSWRConfig } from 'swr';
import type { RetrainAllAccepted } from '@/lib/api-types';
import { useAdminPost } from '../admin-token';
import { ConfirmedAction } from '../confirmed-action';
import { useFormat, useMessages } from '../i18n/locale-context';
import { JOBS_URL, useProductPage, useRetrainAllStatus } from '../use-api';
import { BatchProgress, batchElapsedMs } from './batch-progress';
import { PRODUCT_PAGE_SIZE } from './product-list';

/**
 * "Retrain all", behind a confirmation: one retrain job per product over every instance's worker
 * (`POST /api/ai/jobs/retrain-all`), then its progress — the same bar, rate and ETA as the warm-up's.
 */
export function RetrainAllAction() {
  const post = useAdminPost();
  const { mutate } = useSWRConfig();
  const status = useRetrainAllStatus();
  // The product list's first page (shared with the list card) carries the catalogue's size.
  const products = useProductPage('', null, PRODUCT_PAGE_SIZE);
  const t = useMessages().jobs;
  const format = useFormat();
  const job = status.data?.job ?? null;
  const running = job?.state === 'running';

  return (
    <ConfirmedAction
      tone="danger"
      label={t.retrainAll}
      pendingLabel={t.retrainAllPending}
      disabled={running}
      confirm={{
        title: t.retrainAllConfirmTitle,
        description: t.retrainAllConfirmDescription(format.int(products.data?.total)),
        label: t.retrainAllConfirm,
      }}
      perform={() => post<RetrainAllAccepted>('/api/ai/jobs/retrain-all', {})}
      onSuccess={async (accepted) => {
        // Seed the status with the new batch: polling runs every second while it runs.
        await status.mutate({ job: accepted.job }, { revalidate: true });
      }}
      onSettled={() => void mutate(JOBS_URL)}
      success={{
        title: t.retrainAllStarted,
        testId: 'retrain-all-result',
        render: (accepted) => <p>{t.retrainAllBatch(accepted.batch_id)}</p>,
      }}
      failure={{ title: t.retrainAllFailed, testId: 'retrain-all-error' }}
    >
      {({ button, outcome }) => (
        <div className="space-y-3">
          <div className="flex flex-wrap items-center gap-3">{button}</div>
          <BatchProgress job={job} label={t.retrainAllProgress} id="retrain-all-progress" testId="retrain-all" />
          {job && job.state !== 'running' ? (
            <p className="text-xs text-slate-600 dark:text-slate-300" data-testid="retrain-all-last">
              {t.retrainAllDone(format.int(job.done), format.int(job.total), format.duration(batchElapsedMs(job)))}
            </p>
          ) : null}
          {outcome}
        </div>
      )}
    </ConfirmedAction>
  );
}
