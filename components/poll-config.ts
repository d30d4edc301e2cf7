/**
 * The dashboard's polling interval, read on the server at request time (not inlined at build time), so the same
 * build can poll every 5 s in production and every second in end-to-end tests.
 * `DASHBOARD_POLL_MS` wins; `NEXT_PUBLIC_POLL_MS` is accepted as an alias. 500–60000 ms, default 5000.
 */
import { z } from 'zod';

export const DEFAULT_POLL_MS = 5000;

const pollMs = z.coerce.number().int().min(500).max(60_000);

let warned = false;

export function readPollMs(
  env: Record<string, string | undefined> = process.env,
  warn: (message: string) => void = (message) => console.warn(message),
): number {
  const name = env.DASHBOARD_POLL_MS !== undefined ? 'DASHBOARD_POLL_MS' : 'NEXT_PUBLIC_POLL_MS';
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return DEFAULT_POLL_MS;
  const parsed = pollMs.safeParse(raw);
  if (parsed.success) return parsed.data;
  // A bad value must not take every page down: say so once, naming the variable, and use the default.
  if (!warned) {
    warned = true;
    warn(`${name} must be an integer from 500 to 60000 (milliseconds), got "${raw}"; polling every ${DEFAULT_POLL_MS} ms`);
  }
  return DEFAULT_POLL_MS;
}
