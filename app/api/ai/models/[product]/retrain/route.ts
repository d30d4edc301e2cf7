import { z } from 'zod';
import type { RetrainResponse } from '@/lib/api-types';
import { forecastingService } from '@/lib/http/forecasting-access';
import { adminRoute } from '@/lib/http/guards';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { forecastingCall, parseProductName, roundTrainingFigures } from '../../../_forecasting/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** No options yet: an empty body (or `{}`) retrains with the service's model options. */
const RetrainBody = z.object({}).strict();

/**
 * Trains a new model version for the product (under the cross-instance training lock) and invalidates its
 * cached model and forecasts everywhere. Guarded: same origin, admin token when set, rate limited.
 */
export const POST = adminRoute<typeof RetrainBody, { params: Promise<{ product: string }> }>(
  '/api/ai/models/[product]/retrain',
  'retrain',
  RetrainBody,
  async (_call, _request, { params }) => {
    const product = parseProductName((await params).product);
    const r = await forecastingCall(async () => (await forecastingService()).retrain(product));
    const figures = roundTrainingFigures(r);
    const body: RetrainResponse = {
      product: r.product,
      model_version: r.version,
      previous_version: r.previousVersion,
      training_ms: figures.trainingMs,
      trained_at: r.trainedAt,
      metrics: { mape: figures.mape },
    };
    return jsonResponse(body);
  },
);

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { GET, PUT, PATCH, DELETE } = otherMethods(['POST']);
