import type { Logger } from 'pino';
import { getLogger } from '@/lib/logger';

/**
 * The HTTP layer's logger: the process-wide one (stdout + LOG_FILE, secrets redacted) with `component: "http"`.
 * Never log request bodies wholesale, tokens or passwords.
 */
const GLOBAL_KEY = Symbol.for('ai-cache.http.logger');
type WithLogger = typeof globalThis & { [GLOBAL_KEY]?: Logger };

export function httpLogger(): Logger {
  const holder = globalThis as WithLogger;
  holder[GLOBAL_KEY] ??= getLogger().child({ component: 'http' });
  return holder[GLOBAL_KEY];
}

/** For tests: route logs go to `logger` (undefined restores the process logger). */
export function useHttpLoggerForTests(logger: Logger | undefined): void {
  (globalThis as WithLogger)[GLOBAL_KEY] = logger;
}

/** An error's message for a log line; a thrown non-Error value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
