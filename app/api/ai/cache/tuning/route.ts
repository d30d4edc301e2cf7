import { z } from 'zod';
import type { TuningReport } from '@/lib/api-types';
import { tuningReport } from '@/lib/http/autotune';
import { HttpError } from '@/lib/http/errors';
import { otherMethods } from '@/lib/http/method-not-allowed';
import { jsonResponse } from '@/lib/http/respond';
import { apiRoute } from '@/lib/http/route';

/**
 * `GET /api/ai/cache/tuning?decisions=0..50` — hit-rate-driven tuning on this instance: the mode (CACHE_AUTOTUNE),
 * the interval, the settings in force, the latest evaluation with its recommendations and reasons, the recent
 * decisions (newest first; `decisions` caps how many, default all 50 kept) and the desired instances with their
 * inputs. Read from memory: no Redis command, so it answers at once whatever Redis does.
 */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const QuerySchema = z.object({ decisions: z.coerce.number().int().min(0).max(50).default(50) });

export const GET = apiRoute('/api/ai/cache/tuning', async (request) => {
  const raw = new URL(request.url).searchParams.get('decisions');
  const parsed = QuerySchema.safeParse({ decisions: raw === null || raw === '' ? undefined : raw });
  if (!parsed.success) throw new HttpError('bad_request', 'decisions must be an integer from 0 to 50');
  const report: TuningReport = tuningReport();
  return jsonResponse({ ...report, decisions: report.decisions.slice(0, parsed.data.decisions) });
});

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
