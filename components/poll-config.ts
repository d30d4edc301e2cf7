/**
 * The dashboard's polling interval, read on the server at request time (not inlined at build time), so the same
 * build can poll every 5 s in production and every second in end-to-end tests.
 * `DASHBOARD_POLL_MS` wins; `NEXT_PUBLIC_POLL_MS` is accepted as an alias. 500–60000 ms, default 5000.
 */
import { z } from 'zod';

export const DEFAULT_POLL_MS = 5000;

const pollMs = z.coerce.number().int().min(500).max(60_000);

export function readPollMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.DASHBOARD_POLL_MS ?? env.NEXT_PUBLIC_POLL_MS;
  if (raw === undefined || raw === '') return DEFAULT_POLL_MS;
  const parsed = pollMs.safeParse(raw);
  // A bad value must not take the dashboard down: fall back to the default (the server logs config errors elsewhere).
  return parsed.success ? parsed.data : DEFAULT_POLL_MS;
}
