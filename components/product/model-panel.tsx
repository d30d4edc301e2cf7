'use client';

import { useSWRConfig } from 'swr';
import type { RetrainResponse } from '@/lib/api-types';
import { useAdminPost } from '../admin-token';
import { ConfirmedAction } from '../confirmed-action';
import { Card } from '../ui/card';
import { useErrorText } from '../i18n/error-text';
import { useFormat, useMessages } from '../i18n/locale-context';
import { modelUrl, predictPrefix, PRODUCTS_PAGE_PREFIX, useModelInfo } from '../use-api';

/** The product's model (version, training date, fit quality) and the Retrain button. */
export function ModelPanel({ product }: { product: string }) {
  const { data, error, isLoading, mutate: mutateModel } = useModelInfo(product);
  const { mutate } = useSWRConfig();
  const post = useAdminPost();
  const model = data?.model ?? null;
  const t = useMessages().model;
  const format = useFormat();
  const errorText = useErrorText();

  // Everything derived from the old model is now out of date: model info, forecasts, the product list.
  const refreshDerived = async () => {
    const forecasts = predictPrefix(product);
    await Promise.all([
      mutateModel(),
      mutate((key) => typeof key === 'string' && key.startsWith(forecasts)),
      mutate((key) => typeof key === 'string' && key.startsWith(PRODUCTS_PAGE_PREFIX)),
    ]);
  };

  return (
    <ConfirmedAction
      tone="primary"
      label={t.retrain}
      pendingLabel={t.retraining}
      disabled={Boolean(error && error.status === 404)}
      confirm={{
        title: t.confirmTitle(product),
        description: t.confirmDescription(model ? model.version : null),
        label: t.confirmButton,
      }}
      perform={() => post<RetrainResponse>(`${modelUrl(product)}/retrain`, {})}
      onSuccess={refreshDerived}
      success={{
        title: t.successTitle,
        testId: 'retrain-result',
        render: (result) => (
          <p>
            {t.version} {result.previous_version ?? '—'} → <span className="font-semibold">{result.model_version}</span>
            {t.trainedIn(format.duration(result.training_ms))}
          </p>
        ),
      }}
      failure={{ title: t.failureTitle, testId: 'retrain-error' }}
      outcomeClassName="mt-3"
    >
      {({ button, outcome }) => (
        <Card title={t.title} id="model" actions={button}>
          {error ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              {error.status === 404 ? t.unknownProduct : t.unavailable(errorText(error))}
            </p>
          ) : null}
          <dl className="grid grid-cols-2 gap-3 text-sm lg:grid-cols-1 xl:grid-cols-2">
            <div>
              <dt className="text-xs text-slate-600 dark:text-slate-300">{t.version}</dt>
              <dd className="tabular text-xl font-semibold" data-testid="model-version">
                {isLoading ? '…' : model ? `v${model.version}` : t.notTrained}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-600 dark:text-slate-300">{t.trained}</dt>
              <dd data-testid="model-trained-at">{model ? format.dateTime(model.trained_at) : '—'}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-600 dark:text-slate-300">{t.trainingTook}</dt>
              <dd className="tabular">{model ? format.duration(model.training_ms) : '—'}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-600 dark:text-slate-300">{t.mape}</dt>
              <dd className="tabular">{model ? format.percent(model.metrics.mape) : '—'}</dd>
            </div>
            <div className="col-span-2 lg:col-span-1 xl:col-span-2">
              <dt className="text-xs text-slate-600 dark:text-slate-300">{t.window}</dt>
              <dd className="tabular">
                {model
                  ? t.windowValue(
                      format.day(model.training_window.start),
                      format.day(model.training_window.end),
                      format.int(model.training_window.days),
                    )
                  : '—'}
              </dd>
            </div>
          </dl>
          {outcome}
        </Card>
      )}
    </ConfirmedAction>
  );
}
