'use client';

import { useSWRConfig } from 'swr';
import type { RetrainResponse } from '@/lib/api-types';
import { useAdminPost } from '../admin-token';
import { ConfirmedAction } from '../confirmed-action';
import { Card } from '../ui/card';
import { formatDate, formatDuration, formatPercent } from '../format';
import { modelUrl, predictPrefix, PRODUCTS_URL, useModelInfo } from '../use-api';

/** The product's model (version, training date, fit quality) and the Retrain button. */
export function ModelPanel({ product }: { product: string }) {
  const { data, error, isLoading, mutate: mutateModel } = useModelInfo(product);
  const { mutate } = useSWRConfig();
  const post = useAdminPost();
  const model = data?.model ?? null;

  // Everything derived from the old model is now out of date: model info, forecasts, the product list.
  const refreshDerived = async () => {
    const forecasts = predictPrefix(product);
    await Promise.all([mutateModel(), mutate((key) => typeof key === 'string' && key.startsWith(forecasts)), mutate(PRODUCTS_URL)]);
  };

  return (
    <ConfirmedAction
      tone="primary"
      label="Retrain"
      pendingLabel="Retraining…"
      disabled={Boolean(error && error.status === 404)}
      confirm={{
        title: `Retrain “${product}”?`,
        description: `This fits a new model on the full sales history${model ? ` (replacing v${model.version})` : ''} and drops this product's cached model and forecasts on every instance.`,
        label: 'Yes, retrain',
      }}
      perform={() => post<RetrainResponse>(`${modelUrl(product)}/retrain`, {})}
      onSuccess={refreshDerived}
      success={{
        title: 'Model retrained',
        testId: 'retrain-result',
        render: (result) => (
          <p>
            Version {result.previous_version ?? '—'} → <span className="font-semibold">{result.model_version}</span>, trained in{' '}
            {formatDuration(result.training_ms)}. Cached forecasts of the old version are no longer served.
          </p>
        ),
      }}
      failure={{ title: 'Retrain failed', testId: 'retrain-error' }}
      outcomeClassName="mt-3"
    >
      {({ button, outcome }) => (
        <Card title="Model" id="model" actions={button}>
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
              <dd className="tabular">
                {model ? `${model.training_window.start} → ${model.training_window.end} (${model.training_window.days} days)` : '—'}
              </dd>
            </div>
          </dl>
          {outcome}
        </Card>
      )}
    </ConfirmedAction>
  );
}
