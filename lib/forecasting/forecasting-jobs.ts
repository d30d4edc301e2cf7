import type { JobData, JobHandler, JobResult } from '@/lib/jobs';
import type { ForecastingService } from './service';
import { WARMUP_HORIZONS } from './warmup';

/**
 * What each job kind does with the forecasting service — the same cached calls the API makes, so a job loads
 * exactly what requests hit, and every kind is idempotent (a job may run again after its worker died):
 * - `warm-product`: the product's model (trained first if it has none), then its forecasts for the job's horizons
 *   (the default horizons when the job names none);
 * - `train`: the product's model, trained once across instances (the service's training lock) if it has none;
 * - `retrain`: a new model version (under the same lock), its cached model and forecasts invalidated everywhere.
 */
export function forecastingJobHandler(service: () => Promise<ForecastingService>): JobHandler {
  return async (data: JobData): Promise<JobResult> => {
    const forecasting = await service();
    switch (data.kind) {
      case 'warm-product': {
        const model = await forecasting.loadModel(data.product);
        const horizons = data.horizons ?? WARMUP_HORIZONS;
        for (const days of horizons) await forecasting.predictDemand(data.product, days);
        return { product: data.product, version: model.version, forecasts: horizons.length };
      }
      case 'train': {
        const model = await forecasting.loadModel(data.product);
        return { product: data.product, version: model.version };
      }
      case 'retrain': {
        const r = await forecasting.retrain(data.product);
        return { product: r.product, version: r.version, previousVersion: r.previousVersion };
      }
    }
  };
}
