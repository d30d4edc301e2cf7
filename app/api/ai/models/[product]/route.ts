import type { ModelInfoResponse } from '@/lib/api-types';
import { forecastingService } from '@/lib/http/forecasting-access';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { apiRoute } from '@/lib/http/route';
import { forecastingCall, parseProductName, toModelInfo } from '../../_forecasting/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The product's current model (version, training window, fit metrics); `model: null` when never trained. */
export const GET = apiRoute<{ params: Promise<{ product: string }> }>('/api/ai/models/[product]', async (_request, { params }) => {
  const product = parseProductName((await params).product);
  const summary = await forecastingCall(async () => (await forecastingService()).modelInfo(product));
  const body: ModelInfoResponse = { product, model: summary ? toModelInfo(summary) : null };
  return jsonResponse(body);
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
