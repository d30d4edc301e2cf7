import { z } from 'zod';
import type { UsageReport } from '@/lib/api-types';
import { withDeadline } from '@/lib/http/deadline';
import { HttpError } from '@/lib/http/errors';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { apiRoute } from '@/lib/http/route';
import { usageReport } from '@/lib/http/smart-warmup';

/**
 * `GET /api/ai/cache/usage?hours=1..168` (default 24) — requests per product and hour (the heat map), the request
 * volume beside its forecast (predictive mode), and what the warm-ups will load and when.
 */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const QuerySchema = z.object({ hours: z.coerce.number().int().min(1).max(168).default(24) });

export const GET = apiRoute('/api/ai/cache/usage', async (request) => {
  const raw = new URL(request.url).searchParams.get('hours');
  const parsed = QuerySchema.safeParse({ hours: raw === null || raw === '' ? undefined : raw });
  if (!parsed.success) throw new HttpError('bad_request', 'hours must be an integer from 1 to 168');
  const report: UsageReport = await withDeadline(usageReport(parsed.data.hours), 'usage report');
  return jsonResponse(report);
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
