import { z } from 'zod';
import { ConfigError } from '@/lib/redis-cache';

/**
 * Settings of the management API's guards (clear, warm-up, retrain), read from the environment.
 * Parsed once per process and validated with zod: a wrong value stops the request path with a message that
 * names the variable, never a silent default.
 */
export interface AdminConfig {
  /** `CACHE_ADMIN_TOKEN`: when set, destructive calls need `Authorization: Bearer <token>`. */
  adminToken: string | null;
  /** `CACHE_ADMIN_RATE_LIMIT`: accepted destructive calls per minute and per action (process-wide). */
  rateLimitPerMinute: number;
  /** `CACHE_ADMIN_MAX_BODY_BYTES`: largest JSON body a management call accepts. */
  maxBodyBytes: number;
  /**
   * `TRUST_PROXY_HOPS`: how many reverse proxies stand in front of the server. 0 = none: the Host header is
   * the origin to compare against and the caller is the socket address Next.js records. N ≥ 1: the caller is the
   * N-th `X-Forwarded-For` entry from the right and the expected host comes from `X-Forwarded-Host`.
   */
  trustProxyHops: number;
}

const intFrom = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer between ${min} and ${max} (got "${raw}")` });
        return z.NEVER;
      }
      return n;
    });

const schema = z.object({
  // Empty means "not set" (a blank line in .env must not lock everyone out with an unguessable empty token).
  // Trimmed: a secret mounted from a file or a .env line often ends with a newline, which no `Authorization`
  // header can carry — the token could never match and every call would be refused. A token that can't be sent
  // as a Bearer credential (inner spaces, control or non-ASCII characters) is refused at start; the message
  // never shows the value.
  CACHE_ADMIN_TOKEN: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const token = raw?.trim() ?? '';
      if (token === '') return null;
      if (!/^[\x21-\x7e]+$/.test(token)) {
        ctx.addIssue({ code: 'custom', message: 'must be printable ASCII without spaces (it is sent as "Authorization: Bearer <token>")' });
        return z.NEVER;
      }
      return token;
    }),
  CACHE_ADMIN_RATE_LIMIT: intFrom(1, 100_000, 20),
  CACHE_ADMIN_MAX_BODY_BYTES: intFrom(64, 1_048_576, 4096),
  TRUST_PROXY_HOPS: intFrom(0, 10, 0),
});

/** Parses the guard settings from an environment; throws a ConfigError naming each bad variable. */
export function parseAdminConfig(env: Record<string, string | undefined>): AdminConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => ({ variable: String(issue.path[0]), message: issue.message })));
  }
  return {
    adminToken: parsed.data.CACHE_ADMIN_TOKEN,
    rateLimitPerMinute: parsed.data.CACHE_ADMIN_RATE_LIMIT,
    maxBodyBytes: parsed.data.CACHE_ADMIN_MAX_BODY_BYTES,
    trustProxyHops: parsed.data.TRUST_PROXY_HOPS,
  };
}

/**
 * The process' guard settings. Read on every call (cheap) rather than frozen at import, so a test can change
 * `process.env` between cases and a misconfiguration surfaces on the first management call, named.
 */
export function adminConfig(): AdminConfig {
  return parseAdminConfig(process.env);
}
