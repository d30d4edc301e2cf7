import { otherMethods } from '@/lib/http/method-not-allowed';

/**
 * `GET /api/ping` — the cheapest JSON answer the server can give: no cache, no database, no metrics. The
 * benchmark uses it as the floor the cached routes are compared with; load balancers can use it as liveness.
 */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  return Response.json({ ok: true }, { headers: { 'Cache-Control': 'no-store' } });
}

// Other methods: 405 in the API's JSON error shape, with Allow (Next.js alone answers an empty 405).
export const { POST, PUT, PATCH, DELETE } = otherMethods(['GET']);
