import pg from 'pg';

/** How the PostgreSQL store connects; every wait is bounded (a down or hung server costs a timeout, never a hang). */
export interface PostgresConnectionOptions {
  /** `postgres://user:password@host:port/database` — the password never leaves this module's pool config. */
  url: string;
  /** Time allowed to open a connection (and to get one from a full pool). */
  connectTimeoutMs: number;
  /** Server-side `statement_timeout`, and the client-side bound on a query's answer (a bit longer). */
  statementTimeoutMs: number;
  /** Connections per instance for requests (the version index has one more of its own). */
  poolMax: number;
}

/** `host:port/database` of a PostgreSQL URL: what logs, errors and health may show (never the user's password). */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^\[|\]$/g, '') || 'localhost';
    return `${host}:${u.port || '5432'}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return 'postgres (unparsable URL)';
  }
}

/** Client options shared by the pool and the version index's own connection. */
export function clientConfig(options: PostgresConnectionOptions, applicationName: string): pg.ClientConfig {
  return {
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    // The client-side bound: a server that stops answering altogether (hung, packets dropped) still ends in an error.
    query_timeout: options.statementTimeoutMs + 1_000,
    application_name: applicationName,
    keepAlive: true,
  };
}

export function createPool(options: PostgresConnectionOptions, onError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(options, 'ai-prediction-service'), max: options.poolMax, idleTimeoutMillis: 30_000 });
  // An idle connection dropped by the server emits here; unhandled, it would end the process.
  pool.on('error', onError);
  return pool;
}

/**
 * The database could not be reached or did not answer in time (refused, reset, timed out, shutting down). Named
 * like the driver's own errors are recognised (lib/http/forecasting-access.ts `isDatabaseError`): a request
 * meeting it gets 503, never 500. The message names `host:port`, never the password.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor(target: string, cause: unknown) {
    super(`PostgreSQL at ${target} is unavailable: ${reason(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/** A short reason without anything from the URL (node-postgres' messages never include the password). */
function reason(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return String(cause);
  const { code, message } = cause as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' && message ? message : 'unknown error';
  return typeof code === 'string' && !text.includes(code) ? `${code} ${text}` : text;
}

/** SQLSTATE classes that mean "the server is unreachable or going away", not "the statement is wrong". */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57', '58']);

/** True for an error that says the database is unavailable (connection, timeout, shutdown), as opposed to a bug. */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_CLASSES.has(code.slice(0, 2));
  // No SQLSTATE: a socket error (ECONNREFUSED…), a connect or query timeout, "Connection terminated…".
  return true;
}

/** Runs a database call; an unavailability becomes a DatabaseUnavailableError naming `target`. */
export async function guarded<T>(target: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isUnavailable(error) && !(error instanceof DatabaseUnavailableError) ? new DatabaseUnavailableError(target, error) : error;
  }
}
