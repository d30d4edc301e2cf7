import type { ProductsResponse } from '@/lib/api-types';
import { forecastingService } from '@/lib/http/forecasting-access';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { apiRoute } from '@/lib/http/route';
import { cacheHeaders, forecastingCall, toProductSummary } from '../_forecasting/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The product list (cached, CACHE_PRODUCTS_TTL). */
export const GET = apiRoute('/api/ai/products', async () => {
  const started = performance.now();
  const result = await forecastingCall(async () => (await forecastingService()).listProductsDetailed());
  const products = result.value.map(toProductSummary);
  const body: ProductsResponse = { products, count: products.length, cached: result.cached };
  return jsonResponse(body, 200, cacheHeaders(result, started));
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
