import type { SalesHistoryResponse } from '@/lib/api-types';
import { forecastingService } from '@/lib/http/forecasting-access';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { apiRoute } from '@/lib/http/route';
import { forecastingCall, integerParamParser, parseProductName } from '../../../_forecasting/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const DEFAULT_DAYS = 60;
const MAX_DAYS = 730;
const parseHistoryDays = integerParamParser('days', 1, MAX_DAYS, DEFAULT_DAYS);

/** The last `days` days of sales (default 60, at most 730), oldest first. Not cached: one indexed query. */
export const GET = apiRoute<{ params: Promise<{ name: string }> }>('/api/ai/products/[name]/history', async (request, { params }) => {
  const product = parseProductName((await params).name);
  const days = parseHistoryDays(new URL(request.url).searchParams.get('days'));
  const points = await forecastingCall(async () => (await forecastingService()).salesHistory(product, days));
  const body: SalesHistoryResponse = { product, points };
  return jsonResponse(body);
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
