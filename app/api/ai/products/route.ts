import type { ProductsResponse } from '@/lib/api-types';
import { forecastingService } from '@/lib/http/forecasting-access';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { parseProductPageQuery, productPage } from '@/lib/http/product-page';
import { jsonResponse } from '@/lib/http/respond';
import { apiRoute } from '@/lib/http/route';
import { cacheHeaders, forecastingCall, toProductSummary } from '../_forecasting/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * The product list (cached, CACHE_PRODUCTS_TTL), a page at a time: `limit` (default 100, at most 1000), `cursor`
 * (the previous page's `next_cursor`) and `q` (accent- and case-insensitive "contains"). Every page is cut from
 * the one cached list, so paging and searching cost no database query while the list is cached.
 */
export const GET = apiRoute('/api/ai/products', async (request: Request) => {
  const started = performance.now();
  const query = parseProductPageQuery(new URL(request.url).searchParams);
  const result = await forecastingCall(async () => (await forecastingService()).listProductsDetailed());
  const page = productPage(result.value, query, (p) => p.name);
  const products = page.items.map(toProductSummary);
  const body: ProductsResponse = { products, count: products.length, total: page.total, next_cursor: page.nextCursor, cached: result.cached };
  return jsonResponse(body, 200, cacheHeaders(result, started));
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
