'use client';

import { useState } from 'react';
import { useSWRConfig } from 'swr';
import type { RetrainResponse } from '@/lib/api-types';
import { useAdminPost } from '../admin-token';
import { errorMessage } from '../api-client';
import { Banner } from '../ui/banner';
import { Card } from '../ui/card';
import { Dialog } from '../ui/dialog';
import { formatDate, formatDuration, formatPercent } from '../format';
import { modelUrl, predictPrefix, PRODUCTS_URL, useModelInfo } from '../use-api';

type Outcome = { ok: true; result: RetrainResponse } | { ok: false; message: string };

/** The product's model (version, training date, fit quality) and the Retrain button. */
export function ModelPanel({ product }: { product: string }) {
  const { data, error, isLoading, mutate: mutateModel } = useModelInfo(product);
  const { mutate } = useSWRConfig();
  const post = useAdminPost();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const model = data?.model ?? null;

  const retrain = async () => {
    setConfirming(false);
    setBusy(true);
    setOutcome(null);
    try {
      const result = await post<RetrainResponse>(`${modelUrl(product)}/retrain`, {});
      setOutcome({ ok: true, result });
      // Everything derived from the old model is now out of date: model info, forecasts, the product list.
      const forecasts = predictPrefix(product);
      await Promise.all([
        mutateModel(),
        mutate((key) => typeof key === 'string' && key.startsWith(forecasts)),
        mutate(PRODUCTS_URL),
      ]);
    } catch (e) {
      setOutcome({ ok: false, message: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title="Model"
      id="model"
      actions={
        <button type="button" className="btn-primary" disabled={busy || Boolean(error && error.status === 404)} onClick={() => setConfirming(true)}>
          {busy ? 'Retraining…' : 'Retrain'}
        </button>
      }
    >
      {error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {error.status === 404 ? 'Unknown product.' : `Model information unavailable: ${error.message}`}
        </p>
      ) : null}
      <dl className="grid grid-cols-2 gap-3 text-sm lg:grid-cols-1 xl:grid-cols-2">
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-300">Version</dt>
          <dd className="tabular text-xl font-semibold" data-testid="model-version">
            {isLoading ? '…' : model ? `v${model.version}` : 'not trained yet'}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-300">Trained</dt>
          <dd data-testid="model-trained-at">{model ? formatDate(model.trained_at) : '—'}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-300">Training took</dt>
          <dd className="tabular">{model ? formatDuration(model.training_ms) : '—'}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-300">In-sample MAPE</dt>
          <dd className="tabular">{model ? formatPercent(model.metrics.mape) : '—'}</dd>
        </div>
        <div className="col-span-2 lg:col-span-1 xl:col-span-2">
          <dt className="text-xs text-slate-600 dark:text-slate-300">Training window</dt>
          <dd className="tabular">{model ? `${model.training_window.start} → ${model.training_window.end} (${model.training_window.days} days)` : '—'}</dd>
        </div>
      </dl>

      <div aria-live="polite" className="mt-3">
        {outcome?.ok ? (
          <Banner tone="success" title="Model retrained" testId="retrain-result" onDismiss={() => setOutcome(null)}>
            <p>
              Version {outcome.result.previous_version ?? '—'} → <span className="font-semibold">{outcome.result.model_version}</span>, trained in{' '}
              {formatDuration(outcome.result.training_ms)}. Cached forecasts of the old version are no longer served.
            </p>
          </Banner>
        ) : null}
        {outcome && !outcome.ok ? (
          <Banner tone="critical" title="Retrain failed" testId="retrain-error" onDismiss={() => setOutcome(null)}>
            <p>{outcome.message}</p>
          </Banner>
        ) : null}
      </div>

      <Dialog open={confirming} onClose={() => setConfirming(false)} labelledBy="retrain-confirm-title" describedBy="retrain-confirm-what">
        <h2 id="retrain-confirm-title" className="text-lg font-semibold">
          Retrain “{product}”?
        </h2>
        <p id="retrain-confirm-what" className="mt-2 text-sm">
          This fits a new model on the full sales history{model ? ` (replacing v${model.version})` : ''} and drops this product&apos;s cached model and
          forecasts on every instance.
        </p>
        <div className="mt-5 flex justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={() => setConfirming(false)} autoFocus>
            Cancel
          </button>
          <button type="button" className="btn-primary" onClick={retrain}>
            Yes, retrain
          </button>
        </div>
      </Dialog>
    </Card>
  );
}
